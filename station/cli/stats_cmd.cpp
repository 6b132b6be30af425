// odyospiro report stats: the statistics per establishment, work group and year (issue 17, item
// 5) of this station or of the office's central PostgreSQL. The use case is
// station/surveillance/statistics; this file reads the options and renders.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <ctime>
#include <nlohmann/json.hpp>

#include "station/cli/context.hpp"
#include "station/config/config.hpp"
#include "station/core/atomic_file.hpp"
#include "station/core/text_table.hpp"
#include "station/records/workers.hpp"
#include "station/storage/database.hpp"
#include "station/surveillance/statistics.hpp"

#include <fmt/format.h>

namespace odyo::station {

namespace {

namespace sv = surveillance;

struct StatsOptions {
  std::string year, from, to, establishment, central, output;
  int work_group = 0;
  bool csv = false, progress = false;
};

std::string share(const sv::Prevalence& p) {
  if (p.measured == 0) return "-";
  std::string s = fmt::format("{}/{} {:.1f}%", p.cases, p.measured, *p.pct);
  if (p.change_pp) s += fmt::format(" ({:+.1f})", *p.change_pp);
  return s;
}

std::string columns(const CliContext& ctx, const std::array<sv::Prevalence, 4>& a) {
  if (a[0].measured == 0) return "-";
  return ctx.trf("{}/{}/{}/{} of {}", a[0].cases, a[1].cases, a[2].cases, a[3].cases,
                 a[0].measured);
}

void run_stats(CliContext& ctx, const StatsOptions& o) {
  auto cfg = ctx.config();
  if (!cfg) return (void)ctx.fail(cfg.error(), 2);
  const sv::StatisticsArgs args{o.year, o.from, o.to, o.establishment,
                                o.work_group == 0 ? std::string() : std::to_string(o.work_group)};
  auto parsed =
      sv::parse_statistics_query(args, (*cfg)->establishments, std::stoi(today_iso().substr(0, 4)));
  if (!parsed) return (void)ctx.fail(parsed.error());
  const sv::StatisticsQuery q = *parsed;
  if (o.csv && ctx.json())
    return (void)ctx.fail(make_error("stats_invalid", "give either --json or --csv, not both"));
  if (!o.output.empty() && !o.csv)
    return (void)ctx.fail(make_error("stats_invalid", "--output writes the CSV: add --csv"));

  auto db = ctx.db_as({"physician", "admin"}, N_("see the statistics"));
  if (!db) return (void)ctx.fail(db.error(), 2);
  const auto progress = ctx.progress_line(o.progress, N_("statistics: {} of {} exams read"));
  auto report = o.central.empty() ? sv::station_statistics(**db, q, progress)
                                  : sv::central_statistics(o.central, q, progress);
  ctx.end_progress();
  if (!report) return (void)ctx.fail(report.error(), 2);
  if (o.csv) {
    const std::string text = sv::statistics_csv(*report, ctx.catalog());
    if (o.output.empty()) {
      ctx.out() << text;
    } else if (auto w = write_file_atomically(o.output, text); !w) {
      return (void)ctx.fail(w.error());
    }
    return;
  }
  if (ctx.json()) {
    ctx.out() << sv::statistics_json(*report).dump(2) << "\n";
    return;
  }
  ctx.out() << (report->source == "central"
                    ? ctx.trf("Statistics {}-{}, the central database (every station)\n",
                              q.from_year, q.to_year)
                    : ctx.trf("Statistics {}-{}, this station\n", q.from_year, q.to_year));
  if (report->cells.empty()) {
    ctx.out() << ctx.tr("No signed exam in these years.\n");
    return;
  }
  TextTable table({ctx.tr("Year"), ctx.tr("Site"), ctx.tr("Group"), ctx.tr("Workers"),
                   ctx.tr("Exams"), ctx.tr("Obstruction"), ctx.tr("Restriction"), ctx.tr("STS"),
                   ctx.tr("Ek-2 hearing A/B/C/D"), ctx.tr("Ek-2 lung A/B/C/D")});
  const auto add = [&](const sv::StatisticsCell& c, const std::string& site) {
    table.add_row({std::to_string(c.year), site,
                   c.work_group == 0 ? std::string("-") : std::to_string(c.work_group),
                   std::to_string(c.workers), std::to_string(c.exams), share(c.obstruction),
                   share(c.restriction), share(c.sts), columns(ctx, c.ek2_hearing),
                   columns(ctx, c.ek2_lung)});
  };
  for (const auto& c : report->cells) add(c, c.establishment);
  for (const auto& c : report->totals) add(c, ctx.tr("all"));
  ctx.out() << table.render();
  ctx.out() << ctx.tr(
      "cases/workers measured, prevalence (change from the year before, percentage points); "
      "each worker counted once a year by the latest signed exam giving the measure\n");
}

}  // namespace

void register_stats_commands(CLI::App& app, CliContext& ctx) {
  // `report stats` joins the report group (station/cli/report_cmd.cpp).
  auto found = app.get_subcommands([](CLI::App* s) { return s->get_name() == "report"; });
  if (found.empty()) return;
  auto o = std::make_shared<StatsOptions>();
  auto* s = found.front()->add_subcommand(
      "stats",
      "Statistics per establishment, work group and year: workers, exams, prevalence of "
      "obstruction, restriction, STS and of each Ek-2 column for hearing and lung, change from "
      "the year before (physician, admin). Each worker counts once a year, by the latest signed "
      "exam giving the measure, in the job held on its day");
  s->add_option("--year", o->year, "One year (YYYY)");
  s->add_option("--from", o->from, "First year (YYYY; default: four years before --to)");
  s->add_option("--to", o->to, "Last year (YYYY; default: this year)");
  s->add_option("--establishment", o->establishment, "Only this establishment");
  s->add_option("--work-group", o->work_group, "Only this work group (1-5)");
  s->add_option("--central", o->central,
                "Read the office's central PostgreSQL (libpq connection string or URI): every "
                "station's signed exams");
  s->add_flag("--csv", o->csv, "CSV (headers in the output language) instead of a table");
  s->add_option("--output", o->output, "Write the CSV to this file (with --csv)");
  s->add_flag("--progress", o->progress, "Show progress on stderr");
  s->callback([&ctx, o] { run_stats(ctx, *o); });
}

}  // namespace odyo::station
