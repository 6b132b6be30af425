// Quality control on the command line (issue 17 item 4): `spiro syringe-check` (joins the spiro
// group; run in devices_cmd.cpp, which opens devices), `checks status|list` (the devices and
// their daily checks) and `report qc` (joins the report group). The use cases are in
// station/app/daily_checks and station/qc; this file parses and renders.
#include <unistd.h>

#include <fmt/format.h>
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "station/app/daily_checks.hpp"
#include "station/cli/acquire_options.hpp"
#include "station/cli/context.hpp"
#include "station/cli/person_options.hpp"
#include "station/core/local_time.hpp"
#include "station/core/text_table.hpp"
#include "station/qc/daily_checks.hpp"
#include "station/qc/indicators.hpp"
#include "station/qc/qc_rules.hpp"
#include "station/qc/second_review.hpp"
#include "station/storage/database.hpp"

namespace odyo::station {

namespace {

CLI::App* group(CLI::App& app, const char* name) {
  auto found = app.get_subcommands([name](CLI::App* s) { return s->get_name() == name; });
  return found.empty() ? nullptr : found.front();
}

std::string pct(double share) {
  return fmt::format("{:.0f} %", share * 100.0);
}

std::string check_text(CliContext& ctx, const std::optional<qc::CalibrationCheck>& c) {
  if (!c) return ctx.tr("not done");
  std::string s = c->passed ? ctx.tr("pass") : ctx.tr("FAIL");
  if (c->kind == qc::kSyringeCheck)
    s += fmt::format(" ({:.3f} L, {:+.2f} %)", c->measured.value("measured_l", 0.0),
                     c->measured.value("error_pct", 0.0));
  s += " " + local_display(c->performed_at).substr(11) + " " + c->performed_by;
  return s;
}

const char* reachable_text(CliContext& ctx, const std::string& r) {
  if (r == "simulated") return ctx.tr("simulated");
  if (r == "connected") return ctx.tr("connected");
  if (r == "not_connected") return ctx.tr("not connected");
  return ctx.tr("not probed");
}

void run_status(CliContext& ctx) {
  auto cfg = ctx.config();
  if (!cfg) return (void)ctx.fail(cfg.error(), 2);
  auto db = ctx.db_as({"technician", "physician", "admin"}, N_("see the devices' daily checks"));
  if (!db) return (void)ctx.fail(db.error(), 2);
  auto st = device_status(**db, **cfg);
  if (!st) return (void)ctx.fail(st.error(), 2);
  if (ctx.json()) {
    nlohmann::json a = nlohmann::json::array();
    for (const auto& s : *st) a.push_back(device_status_json(s));
    ctx.out() << nlohmann::json{{"day", local_today_iso()}, {"devices", a}}.dump(2) << "\n";
    return;
  }
  ctx.out() << ctx.trf("Devices and today's checks ({})\n", local_today_iso());
  TextTable t({ctx.tr("Device"), ctx.tr("Kind"), ctx.tr("State"), ctx.tr("Today's check"),
               ctx.tr("Calibration due")});
  for (const auto& s : *st) {
    std::string check = "-";
    if (s.check_kind == qc::kSyringeCheck)
      check = ctx.tr("3-L syringe: ") + check_text(ctx, s.today);
    else if (s.check_kind == qc::kListeningCheck)
      check = ctx.tr("listening: ") + check_text(ctx, s.today);
    std::string due = s.calibration_due ? *s.calibration_due : "-";
    if (s.calibration_problem) due = ctx.catalog().localize(*s.calibration_problem);
    t.add_row({s.device.id, s.device.kind, reachable_text(ctx, s.reachable), check, due});
  }
  ctx.out() << t.render();
}

struct ListOptions {
  std::string device, from, to;
};

void run_list(CliContext& ctx, const ListOptions& o) {
  auto db = ctx.db_as({"technician", "physician", "admin"}, N_("see the devices' daily checks"));
  if (!db) return (void)ctx.fail(db.error(), 2);
  auto list = qc::list_checks(**db, o.device, "", o.from, o.to);
  if (!list) return (void)ctx.fail(list.error(), 2);
  if (ctx.json()) {
    nlohmann::json a = nlohmann::json::array();
    for (const auto& c : *list) a.push_back(qc::check_json(c));
    ctx.out() << nlohmann::json{{"checks", a}}.dump(2) << "\n";
    return;
  }
  TextTable t(
      {ctx.tr("Day"), ctx.tr("Device"), ctx.tr("Check"), ctx.tr("Result"), ctx.tr("Notes")});
  for (const auto& c : *list)
    t.add_row({c.day, c.device_id,
               c.kind == qc::kSyringeCheck ? ctx.tr("3-L syringe") : ctx.tr("listening"),
               check_text(ctx, c), c.notes});
  ctx.out() << t.render();
  ctx.out() << ctx.trf("{} check(s)\n", list->size());
}

struct QcOptions {
  std::string month, from, to;
  bool findings_only = false, progress = false;
};

const char* indicator_text(CliContext& ctx, const std::string& i) {
  if (i == "ab_share") return ctx.tr("sessions graded A/B");
  if (i == "repeatability") return ctx.tr("repeatability failures");
  if (i == "blows") return ctx.tr("blows per session");
  if (i == "retest_1k") return ctx.tr("1 kHz retest over the limit");
  if (i == "false_alarms") return ctx.tr("listener unreliable (false alarms)");
  if (i == "check_compliance") return ctx.tr("days tested with a passed check");
  if (i == "syringe_drift") return ctx.tr("syringe error trend, % per 30 days");
  return ctx.tr("failed syringe checks");
}

std::string finding_value(const qc::QcFinding& f) {
  if (f.indicator == "blows") return fmt::format("{:.1f} > {:g}", f.value, f.limit);
  if (f.indicator == "syringe_drift") return fmt::format("{:+.2f} (±{:g})", f.value, f.limit);
  if (f.indicator == "syringe_failed") return fmt::format("{:g}", f.value);
  const bool min = f.indicator == "ab_share" || f.indicator == "check_compliance";
  return pct(f.value) + (min ? " < " : " > ") + pct(f.limit);
}

Result<std::string> month_of(const std::string& typed, const char* option) {
  int y = 0;
  unsigned m = 0;
  char tail = 0;
  if (typed.size() != 7 || std::sscanf(typed.c_str(), "%4d-%2u%c", &y, &m, &tail) != 2 || m < 1 ||
      m > 12 || y < 1900)
    return make_errorf("report_invalid", "{} \"{}\": give a month as YYYY-MM (e.g. 2026-03)",
                       option, typed);
  return typed;
}

void run_qc(CliContext& ctx, const QcOptions& o) {
  auto cfg = ctx.config();
  if (!cfg) return (void)ctx.fail(cfg.error(), 2);
  auto rules = qc::load_qc_rules((*cfg)->rules_dir);
  if (!rules) return (void)ctx.fail(rules.error(), 2);
  qc::QcQuery q;
  if (!o.month.empty()) {
    if (!o.from.empty() || !o.to.empty())
      return (void)ctx.fail(
          make_error("report_invalid", "give --month, or --from-month and --to-month, not both"));
    auto m = month_of(o.month, "--month");
    if (!m) return (void)ctx.fail(m.error());
    q.from_month = q.to_month = *m;
  }
  if (!o.from.empty()) {
    auto m = month_of(o.from, "--from-month");
    if (!m) return (void)ctx.fail(m.error());
    q.from_month = *m;
  }
  if (!o.to.empty()) {
    auto m = month_of(o.to, "--to-month");
    if (!m) return (void)ctx.fail(m.error());
    q.to_month = *m;
  }
  auto db = ctx.db_as({"physician", "admin"}, N_("see the quality-control report"));
  if (!db) return (void)ctx.fail(db.error(), 2);
  auto rep =
      qc::qc_report(**db, *rules, q, ctx.progress_line(o.progress, N_("qc: {} of {} exams")));
  ctx.end_progress();
  if (!rep) return (void)ctx.fail(rep.error(), 2);
  auto reviews = qc::second_review_stats(**db, q);
  if (!reviews) return (void)ctx.fail(reviews.error(), 2);
  if (ctx.json()) {
    nlohmann::json rv = nlohmann::json::array();
    for (const auto& r : *reviews) rv.push_back(qc::review_stats_json(r));
    nlohmann::json groups = nlohmann::json::array(), findings = nlohmann::json::array();
    if (!o.findings_only)
      for (const auto& g : rep->groups) groups.push_back(qc::qc_group_json(g));
    for (const auto& f : rep->findings) findings.push_back(qc::qc_finding_json(f));
    ctx.out() << nlohmann::json{{"rules_version", rep->rules_version},
                                {"from_month", q.from_month},
                                {"to_month", q.to_month},
                                {"exams_read", rep->exams_read},
                                {"checks_read", rep->checks_read},
                                {"groups", groups},
                                {"findings", findings},
                                {"second_review", rv}}
                     .dump(2)
              << "\n";
    return;
  }
  ctx.out() << ctx.trf("Quality control (settings {})\n", rep->rules_version);
  if (!o.findings_only) {
    TextTable t({ctx.tr("Month"), ctx.tr("Technician/device"), ctx.tr("Spirometry"), ctx.tr("A/B"),
                 ctx.tr("Repeat. fail"), ctx.tr("Blows"), ctx.tr("Audiometry"),
                 ctx.tr("1 kHz retest > limit"), ctx.tr("Unreliable"), ctx.tr("Check days"),
                 ctx.tr("Syringe mean / trend")});
    for (const auto& g : rep->groups) {
      const int n = g.spiro_sessions;
      std::string syringe = "-";
      if (g.dimension == "device" && g.syringe_checks > 0)
        syringe = fmt::format("{:+.2f} % / {}", g.syringe_error_sum_pct / g.syringe_checks,
                              g.syringe_trend_pct_per_30d
                                  ? fmt::format("{:+.2f}", *g.syringe_trend_pct_per_30d)
                                  : std::string("-"));
      t.add_row(
          {g.month,
           (g.dimension == "device" ? ctx.tr("device ") : ctx.tr("technician ")) + g.subject,
           std::to_string(n), n ? pct(double(g.spiro_ab) / n) : "-",
           n ? std::to_string(g.repeatability_failures) : "-",
           n ? fmt::format("{:.1f}", double(g.blows) / n) : "-", std::to_string(g.audio_sessions),
           g.retest_measured ? fmt::format("{}/{}", g.retest_over_limit, g.retest_measured) : "-",
           g.audio_sessions ? std::to_string(g.unreliable) : "-",
           g.days_tested ? fmt::format("{}/{}", g.days_with_check, g.days_tested) : "-", syringe});
    }
    ctx.out() << t.render() << "\n";
    if (!reviews->empty()) {
      ctx.out() << ctx.trf("Second review (at least {} of the signed exams, {})\n",
                           pct(rules->second_review_share), rules->second_review_citation);
      TextTable r({ctx.tr("Month"), ctx.tr("Signed by"), ctx.tr("Signed"), ctx.tr("Drawn"),
                   ctx.tr("Reviewed"), ctx.tr("Agreement")});
      for (const auto& x : *reviews)
        r.add_row({x.month, x.physician, std::to_string(x.signed_exams),
                   fmt::format("{} ({})", x.drawn, pct(double(x.drawn) / x.signed_exams)),
                   std::to_string(x.reviewed),
                   x.reviewed ? fmt::format("{}/{} ({})", x.agreed, x.reviewed,
                                            pct(double(x.agreed) / x.reviewed))
                              : "-"});
      ctx.out() << r.render() << "\n";
    }
  }
  if (rep->findings.empty()) {
    ctx.out() << ctx.tr("No finding.\n");
    return;
  }
  TextTable t(
      {ctx.tr("Finding"), ctx.tr("Indicator"), ctx.tr("Value / limit"), ctx.tr("Citation")});
  bool provisional = false;
  for (const auto& f : rep->findings) {
    provisional = provisional || f.provisional;
    t.add_row({f.id, std::string(indicator_text(ctx, f.indicator)) + (f.provisional ? " *" : ""),
               finding_value(f), f.citation});
  }
  ctx.out() << t.render();
  ctx.out() << ctx.trf(
      "{} finding(s); open a corrective action with: odyospiro action add "
      "--finding ID …\n",
      rep->findings.size());
  if (provisional)
    ctx.out() << ctx.tr(
        "* provisional threshold: the clinic's setting in qc.toml where the source gives no "
        "number\n");
}

struct ReviewOptions {
  std::string seed, reason;
  std::int64_t exam = 0;
  bool pending = false;
};

void run_draw(CliContext& ctx, const ReviewOptions& o) {
  auto cfg = ctx.config();
  if (!cfg) return (void)ctx.fail(cfg.error(), 2);
  auto rules = qc::load_qc_rules((*cfg)->rules_dir);
  if (!rules) return (void)ctx.fail(rules.error(), 2);
  auto db = ctx.db_as({"physician", "admin"}, N_("draw exams for a second review"));
  if (!db) return (void)ctx.fail(db.error(), 2);
  auto d = qc::draw_second_review(**db, *rules, ctx.opts.user, o.seed);
  if (!d) return (void)ctx.fail(d.error());
  if (ctx.json()) {
    ctx.out() << qc::review_draw_json(*d).dump(2) << "\n";
    return;
  }
  std::string ids;
  for (auto e : d->drawn) ids += (ids.empty() ? "" : ", ") + std::to_string(e);
  ctx.out() << ctx.trf("Draw {} (seed {}): {} of {} signed exam(s) drawn for a second review: {}\n",
                       d->id, d->seed, d->drawn.size(), d->candidates.size(), ids);
}

void run_review_list(CliContext& ctx, const ReviewOptions& o) {
  auto db = ctx.db_as({"physician", "admin"}, N_("see the second reviews"));
  if (!db) return (void)ctx.fail(db.error(), 2);
  auto list = qc::list_second_reviews(**db, o.pending);
  if (!list) return (void)ctx.fail(list.error(), 2);
  if (ctx.json()) {
    nlohmann::json a = nlohmann::json::array();
    for (const auto& r : *list) a.push_back(qc::second_review_json(r));
    ctx.out() << nlohmann::json{{"reviews", a}}.dump(2) << "\n";
    return;
  }
  TextTable t({ctx.tr("Exam"), ctx.tr("Kind"), ctx.tr("Date"), ctx.tr("Signed by"),
               ctx.tr("Review"), ctx.tr("Reviewer"), ctx.tr("Reason")});
  for (const auto& r : *list)
    t.add_row({std::to_string(r.exam_id), r.exam_kind, r.exam_day, r.signer,
               !r.agrees ? ctx.tr("pending") : (*r.agrees ? ctx.tr("agrees") : ctx.tr("disagrees")),
               r.reviewer, r.reason});
  ctx.out() << t.render();
}

void run_verdict(CliContext& ctx, const ReviewOptions& o, bool agrees) {
  auto db = ctx.db_as({"physician"}, N_("record a second review"));
  if (!db) return (void)ctx.fail(db.error(), 2);
  auto r = qc::record_second_review(**db, o.exam, agrees, o.reason, ctx.opts.user);
  if (!r) return (void)ctx.fail(r.error());
  if (ctx.json()) {
    ctx.out() << qc::second_review_json(*r).dump(2) << "\n";
    return;
  }
  ctx.out() << (agrees ? ctx.trf("Exam {}: second review by {}: agrees\n", r->exam_id, r->reviewer)
                       : ctx.trf("Exam {}: second review by {}: disagrees\n", r->exam_id,
                                 r->reviewer));
}

}  // namespace

void register_qc_commands(CLI::App& app, CliContext& ctx) {
  auto* review =
      app.add_subcommand("review", "Second review of signed exams: draw, list, agree or disagree");
  review->require_subcommand(1);
  auto ro = std::make_shared<ReviewOptions>();
  auto* dr = review->add_subcommand(
      "draw", "Draw the share of qc.toml of the signed exams not drawn before (reproducible)");
  dr->add_option("--seed", ro->seed, "16 hex digits (default: a new random seed, recorded)");
  dr->callback([&ctx, ro] { run_draw(ctx, *ro); });
  auto* rl = review->add_subcommand("list", "The exams drawn and their reviews");
  rl->add_flag("--pending", ro->pending, "Only those not reviewed yet");
  rl->callback([&ctx, ro] { run_review_list(ctx, *ro); });
  for (const bool agrees : {true, false}) {
    auto* v = review->add_subcommand(
        agrees ? "agree" : "disagree",
        agrees ? "A second physician agrees with a drawn exam's signed result"
               : "A second physician disagrees with a drawn exam's signed result");
    v->add_option("exam", ro->exam, "The exam drawn")->required();
    v->add_option("--reason", ro->reason, "Why")->required();
    v->callback([&ctx, ro, agrees] { run_verdict(ctx, *ro, agrees); });
  }

  if (CLI::App* spiro = group(app, "spiro")) {
    auto o = std::make_shared<SyringeCheckOptions>();
    auto* s = spiro->add_subcommand(
        "syringe-check",
        "Today's 3-L syringe check of a spirometer (ATS/ERS 2019: within ±3 %), measured on the "
        "device or typed");
    s->add_option("--device", o->device, "a configured spirometer id, serial:…, usb:…, sim:…")
        ->required();
    s->add_option("--measured-l", o->measured_l,
                  "the volume the spirometer read, typed from its display (default: measure a "
                  "stroke on the device now)");
    s->add_option("--note", o->note, "what was seen");
    s->add_option("--profile", o->profile, "device profile (config/devices/NAME.toml or a file)");
    s->add_option("--journal", o->journal,
                  "raw journal file (default: raw-journal.db next to the database)");
    s->add_option("--devsim", o->devsim,
                  "simulator program for sim: devices (default: built next to odyospiro)");
    s->add_option("--sim-error-pct", o->sim_error_pct,
                  "sim: devices only: the simulated stroke reads this much off, in % (a "
                  "drifting syringe)")
        ->each([o](const std::string&) { o->sim_error_given = true; });
    s->add_option("--seconds", o->seconds, "give up waiting for the stroke after this long");
    s->callback([&ctx, o] { ctx.exit_code = run_syringe_check(ctx, *o); });
  }

  auto* checks =
      app.add_subcommand("checks", "Daily device checks: status of every device, the record");
  checks->require_subcommand(1);
  checks
      ->add_subcommand("status",
                       "Every configured device: connected, calibration due, today's checks")
      ->callback([&ctx] { run_status(ctx); });
  auto lo = std::make_shared<ListOptions>();
  auto* l = checks->add_subcommand("list", "The recorded checks (oldest first)");
  l->add_option("--device", lo->device, "Only this device");
  add_date_option(l, "--from", lo->from, "First day");
  add_date_option(l, "--to", lo->to, "Last day");
  l->callback([&ctx, lo] { run_list(ctx, *lo); });

  if (CLI::App* report = group(app, "report")) {
    auto qo = std::make_shared<QcOptions>();
    auto* r = report->add_subcommand(
        "qc",
        "Quality control per technician, device and month: grades, repeatability, blows, 1 kHz "
        "retest, false alarms, check compliance, syringe drift, and the findings");
    r->add_option("--month", qo->month, "Only this month (YYYY-MM)");
    r->add_option("--from-month", qo->from, "First month (YYYY-MM)");
    r->add_option("--to-month", qo->to, "Last month (YYYY-MM)");
    r->add_flag("--findings", qo->findings_only, "Only the findings");
    r->add_flag("--progress", qo->progress, "Show progress on stderr (default on a terminal)");
    r->callback([&ctx, qo] { run_qc(ctx, *qo); });
  }
}

}  // namespace odyo::station
