// odyospiro export fhir|hl7|pdf EXAM_ID [--output FILE]: a signed exam as a FHIR R4 transaction
// Bundle, an HL7 v2.5.1 ORU^R01 message or a PDF report (station/export); export csv|xlsx: the
// office's tables; export status|send|retry: the outbox of signed results to the configured
// destinations (station/export/outbox.hpp). This file parses, calls, writes.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "station/app/views.hpp"
#include "station/cli/context.hpp"
#include "station/core/atomic_file.hpp"
#include "station/core/local_time.hpp"
#include "station/core/person_input.hpp"
#include "station/core/text_table.hpp"
#include "station/exams/exam_record.hpp"
#include "station/export/exam_export.hpp"
#include "station/export/fhir_bundle.hpp"
#include "station/export/hl7_oru.hpp"
#include "station/export/office_tables.hpp"
#include "station/export/outbox.hpp"
#include "station/export/pdf_report.hpp"
#include "station/storage/audit.hpp"
#include "station/storage/database.hpp"
#include "station/storage/hash.hpp"

namespace odyo::station {

namespace {

struct ExportOptions {
  std::int64_t exam_id = 0;
  std::string output;
};

void run_export(CliContext& ctx, const ExportOptions& o, const std::string& format) {
  auto cfg = ctx.config();
  if (!cfg) return (void)ctx.fail(cfg.error(), 2);
  auto ecfg = require_export_config(**cfg);
  if (!ecfg) return (void)ctx.fail(ecfg.error(), 2);
  const ExportConfig& ec = **ecfg;
  auto db = ctx.db_as({"physician", "admin"}, N_("export exams to central records"));
  if (!db) return (void)ctx.fail(db.error(), 2);
  auto me = ctx.actor();
  if (!me) return (void)ctx.fail(me.error(), 2);
  auto rec = load_exam_record(**db, o.exam_id);
  if (!rec) return (void)ctx.fail(rec.error());
  auto x = prepare_export(*rec, ec);
  if (!x) return (void)ctx.fail(x.error());
  std::string text;
  if (format == "pdf") {
    auto pdf = exam_report_pdf(**db, *rec, *x, ctx.catalog());
    if (!pdf) return (void)ctx.fail(pdf.error());
    text = std::move(*pdf);
  } else if (format == "fhir") {
    // The report's PDF goes with the Bundle (DiagnosticReport.presentedForm), in the station's
    // language whoever exports: the same exam version gives the same Bundle.
    const i18n::Catalog& station_language = i18n::catalog((*cfg)->language);
    auto pdf = exam_report_pdf(**db, *rec, *x, station_language);
    if (!pdf) return (void)ctx.fail(pdf.error());
    text = fhir_bundle(*x, ec, *pdf, station_language.language());
  } else {
    text = hl7_oru_r01(*x, ec);
  }

  if (!o.output.empty()) {
    if (auto w = write_file_atomically(o.output, text); !w) return (void)ctx.fail(w.error());
  }
  // Who exported what, when: an audit row (the text's hash, not the text).
  const std::string sha = sha256_hex(text);
  {
    auto tx = Transaction::begin(**db);
    if (!tx) return (void)ctx.fail(tx.error(), 2);
    const auto& res = rec->results.back();
    nlohmann::json details{{"exam_id", o.exam_id},
                           {"result_version", res.version},
                           {"format", format == "fhir"  ? "fhir-r4-transaction"
                                      : format == "hl7" ? "hl7-v2.5.1-oru-r01"
                                                        : "pdf-report"},
                           {"identifier", x->id_prefix},
                           {"sha256", sha},
                           {"output", o.output.empty() ? std::string("stdout") : o.output}};
    if (auto r =
            audit_append(**db, {(*me)->username, "exam.export", "results", res.id, details.dump()});
        !r)
      return (void)ctx.fail(r.error(), 2);
    if (auto r = tx->commit(); !r) return (void)ctx.fail(r.error(), 2);
  }
  if (o.output.empty()) {
    ctx.out() << text;
    return;
  }
  if (ctx.json()) {
    ctx.out() << nlohmann::json{{"exam", o.exam_id},  {"result_version", x->result_version},
                                {"format", format},   {"identifier", x->id_prefix},
                                {"output", o.output}, {"sha256", sha}}
                     .dump(2)
              << "\n";
  } else {
    ctx.out() << ctx.tr("Exported: exam ") << o.exam_id << " (v" << x->result_version << ") → "
              << o.output << "\n";
  }
}

void run_status(CliContext& ctx) {
  auto cfg = ctx.config();
  if (!cfg) return (void)ctx.fail(cfg.error(), 2);
  auto outbox = load_outbox_settings((*cfg)->file);
  if (!outbox) return (void)ctx.fail(outbox.error(), 2);
  auto db = ctx.db_as({"physician", "admin"}, N_("see the export outbox"));
  if (!db) return (void)ctx.fail(db.error(), 2);
  auto st = outbox_status(**db, &*outbox);
  if (!st) return (void)ctx.fail(st.error(), 2);
  if (ctx.json()) {
    ctx.out() << outbox_status_json(*st).dump(2) << "\n";
    return;
  }
  if (st->destinations.empty()) {
    ctx.out() << ctx.tr(
        "No export destination is configured ([[export.destination]] in station.toml): signed "
        "results are not queued.\n");
    return;
  }
  TextTable table({ctx.tr("Destination"), ctx.tr("Kind"), ctx.tr("Pending"), ctx.tr("Delivered"),
                   ctx.tr("Rejected")});
  for (const auto& d : st->destinations) {
    table.add_row({d.configured ? d.id : d.id + " " + ctx.tr("(not configured)"), d.kind,
                   std::to_string(d.pending), std::to_string(d.delivered),
                   std::to_string(d.rejected)});
  }
  ctx.out() << table.render();
  if (!st->rejected.empty()) {
    ctx.out() << "\n"
              << ctx.tr("Rejected (fix the cause, then `odyospiro export retry ID`):") << "\n";
    TextTable rej({"ID", ctx.tr("Exam"), ctx.tr("Destination"), ctx.tr("When"), ctx.tr("Why")});
    for (const auto& e : st->rejected) {
      rej.add_row({std::to_string(e.id),
                   std::to_string(e.exam_id) + " (v" + std::to_string(e.result_version) + ")",
                   e.destination, local_display(e.last_at), e.last_message});
    }
    ctx.out() << rej.render();
  }
  if (!st->pending.empty()) {
    ctx.out() << "\n" << ctx.tr("Pending (`odyospiro export send` delivers them):") << "\n";
    TextTable pen({"ID", ctx.tr("Exam"), ctx.tr("Destination"), ctx.tr("Attempts"),
                   ctx.tr("Next attempt"), ctx.tr("Last error")});
    for (const auto& e : st->pending) {
      pen.add_row({std::to_string(e.id),
                   std::to_string(e.exam_id) + " (v" + std::to_string(e.result_version) + ")",
                   e.destination, std::to_string(e.attempts),
                   e.next_at ? local_display(*e.next_at) : std::string(ctx.tr("now")),
                   e.last_message});
    }
    ctx.out() << pen.render();
  }
}

void run_retry(CliContext& ctx, std::int64_t id) {
  auto cfg = ctx.config();
  if (!cfg) return (void)ctx.fail(cfg.error(), 2);
  auto db = ctx.db_as({"admin"}, N_("send a rejected export again"));
  if (!db) return (void)ctx.fail(db.error(), 2);
  auto me = ctx.actor();
  if (!me) return (void)ctx.fail(me.error(), 2);
  auto e = outbox_retry(**db, id, (*me)->username);
  if (!e) return (void)ctx.fail(e.error());
  if (ctx.json()) {
    ctx.out() << outbox_entry_json(*e).dump(2) << "\n";
    return;
  }
  ctx.out() << ctx.trf(
                   "Queued again: outbox message {} (exam {}, v{}) for {}; `odyospiro export "
                   "send` delivers it.",
                   e->id, e->exam_id, e->result_version, e->destination)
            << "\n";
}

struct SendCliOptions {
  std::size_t batch_size = 200;
  bool until_empty = false, progress = false;
  double timeout_s = 0;
  std::string destination;
};

void run_send(CliContext& ctx, const SendCliOptions& so) {
  auto cfg = ctx.config();
  if (!cfg) return (void)ctx.fail(cfg.error(), 2);
  auto outbox = load_outbox_settings((*cfg)->file);
  if (!outbox) return (void)ctx.fail(outbox.error(), 2);
  if (outbox->destinations.empty()) {
    return (void)ctx.fail(
        make_errorf("config_invalid",
                    "{}: no [[export.destination]]; add the central office's destination (see "
                    "config/station.toml and docs/export.md)",
                    (*cfg)->file.string()),
        2);
  }
  auto db = ctx.db_as({"physician", "admin"}, N_("send the export outbox"));
  if (!db) return (void)ctx.fail(db.error(), 2);
  auto me = ctx.actor();
  if (!me) return (void)ctx.fail(me.error(), 2);
  SendOptions o;
  o.actor = (*me)->username;
  o.only_destination = so.destination;
  o.batch_size = so.batch_size;
  o.until_empty = so.until_empty;
  o.timeout = std::chrono::milliseconds(static_cast<std::int64_t>(so.timeout_s * 1000.0));
  // Progress on stderr at a terminal or with --progress: one line, rewritten after each batch.
  const bool show = so.progress || ::isatty(STDERR_FILENO) == 1;
  bool shown = false;
  if (show) {
    o.progress = [&ctx, &shown](const SendProgress& p) {
      shown = true;
      ctx.err() << "\r"
                << ctx.trf(
                       "export send: pass {}, {} of {} messages; delivered {}, to retry {}, "
                       "rejected {}",
                       p.pass, p.done, p.total, p.delivered, p.retried, p.rejected)
                << std::flush;
    };
  }
  auto rep = send_outbox(**db, *outbox, o);
  if (shown) ctx.err() << "\n";
  if (!rep) return (void)ctx.fail(rep.error(), 2);
  if (ctx.json()) {
    nlohmann::json unreachable = nlohmann::json::array();
    for (const auto& u : rep->unreachable)
      unreachable.push_back({{"destination", u.destination}, {"error", u.why.message}});
    ctx.out() << nlohmann::json{{"delivered", rep->delivered},
                                {"retried", rep->retried},
                                {"rejected", rep->rejected},
                                {"still_pending", rep->still_pending},
                                {"passes", rep->passes},
                                {"unreachable", unreachable}}
                     .dump(2)
              << "\n";
  } else {
    for (const auto& u : rep->unreachable)
      ctx.out() << ctx.tr("Unreachable: ") << u.destination << ": " << ctx.message(u.why) << "\n";
    ctx.out() << ctx.trf("Delivered: {}, to retry: {}, rejected: {}, still pending: {}",
                         rep->delivered, rep->retried, rep->rejected, rep->still_pending)
              << "\n";
  }
  if (so.until_empty && rep->still_pending > 0) {
    ctx.exit_code = 1;
  }
}

struct OfficeOptions {
  std::string from, to, establishment, kind, output, table = "exams", separator;
  bool decimal_comma = false, no_bom = false, progress = false;
};

// `export csv|xlsx`: the office's tables of exams and of the signed exams' values.
void run_office_export(CliContext& ctx, const OfficeOptions& o, const std::string& format) {
  auto cfg = ctx.config();
  if (!cfg) return (void)ctx.fail(cfg.error(), 2);
  auto ec = require_export_config(**cfg);
  if (!ec) return (void)ctx.fail(ec.error(), 2);
  OfficeFilter filter;
  for (auto [typed, iso] : {std::pair{&o.from, &filter.from}, std::pair{&o.to, &filter.to}}) {
    if (typed->empty()) continue;
    auto d = parse_date_iso(*typed);
    if (!d) return (void)ctx.fail(d.error(), 2);
    *iso = *d;
  }
  if (!o.establishment.empty()) {
    // "KOZLU", "kozlu" and "Kozlu" are one establishment (Turkish case folding).
    filter.establishment =
        match_turkish(o.establishment, (*cfg)->establishments).value_or(o.establishment);
  }
  filter.kind = o.kind;
  if (o.separator.size() > 1) {
    return (void)ctx.fail(
        make_errorf("bad_separator", "--separator `{}`: one character, such as `;`", o.separator),
        2);
  }
  auto db = ctx.db_as({"physician", "admin"}, N_("export exams to central records"));
  if (!db) return (void)ctx.fail(db.error(), 2);
  auto me = ctx.actor();
  if (!me) return (void)ctx.fail(me.error(), 2);
  const bool show = o.progress || ::isatty(STDERR_FILENO) == 1;
  std::function<void(std::size_t, std::size_t)> progress;
  if (show) {
    progress = [&ctx](std::size_t done, std::size_t total) {
      if (done % 100 == 0 || done == total)
        ctx.err() << "\r" << ctx.trf("export: {} of {} exams", done, total) << std::flush;
    };
  }
  auto tables = gather_office_tables(**db, **ec, filter, progress);
  if (show) ctx.err() << "\n";
  if (!tables) return (void)ctx.fail(tables.error());
  const auto translate = [&ctx](const char* msgid) -> std::string {
    return ctx.tr(msgid);  // i18n: the column names and words of office_tables.cpp
  };
  std::string sha;
  if (format == "csv") {
    CsvOptions co;
    co.decimal_comma = o.decimal_comma;
    co.separator = !o.separator.empty() ? o.separator[0] : (o.decimal_comma ? ';' : ',');
    co.bom = !o.no_bom;
    if (co.decimal_comma && co.separator == ',') {
      return (void)ctx.fail(make_error("bad_separator",
                                       "--decimal-comma with the separator `,` would split every "
                                       "number in two; use `;`"),
                            2);
    }
    const std::string text =
        office_csv(o.table == "results" ? tables->results : tables->exams, co, translate);
    if (auto w = write_file_atomically(o.output, text); !w) return (void)ctx.fail(w.error());
    sha = sha256_hex(text);
  } else {
    if (auto w = write_office_xlsx(o.output, *tables, translate); !w)
      return (void)ctx.fail(w.error());
  }
  {
    auto tx = Transaction::begin(**db);
    if (!tx) return (void)ctx.fail(tx.error(), 2);
    nlohmann::json details{{"format", format},
                           {"table", format == "csv" ? o.table : std::string("exams+results")},
                           {"from", filter.from},
                           {"to", filter.to},
                           {"establishment", filter.establishment},
                           {"kind", filter.kind},
                           {"exams", tables->exams.rows.size()},
                           {"signed_exams", tables->signed_exams},
                           {"output", o.output}};
    if (!sha.empty()) details["sha256"] = sha;
    if (auto r =
            audit_append(**db, {(*me)->username, "exam.export_table", "exams", 0, details.dump()});
        !r)
      return (void)ctx.fail(r.error(), 2);
    if (auto r = tx->commit(); !r) return (void)ctx.fail(r.error(), 2);
  }
  if (ctx.json()) {
    ctx.out() << nlohmann::json{{"format", format},
                                {"output", o.output},
                                {"exams", tables->exams.rows.size()},
                                {"signed_exams", tables->signed_exams},
                                {"result_rows", tables->results.rows.size()}}
                     .dump(2)
              << "\n";
  } else {
    ctx.out() << ctx.trf("Written: {} ({} exams, {} of them signed)", o.output,
                         tables->exams.rows.size(), tables->signed_exams)
              << "\n";
  }
}

}  // namespace

void register_export_commands(CLI::App& app, CliContext& ctx) {
  auto* ex = app.add_subcommand("export",
                                "Export signed exams to central records (FHIR R4, HL7 v2.5.1) and "
                                "the office's tables (CSV, XLSX)");
  ex->require_subcommand(1);
  for (const char* format : {"fhir", "hl7", "pdf"}) {
    auto o = std::make_shared<ExportOptions>();
    const std::string f = format;
    auto* sub = ex->add_subcommand(
        f, f == "fhir"  ? "The exam's signed result as a FHIR R4 transaction Bundle (JSON)"
           : f == "hl7" ? "The exam's signed result as an HL7 v2.5.1 ORU^R01 message (CR "
                          "segment ends, UTF-8)"
                        : "The exam's signed result as a PDF report: worker, charts, values, "
                          "evaluation with its clauses, signature");
    sub->add_option("id", o->exam_id, "Exam id (its latest result must be signed)")->required();
    sub->add_option("--output", o->output, "Write to this file (default: standard output)");
    sub->callback([&ctx, o, f] { run_export(ctx, *o, f); });
  }

  auto* status = ex->add_subcommand(
      "status", "The export outbox: pending, delivered and rejected messages per destination");
  status->callback([&ctx] { run_status(ctx); });

  auto retry_id = std::make_shared<std::int64_t>(0);
  auto* retry = ex->add_subcommand(
      "retry", "Send a rejected outbox message again, after its cause was fixed (admin)");
  retry->add_option("id", *retry_id, "Outbox message id (see `export status`)")->required();
  retry->callback([&ctx, retry_id] { run_retry(ctx, *retry_id); });

  auto so = std::make_shared<SendCliOptions>();
  auto* send = ex->add_subcommand(
      "send", "Deliver the pending outbox messages to the configured destinations");
  send->add_flag("--until-empty", so->until_empty,
                 "Keep going (waiting for retry times) until nothing is pending");
  send->add_option("--timeout", so->timeout_s,
                   "With --until-empty: give up after this many seconds (exit 1)")
      ->check(CLI::Range(0.0, 86400.0 * 7));
  send->add_option("--destination", so->destination, "Only this destination id");
  send->add_option("--batch-size", so->batch_size, "Messages per receiver transaction")
      ->check(CLI::Range(1, 10000));
  send->add_flag("--progress", so->progress, "Progress on stderr even when not a terminal");
  send->callback([&ctx, so] { run_send(ctx, *so); });
  for (const char* format : {"csv", "xlsx"}) {
    auto o = std::make_shared<OfficeOptions>();
    const std::string f = format;
    auto* sub = ex->add_subcommand(
        f, f == "csv" ? "The office's table of exams (or of the signed exams' values) as CSV"
                      : "The office's tables of exams and of the signed exams' values as an "
                        "XLSX workbook");
    sub->add_option("--output", o->output, "Write to this file")->required();
    sub->add_option("--from", o->from, "First day (YYYY-MM-DD or GG.AA.YYYY)");
    sub->add_option("--to", o->to, "Last day (YYYY-MM-DD or GG.AA.YYYY)");
    sub->add_option("--establishment", o->establishment, "Only this establishment");
    sub->add_option("--kind", o->kind, "Only this kind of exam")
        ->check(CLI::IsMember({"spirometry", "audiometry"}));
    sub->add_flag("--progress", o->progress, "Progress on stderr even when not a terminal");
    if (f == "csv") {
      sub->add_option("--table", o->table, "Which table: the exams, or the signed exams' values")
          ->check(CLI::IsMember({"exams", "results"}));
      sub->add_flag("--decimal-comma", o->decimal_comma,
                    "Numbers with a decimal comma (4,28); the separator becomes `;`");
      sub->add_option("--separator", o->separator, "Field separator (default `,`, or `;`)");
      sub->add_flag("--no-bom", o->no_bom, "No UTF-8 byte-order mark at the start");
    }
    sub->callback([&ctx, o, f] { run_office_export(ctx, *o, f); });
  }
}

}  // namespace odyo::station
