// odyospiro export fhir|hl7 EXAM_ID [--output FILE]: a signed exam as a FHIR R4 transaction
// Bundle or an HL7 v2.5.1 ORU^R01 message (station/export). This file parses, calls, writes.
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "station/cli/context.hpp"
#include "station/exams/exam_record.hpp"
#include "station/export/exam_export.hpp"
#include "station/export/fhir_bundle.hpp"
#include "station/export/hl7_oru.hpp"
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
  if (!(*cfg)->exports) {
    return (void)ctx.fail(
        make_errorf("config_invalid",
                    "{}: no [export] section; add the identifier systems the central office "
                    "assigned (see config/station.toml and docs/export.md)",
                    (*cfg)->file.string()),
        2);
  }
  const ExportConfig& ec = *(*cfg)->exports;
  auto db = ctx.db_as({"physician", "admin"}, N_("export exams to central records"));
  if (!db) return (void)ctx.fail(db.error(), 2);
  auto me = ctx.actor();
  if (!me) return (void)ctx.fail(me.error(), 2);
  auto rec = load_exam_record(**db, o.exam_id);
  if (!rec) return (void)ctx.fail(rec.error());
  auto x = prepare_export(*rec, ec);
  if (!x) return (void)ctx.fail(x.error());
  const std::string text = format == "fhir" ? fhir_bundle(*x, ec) : hl7_oru_r01(*x, ec);

  if (!o.output.empty()) {
    const std::filesystem::path tmp = o.output + ".tmp";
    {
      std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
      f << text;
      f.close();
      if (!f) {
        return (void)ctx.fail(make_errorf("output_unwritable",
                                          "{}: cannot write the export (check the folder exists "
                                          "and is writable)",
                                          o.output));
      }
    }
    std::error_code ec_rename;
    std::filesystem::rename(tmp, o.output, ec_rename);
    if (ec_rename) {
      return (void)ctx.fail(
          make_errorf("output_unwritable", "{}: {}", o.output, ec_rename.message()));
    }
  }
  // Who exported what, when: an audit row (the text's hash, not the text).
  const std::string sha = sha256_hex(text);
  {
    auto tx = Transaction::begin(**db);
    if (!tx) return (void)ctx.fail(tx.error(), 2);
    const auto& res = rec->results.back();
    nlohmann::json details{
        {"exam_id", o.exam_id},
        {"result_version", res.version},
        {"format", format == "fhir" ? "fhir-r4-transaction" : "hl7-v2.5.1-oru-r01"},
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

}  // namespace

void register_export_commands(CLI::App& app, CliContext& ctx) {
  auto* ex = app.add_subcommand(
      "export", "Export a signed exam to central records (FHIR R4, HL7 v2.5.1) / Dışa aktar");
  ex->require_subcommand(1);
  for (const char* format : {"fhir", "hl7"}) {
    auto o = std::make_shared<ExportOptions>();
    const std::string f = format;
    auto* sub = ex->add_subcommand(
        f, f == "fhir" ? "The exam's signed result as a FHIR R4 transaction Bundle (JSON)"
                       : "The exam's signed result as an HL7 v2.5.1 ORU^R01 message (CR "
                         "segment ends, UTF-8)");
    sub->add_option("id", o->exam_id, "Exam id (its latest result must be signed)")->required();
    sub->add_option("--output", o->output, "Write to this file (default: standard output)");
    sub->callback([&ctx, o, f] { run_export(ctx, *o, f); });
  }
}

}  // namespace odyo::station
