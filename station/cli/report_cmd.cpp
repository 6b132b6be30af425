// odyospiro report due|placements: the surveillance lists (issue 17). The computation is in
// station/surveillance; this file renders it.
#include <unistd.h>

#include <functional>
#include <nlohmann/json.hpp>

#include "station/app/views.hpp"
#include "station/cli/context.hpp"
#include "station/cli/person_options.hpp"
#include "station/cli/surveillance_text.hpp"
#include "station/core/text_table.hpp"
#include "station/records/workers.hpp"
#include "station/rules/loader.hpp"
#include "station/storage/database.hpp"
#include "station/surveillance/due.hpp"
#include "station/surveillance/intervals.hpp"
#include "station/surveillance/placements.hpp"

#include <fmt/format.h>

namespace odyo::station {

namespace {

std::string shown_date(const CliContext& ctx, const std::string& iso) {
  auto d = parse_date(iso);
  return d && ctx.turkish() ? to_turkish_date(*d) : iso;
}

Result<std::string> establishment_of(const StationConfig& cfg, const std::string& typed) {
  if (typed.empty()) return std::string();
  if (auto e = match_turkish(typed, cfg.establishments); e) return *e;
  std::string allowed;
  for (const auto& x : cfg.establishments) allowed += (allowed.empty() ? "" : ", ") + x;
  return make_errorf("report_invalid", "establishment \"{}\" is unknown; allowed: {}", typed,
                     allowed);
}

struct DueOptions {
  std::string establishment;
  std::string as_of;
  bool all = false;
  bool progress = false;
};

void run_due(CliContext& ctx, const DueOptions& o) {
  auto cfg = ctx.config();
  if (!cfg) return (void)ctx.fail(cfg.error(), 2);
  auto db = ctx.db();
  if (!db) return (void)ctx.fail(db.error(), 2);
  auto rules = rules::load_ruleset((*cfg)->rules_dir);
  if (!rules) return (void)ctx.fail(rules.error(), 2);
  auto intervals = surveillance::load_intervals((*cfg)->rules_dir, rules->jobs);
  if (!intervals) return (void)ctx.fail(intervals.error(), 2);
  surveillance::DueQuery q;
  q.as_of = o.as_of.empty() ? today_iso() : o.as_of;
  auto est = establishment_of(**cfg, o.establishment);
  if (!est) return (void)ctx.fail(est.error());
  q.establishment = *est;
  q.flagged_only = !o.all;
  auto report = surveillance::compute_due(
      **db, *intervals, rules->jobs, q, ctx.progress_line(o.progress, N_("due: {} of {} workers")));
  ctx.end_progress();
  if (!report) return (void)ctx.fail(report.error(), 2);
  if (ctx.json()) {
    ctx.out() << due_report_json(*report).dump(2) << "\n";
    return;
  }
  ctx.out() << ctx.trf("Exams due on {} (rules {}; \"due\" within {} days)\n",
                       shown_date(ctx, report->as_of), report->intervals_version,
                       report->soon_days);
  TextTable table({ctx.tr("Site"), ctx.tr("Group"), ctx.tr("Registry"), ctx.tr("Name"),
                   ctx.tr("Job"), ctx.tr("Exam"), ctx.tr("Last"), ctx.tr("Due"), ctx.tr("Status"),
                   ctx.tr("Rule")});
  int rows = 0;
  bool provisional = false;
  for (const auto& w : report->workers) {
    for (const auto& e : w.exams) {
      if (!o.all && e.status == surveillance::DueStatus::ok) continue;
      provisional = provisional || e.provisional;
      table.add_row({w.establishment, std::to_string(w.work_group), w.registry_no,
                     w.first_name + " " + w.last_name, w.job_code, exam_kind_text(ctx, e.exam),
                     e.last_date ? shown_date(ctx, *e.last_date) : ctx.tr("never"),
                     shown_date(ctx, e.due_date), due_status_text(ctx, e.status),
                     e.rule_id + (e.provisional ? " *" : "")});
      ++rows;
    }
  }
  if (rows == 0) {
    ctx.out() << ctx.tr("No exam is due or overdue.\n");
    return;
  }
  ctx.out() << table.render();
  ctx.out() << ctx.trf("{} exam(s) listed\n", rows);
  if (provisional)
    ctx.out() << ctx.tr(
        "* provisional rule: the directive gives no interval; a clinic setting in "
        "surveillance.toml\n");
}

struct PlacementOptions {
  std::string half, from, to, establishment;
  bool progress = false;
};

void run_placements(CliContext& ctx, const PlacementOptions& o) {
  auto cfg = ctx.config();
  if (!cfg) return (void)ctx.fail(cfg.error(), 2);
  surveillance::PlacementQuery q;
  if (!o.half.empty()) {
    if (!o.from.empty() || !o.to.empty())
      return (void)ctx.fail(
          make_error("report_invalid", "give either --half or --from and --to, not both"));
    auto p = surveillance::half_year(o.half);
    if (!p) return (void)ctx.fail(p.error());
    q.period = *p;
  } else {
    if (o.from.empty() || o.to.empty())
      return (void)ctx.fail(make_error(
          "report_invalid", "say which period: --half YYYY-H1|YYYY-H2, or --from and --to"));
    q.period = {o.from, o.to};
  }
  auto est = establishment_of(**cfg, o.establishment);
  if (!est) return (void)ctx.fail(est.error());
  q.establishment = *est;
  auto db = ctx.db();
  if (!db) return (void)ctx.fail(db.error(), 2);
  auto list = surveillance::compute_placements(
      **db, q, ctx.progress_line(o.progress, N_("placements: {} of {} job-history rows")));
  ctx.end_progress();
  if (!list) return (void)ctx.fail(list.error());
  if (ctx.json()) {
    ctx.out() << placements_json(q.period.from, q.period.to, *list).dump(2) << "\n";
    return;
  }
  ctx.out() << ctx.trf("Job changes from {} to {} (Madde 9(2)(b)(1))\n",
                       shown_date(ctx, q.period.from), shown_date(ctx, q.period.to));
  if (list->empty()) {
    ctx.out() << ctx.tr("No job changed in this period.\n");
    return;
  }
  TextTable table({ctx.tr("From"), ctx.tr("Registry"), ctx.tr("Name"), ctx.tr("Old job"),
                   ctx.tr("New job"), ctx.tr("Years in old job"), ctx.tr("Years worked"),
                   ctx.tr("Reason"), ctx.tr("Decision")});
  for (const auto& p : *list) {
    table.add_row({shown_date(ctx, p.from), p.registry_no, p.first_name + " " + p.last_name,
                   p.old_job + " (" + std::to_string(p.old_work_group) + ") " + p.old_establishment,
                   p.new_job + " (" + std::to_string(p.new_work_group) + ") " + p.new_establishment,
                   fmt::format("{:.1f}", p.years_in_old_job), fmt::format("{:.1f}", p.years_worked),
                   p.reason, p.decision});
  }
  ctx.out() << table.render();
  ctx.out() << ctx.trf("{} job change(s)\n", list->size());
}

}  // namespace

void register_report_commands(CLI::App& app, CliContext& ctx) {
  auto* report =
      app.add_subcommand("report", "Surveillance lists: exams due, placements / Gözetim listeleri");
  report->require_subcommand(1);

  auto due = std::make_shared<DueOptions>();
  auto* d = report->add_subcommand(
      "due", "Workers due or overdue for a periodic exam, by establishment and work group");
  d->add_option("--establishment", due->establishment, "Only this establishment");
  add_date_option(d, "--as-of", due->as_of, "The day to compute for (default: today)");
  d->add_flag("--all", due->all, "List every exam the workers need, also those not yet due");
  d->add_flag("--progress", due->progress, "Progress on stderr even when not a terminal");
  d->callback([&ctx, due] { run_due(ctx, *due); });

  auto pl = std::make_shared<PlacementOptions>();
  auto* p = report->add_subcommand(
      "placements", "Placement list (Madde 9(2)(b)(1)): workers whose job changed in a period");
  p->add_option("--half", pl->half, "Half year: YYYY-H1 (January-June) or YYYY-H2 (July-December)");
  add_date_option(p, "--from", pl->from, "First day of the period");
  add_date_option(p, "--to", pl->to, "Last day of the period");
  p->add_option("--establishment", pl->establishment, "Only changes from or to this establishment");
  p->add_flag("--progress", pl->progress, "Progress on stderr even when not a terminal");
  p->callback([&ctx, pl] { run_placements(ctx, *pl); });
}

}  // namespace odyo::station
