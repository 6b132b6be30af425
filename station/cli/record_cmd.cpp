// odyospiro record system|special-exam|restriction|absence|show
// The physician's records an evaluation reads (issue 13): the column of each Ek-2 system the
// station does not measure, a special examination's result, the restrictions of a report and the
// absences. Every change is a new version (never edited in place), audited; physician only.
#include <CLI/CLI.hpp>
#include <memory>
#include <nlohmann/json.hpp>

#include "station/cli/context.hpp"
#include "station/evaluation/physician_records.hpp"
#include "station/records/workers.hpp"
#include "station/rules/loader.hpp"
#include "station/storage/database.hpp"

namespace odyo::station {
namespace se = odyo::station::evaluation;
using nlohmann::json;

namespace {

struct RecordOptions {
  std::string worker, subject, column, result, date, note, reason;
  std::string start, end, cause = "illness", sgk_no, controlled_until, temporary_job;
  bool sgk_report = false, lifted = false;
};

int record(CliContext& ctx, const RecordOptions& o, const std::string& kind,
           const std::string& subject, const json& payload) {
  auto cfg = ctx.config();
  if (!cfg) return ctx.fail(cfg.error(), 2);
  auto rules = rules::load_ruleset((*cfg)->rules_dir);
  if (!rules) return ctx.fail(rules.error(), 2);
  auto db = ctx.db_as({"physician"}, N_("record findings"));
  if (!db) return ctx.fail(db.error(), 2);
  auto w = find_worker(**db, o.worker);
  if (!w) return ctx.fail(w.error());
  auto r = se::add_physician_record(**db, *rules, w->id, kind, subject, payload, o.reason,
                                    ctx.opts.user);
  if (!r) return ctx.fail(r.error());
  if (ctx.json()) {
    ctx.out() << se::record_json(*r).dump(2) << "\n";
  } else {
    ctx.out() << ctx.tr("Recorded: ") << kind << " " << subject << " v" << r->version << " "
              << r->payload.dump() << "\n";
  }
  return 0;
}

}  // namespace

void register_record_commands(CLI::App& app, CliContext& ctx) {
  auto* rec = app.add_subcommand(
      "record", "The physician's records for the evaluation / Hekim kayıtları (physician only)");
  rec->require_subcommand(1);
  auto o = std::make_shared<RecordOptions>();
  auto common = [&o](CLI::App* c) {
    c->add_option("--worker", o->worker, "Worker registry number, or #<id>")->required();
    c->add_option("--note", o->note, "A note kept with the record");
    c->add_option("--reason", o->reason, "Why (required when correcting an earlier record)");
  };

  auto* sys = rec->add_subcommand(
      "system", "The Ek-2 column of a system the station does not measure (none = nothing found)");
  common(sys);
  sys->add_option("--system", o->subject,
                  "vision, ent, skeleton, surgery, internal, cardiology, "
                  "chest, genitourinary, gastrointestinal, "
                  "neuropsychiatry, dermatology")
      ->required();
  sys->add_option("--column", o->column, "A, B, C, D or none")
      ->required()
      ->check(CLI::IsMember({"A", "B", "C", "D", "none"}));
  sys->callback([&ctx, o] {
    json p{{"column", o->column}};
    if (!o->note.empty()) p["note"] = o->note;
    record(ctx, *o, "system", o->subject, p);
  });

  auto* sx =
      rec->add_subcommand("special-exam", "The result of a job's special examination (Ek-5)");
  common(sx);
  sx->add_option("--job", o->subject, "Job code that needs the special examination")->required();
  sx->add_option("--result", o->result, "fit or unfit")
      ->required()
      ->check(CLI::IsMember({"fit", "unfit"}));
  sx->add_option("--date", o->date, "Date of the examination (YYYY-MM-DD)");
  sx->callback([&ctx, o] {
    json p{{"result", o->result}};
    if (!o->date.empty()) p["date"] = o->date;
    if (!o->note.empty()) p["note"] = o->note;
    record(ctx, *o, "special_exam", o->subject, p);
  });

  auto* rs = rec->add_subcommand("restriction",
                                 "A restriction of the report (noise-free, …); --lifted ends it");
  common(rs);
  rs->add_option("--restriction", o->subject, "Restriction id from the rule tables (ek3.toml)")
      ->required();
  rs->add_flag("--lifted", o->lifted, "The restriction no longer stands");
  rs->callback([&ctx, o] {
    json p{{"active", !o->lifted}};
    if (!o->note.empty()) p["note"] = o->note;
    record(ctx, *o, "restriction", o->subject, p);
  });

  auto* ab = rec->add_subcommand(
      "absence", "An absence: dates, SGK report, controlled period and temporary surface job");
  common(ab);
  ab->add_option("--start", o->start, "First day off (YYYY-MM-DD)")->required();
  ab->add_option("--end", o->end, "Last day off (YYYY-MM-DD)")->required();
  ab->add_option("--cause", o->cause, "illness, accident or other")
      ->check(CLI::IsMember({"illness", "accident", "other"}));
  ab->add_flag("--sgk-report", o->sgk_report, "The SGK report was seen");
  ab->add_option("--sgk-report-no", o->sgk_no, "The SGK report's number");
  ab->add_option("--controlled-until", o->controlled_until,
                 "End of the controlled period (YYYY-MM-DD)");
  ab->add_option("--temporary-job", o->temporary_job,
                 "Temporary surface job code during the controlled period");
  ab->callback([&ctx, o] {
    json p{
        {"start", o->start}, {"end", o->end}, {"cause", o->cause}, {"sgk_report", o->sgk_report}};
    if (!o->sgk_no.empty()) p["sgk_report_no"] = o->sgk_no;
    if (!o->controlled_until.empty()) p["controlled_until"] = o->controlled_until;
    if (!o->temporary_job.empty()) p["temporary_job"] = o->temporary_job;
    if (!o->note.empty()) p["note"] = o->note;
    record(ctx, *o, "absence", o->start, p);
  });

  auto* show = rec->add_subcommand("show", "Every version of a worker's records");
  show->add_option("--worker", o->worker, "Worker registry number, or #<id>")->required();
  show->callback([&ctx, o] {
    auto db = ctx.db();
    if (!db) return (void)ctx.fail(db.error(), 2);
    auto w = find_worker(**db, o->worker);
    if (!w) return (void)ctx.fail(w.error());
    auto all = se::physician_record_history(**db, w->id);
    if (!all) return (void)ctx.fail(all.error());
    if (ctx.json()) {
      json arr = json::array();
      for (const auto& r : *all) arr.push_back(se::record_json(r));
      ctx.out() << arr.dump(2) << "\n";
      return;
    }
    for (const auto& r : *all) {
      ctx.out() << "#" << r.id << " " << r.kind << " " << r.subject << " v" << r.version << " "
                << r.payload.dump() << " (" << r.created_by << ", " << r.created_at << ")";
      if (!r.reason.empty()) ctx.out() << " — " << r.reason;
      ctx.out() << "\n";
    }
  });
}

}  // namespace odyo::station
