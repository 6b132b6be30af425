// odyospiro report suspected, odyospiro flag show|notify|refer|dismiss: the physician's list of
// suspected occupational disease and contraindications (issue 17, item 3). The flags and the
// actions are use cases in station/surveillance/suspected; this file renders them.
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "station/cli/context.hpp"
#include "station/core/local_time.hpp"
#include "station/core/person_input.hpp"
#include "station/core/text_table.hpp"
#include "station/records/workers.hpp"
#include "station/storage/database.hpp"
#include "station/surveillance/suspected.hpp"
#include "station/surveillance/suspected_rules.hpp"

namespace odyo::station {

namespace {

namespace sv = surveillance;

const char* state_text(const CliContext& ctx, sv::FlagState s) {
  switch (s) {
    case sv::FlagState::notified:
      return ctx.tr("notified");
    case sv::FlagState::referred:
      return ctx.tr("referred");
    case sv::FlagState::dismissed:
      return ctx.tr("dismissed");
    case sv::FlagState::open:
      break;
  }
  return ctx.tr("open");
}

const char* action_text(const CliContext& ctx, const std::string& a) {
  if (a == "notify") return ctx.tr("notified");
  if (a == "refer") return ctx.tr("referred");
  return ctx.tr("dismissed");
}

std::string shown_date(const CliContext& ctx, const std::string& iso) {
  auto d = parse_date(iso);
  return d && ctx.turkish() ? to_turkish_date(*d) : iso;
}

// The flag's criterion, evidence and actions, indented under its line.
void print_details(CliContext& ctx, const sv::Flag& f) {
  const auto& c = f.criterion;
  ctx.out() << "  "
            << ctx.trf("Criterion: {} ({}){}", ctx.turkish() ? c.criterion_tr : c.criterion_en,
                       c.citation, c.provisional ? " *" : "")
            << "\n";
  for (const auto& e : f.evidence_text) ctx.out() << "  - " << ctx.catalog().localize(e) << "\n";
  for (const auto& a : f.actions)
    ctx.out() << "  "
              << ctx.trf("{} by {} at {}{}", action_text(ctx, a.action), a.created_by,
                         local_display(a.created_at), a.reason.empty() ? "" : ": " + a.reason)
              << "\n";
}

std::string title_of(const CliContext& ctx, const sv::Flag& f) {
  return ctx.turkish() ? f.criterion.title_tr : f.criterion.title_en;
}

struct SuspectedOptions {
  std::string establishment, worker;
  bool all = false, progress = false;
};

Result<sv::SuspectedRules> load_rules(CliContext& ctx) {
  auto cfg = ctx.config();
  if (!cfg) return cfg.error();
  return sv::load_suspected_rules((*cfg)->rules_dir);
}

void run_suspected(CliContext& ctx, const SuspectedOptions& o) {
  auto cfg = ctx.config();
  if (!cfg) return (void)ctx.fail(cfg.error(), 2);
  auto rules = load_rules(ctx);
  if (!rules) return (void)ctx.fail(rules.error(), 2);
  sv::SuspectedQuery q;
  q.open_only = !o.all;
  if (!o.establishment.empty()) {
    auto e = match_turkish(o.establishment, (*cfg)->establishments);
    if (!e) {
      std::string allowed;
      for (const auto& x : (*cfg)->establishments) allowed += (allowed.empty() ? "" : ", ") + x;
      return (void)ctx.fail(make_errorf("report_invalid",
                                        "establishment \"{}\" is unknown; allowed: {}",
                                        o.establishment, allowed));
    }
    q.establishment = *e;
  }
  auto db = ctx.db_as({"physician"}, N_("list suspected occupational diseases"));
  if (!db) return (void)ctx.fail(db.error());
  if (!o.worker.empty()) {
    auto w = find_worker(**db, o.worker);
    if (!w) return (void)ctx.fail(w.error());
    q.worker_id = w->id;
  }
  auto report = sv::compute_suspected(
      **db, *rules, q, ctx.progress_line(o.progress, N_("suspected: {} of {} workers")));
  ctx.end_progress();
  if (!report) return (void)ctx.fail(report.error(), 2);
  if (ctx.json()) {
    nlohmann::json flags = nlohmann::json::array();
    for (const auto& f : report->flags) flags.push_back(sv::flag_json(f, ctx.catalog()));
    ctx.out() << nlohmann::json{{"rules_version", report->rules_version},
                                {"workers_checked", report->workers_checked},
                                {"open_only", q.open_only},
                                {"flags", flags}}
                     .dump(2)
              << "\n";
    return;
  }
  ctx.out() << ctx.trf("Suspected occupational disease and contraindications (criteria {})\n",
                       report->rules_version);
  if (report->flags.empty()) {
    ctx.out() << (q.open_only ? ctx.tr("No open flag.\n") : ctx.tr("No flag.\n"));
    return;
  }
  TextTable table({ctx.tr("Flag"), ctx.tr("Site"), ctx.tr("Registry"), ctx.tr("Name"),
                   ctx.tr("Date"), ctx.tr("Finding"), ctx.tr("State")});
  bool provisional = false;
  for (const auto& f : report->flags) {
    provisional = provisional || f.criterion.provisional;
    table.add_row({f.id, f.establishment, f.registry_no, f.first_name + " " + f.last_name,
                   shown_date(ctx, f.date),
                   title_of(ctx, f) + (f.criterion.provisional ? " *" : ""),
                   state_text(ctx, f.state)});
  }
  ctx.out() << table.render() << "\n";
  for (const auto& f : report->flags) {
    ctx.out() << f.id << "  " << f.registry_no << "  " << title_of(ctx, f) << "\n";
    print_details(ctx, f);
  }
  ctx.out() << ctx.trf("{} flag(s) of {} worker(s)\n", report->flags.size(),
                       report->workers_checked);
  if (provisional)
    ctx.out() << ctx.tr(
        "* provisional criterion: the clinic's setting in suspected.toml where the source gives "
        "no number\n");
}

struct ActOptions {
  std::string flag, reason;
};

void print_flag(CliContext& ctx, const sv::Flag& f) {
  if (ctx.json()) {
    ctx.out() << sv::flag_json(f, ctx.catalog()).dump(2) << "\n";
    return;
  }
  ctx.out() << ctx.trf("Flag {}: {}, worker {} ({} {}), {}; state: {}\n", f.id, title_of(ctx, f),
                       f.registry_no, f.first_name, f.last_name, shown_date(ctx, f.date),
                       state_text(ctx, f.state));
  print_details(ctx, f);
}

void run_act(CliContext& ctx, const ActOptions& o, const std::string& action) {
  auto rules = load_rules(ctx);
  if (!rules) return (void)ctx.fail(rules.error(), 2);
  auto db = ctx.db_as({"physician"}, N_("act on a suspected-disease flag"));
  if (!db) return (void)ctx.fail(db.error());
  auto f = sv::act_on_flag(**db, *rules, o.flag, action, o.reason, ctx.opts.user);
  if (!f) return (void)ctx.fail(f.error());
  print_flag(ctx, *f);
}

}  // namespace

void register_flag_commands(CLI::App& app, CliContext& ctx) {
  // `report suspected` joins the report group (station/cli/report_cmd.cpp).
  auto found = app.get_subcommands([](CLI::App* s) { return s->get_name() == "report"; });
  if (!found.empty()) {
    CLI::App* report = found.front();
    auto so = std::make_shared<SuspectedOptions>();
    auto* s = report->add_subcommand(
        "suspected",
        "Suspected occupational disease and contraindications: open flags with their evidence "
        "(physician)");
    s->add_option("--establishment", so->establishment, "Only workers now in this establishment");
    s->add_option("--worker", so->worker, "Only this worker (registry number or #id)");
    s->add_flag("--all", so->all, "Also flags already notified, referred or dismissed");
    s->add_flag("--progress", so->progress, "Show progress on stderr");
    s->callback([&ctx, so] { run_suspected(ctx, *so); });
  }

  auto* flag = app.add_subcommand(
      "flag", "Suspected-disease flags: show, notify, refer, dismiss / Meslek hastalığı şüphesi");
  flag->require_subcommand(1);

  auto show = std::make_shared<std::string>();
  auto* sh = flag->add_subcommand("show", "A flag with its evidence, criterion and actions");
  sh->add_option("flag", *show, "Flag id, e.g. HL-12")->required();
  sh->callback([&ctx, show] {
    auto rules = load_rules(ctx);
    if (!rules) return (void)ctx.fail(rules.error(), 2);
    auto db = ctx.db_as({"physician"}, N_("list suspected occupational diseases"));
    if (!db) return (void)ctx.fail(db.error());
    auto f = sv::find_flag(**db, *rules, *show);
    if (!f) return (void)ctx.fail(f.error());
    print_flag(ctx, *f);
  });

  struct Verb {
    const char* name;
    const char* help;
    const char* action;
    const char* reason_help;
  };
  for (const Verb& v :
       {Verb{"notify", "The worker and the employer were notified of the suspicion", "notify",
             "Note (optional)"},
        Verb{"refer", "Referred to the SGK occupational-disease hospital", "refer",
             "Why (optional)"},
        Verb{"dismiss", "Dismiss the flag, with a reason", "dismiss", "Why (required)"}}) {
    auto o = std::make_shared<ActOptions>();
    auto* c = flag->add_subcommand(v.name, v.help);
    c->add_option("flag", o->flag, "Flag id, e.g. HL-12")->required();
    c->add_option("--reason", o->reason, v.reason_help);
    const std::string action = v.action;
    c->callback([&ctx, o, action] { run_act(ctx, *o, action); });
  }
}

}  // namespace odyo::station
