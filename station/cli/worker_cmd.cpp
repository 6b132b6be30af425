// odyospiro worker add|list|show|job
#include <nlohmann/json.hpp>

#include "station/app/register_worker.hpp"
#include "station/app/views.hpp"
#include "station/app/worker_profile.hpp"
#include "station/cli/context.hpp"
#include "station/cli/person_options.hpp"
#include "station/cli/surveillance_text.hpp"
#include "station/core/text_table.hpp"
#include "station/records/job_history.hpp"
#include "station/records/workers.hpp"
#include "station/rules/loader.hpp"
#include "station/storage/database.hpp"
#include "station/surveillance/due.hpp"

namespace odyo::station {

namespace {

std::string shown_date(const CliContext& ctx, const std::string& iso) {
  auto d = parse_date(iso);
  return d && ctx.turkish() ? to_turkish_date(*d) : iso;
}

}  // namespace

// The name of an exam kind of the surveillance rules, in the output language.
const char* exam_kind_text(const CliContext& ctx, const std::string& kind) {
  if (kind == "chest_film") return ctx.tr("chest film");
  if (kind == "spirometry") return ctx.tr("spirometry");
  if (kind == "audiometry") return ctx.tr("audiometry");
  return kind.c_str();
}

const char* due_status_text(const CliContext& ctx, surveillance::DueStatus s) {
  switch (s) {
    case surveillance::DueStatus::due:
      return ctx.tr("due");
    case surveillance::DueStatus::overdue:
      return ctx.tr("OVERDUE");
    case surveillance::DueStatus::ok:
      break;
  }
  return ctx.tr("ok");
}

void register_worker_commands(CLI::App& app, CliContext& ctx) {
  auto* worker = app.add_subcommand("worker", "Workers: add, list, show / Çalışanlar");
  worker->require_subcommand(1);

  auto nw = std::make_shared<NewWorker>();
  auto* add = worker->add_subcommand("add", "Register a worker");
  add->add_option("--registry", nw->registry_no, "TTK registry number (sicil no)")->required();
  add->add_option("--tc", nw->tc_kimlik, "T.C. kimlik no (11 digits, checksum validated)")
      ->required();
  add->add_option("--first-name", nw->first_name, "First name")->required();
  add->add_option("--last-name", nw->last_name, "Last name")->required();
  add_date_option(add, "--birth-date", nw->birth_date, "Birth date GG.AA.YYYY or YYYY-MM-DD")
      ->required();
  add_sex_option(add, nw->sex)->required();
  add_number_option(add, "--height-cm", nw->height_cm, "Height in cm (175 or 175,5)")->required();
  add_number_option(add, "--weight-kg", nw->weight_kg, "Weight in kg (78 or 78,5)")->required();
  add->add_option("--establishment", nw->establishment, "Establishment (default: the station's)");
  add->add_option("--job", nw->job_code,
                  "Job code from the job catalogue (config/rules/work-groups.toml)")
      ->required();
  add_date_option(add, "--since", nw->started_on,
                  "First day in this job, GG.AA.YYYY or YYYY-MM-DD (default: today)");
  add->callback([&ctx, nw] {
    auto cfg = ctx.config();
    if (!cfg) return (void)ctx.fail(cfg.error(), 2);
    auto db = ctx.db();
    if (!db) return (void)ctx.fail(db.error(), 2);
    NewWorker w = *nw;
    auto got = register_worker(**db, **cfg, w, ctx.opts.user);
    if (!got) return (void)ctx.fail(got.error());
    if (ctx.json()) {
      ctx.out() << worker_json(*got).dump(2) << "\n";
    } else {
      ctx.out() << ctx.tr("Worker registered: ") << w.registry_no << " " << w.first_name << " "
                << w.last_name << "\n";
    }
  });

  auto est = std::make_shared<std::string>();
  auto* list = worker->add_subcommand("list", "List workers");
  list->add_option("--establishment", *est, "Only this establishment");
  list->callback([&ctx, est] {
    auto cfg = ctx.config();
    if (!cfg) return (void)ctx.fail(cfg.error(), 2);
    auto db = ctx.db();
    if (!db) return (void)ctx.fail(db.error(), 2);
    // "KOZLU", "kozlu" and "Kozlu" are one establishment (Turkish case folding).
    const std::string wanted = match_turkish(*est, (*cfg)->establishments).value_or(*est);
    auto ws = list_workers(**db, wanted);
    if (!ws) return (void)ctx.fail(ws.error());
    if (ctx.json()) {
      nlohmann::json arr = nlohmann::json::array();
      for (const auto& w : *ws) arr.push_back(worker_json(w));
      ctx.out() << arr.dump(2) << "\n";
      return;
    }
    TextTable table({ctx.tr("Registry"), ctx.tr("Name"), ctx.tr("Born"), ctx.tr("Sex"),
                     ctx.tr("Site"), ctx.tr("Job (group)")});
    for (const auto& w : *ws) {
      auto born = parse_date(w.birth_date);
      table.add_row({w.registry_no, w.first_name + " " + w.last_name,
                     born && ctx.turkish() ? to_turkish_date(*born) : w.birth_date,
                     ctx.turkish() ? (w.sex == "F" ? "K" : "E") : w.sex, w.establishment,
                     w.job_code + " (" + std::to_string(w.work_group) + ")"});
    }
    ctx.out() << table.render();
    ctx.out() << ws->size() << ctx.tr(" worker(s)\n");
  });

  auto key = std::make_shared<std::string>();
  auto* show = worker->add_subcommand("show", "Show one worker");
  show->add_option("registry", *key, "Registry number (or #id)")->required();
  show->callback([&ctx, key] {
    auto cfg = ctx.config();
    if (!cfg) return (void)ctx.fail(cfg.error(), 2);
    auto db = ctx.db();
    if (!db) return (void)ctx.fail(db.error(), 2);
    auto profile = worker_profile(**db, **cfg, *key, today_iso());
    if (!profile) {
      return (void)ctx.fail(profile.error(), profile.error().code == "worker_unknown" ? 1 : 2);
    }
    if (ctx.json()) {
      ctx.out() << worker_profile_json(*profile).dump(2) << "\n";
      return;
    }
    const Worker* w = &profile->worker;
    ctx.out() << ctx.tr("Registry no   : ") << w->registry_no << "\n"
              << ctx.tr("T.C. kimlik   : ") << w->tc_kimlik << "\n"
              << ctx.tr("Name          : ") << w->first_name << " " << w->last_name << "\n"
              << ctx.tr("Birth date    : ")
              << (ctx.turkish() && parse_date(w->birth_date)
                      ? to_turkish_date(*parse_date(w->birth_date))
                      : w->birth_date)
              << "\n"
              << ctx.tr("Sex           : ")
              << (ctx.turkish() ? (w->sex == "F" ? "K (kadın)" : "E (erkek)") : w->sex) << "\n"
              << ctx.tr("Height/weight : ") << w->height_cm << " cm / " << w->weight_kg << " kg\n"
              << ctx.tr("Establishment : ") << w->establishment << "\n"
              << ctx.tr("Job / group   : ") << w->job_code << " / " << w->work_group << "\n";
    ctx.out() << "\n" << ctx.tr("Job history:") << "\n";
    TextTable jobs({ctx.tr("From"), ctx.tr("Site"), ctx.tr("Job (group)"), ctx.tr("Reason"),
                    ctx.tr("Decision"), ctx.tr("By")});
    for (const auto& p : profile->job_history) {
      jobs.add_row({shown_date(ctx, p.effective_from), p.establishment,
                    p.job_code + " (" + std::to_string(p.work_group) + ")",
                    p.reason == "registered" ? ctx.tr("registered") : p.reason, p.decision,
                    p.created_by});
    }
    ctx.out() << jobs.render();
    ctx.out() << "\n" << ctx.tr("Next exams:") << "\n";
    if (profile->due.exams.empty()) {
      ctx.out() << ctx.tr("  none: no interval rule applies to the current job\n");
      return;
    }
    TextTable exams(
        {ctx.tr("Exam"), ctx.tr("Last"), ctx.tr("Due"), ctx.tr("Status"), ctx.tr("Rule")});
    for (const auto& e : profile->due.exams) {
      exams.add_row({exam_kind_text(ctx, e.exam),
                     e.last_date ? shown_date(ctx, *e.last_date) : ctx.tr("never"),
                     shown_date(ctx, e.due_date), due_status_text(ctx, e.status),
                     e.rule_id + (e.provisional ? ctx.tr(" (provisional)") : "")});
    }
    ctx.out() << exams.render();
  });

  struct JobOptions {
    std::string worker;
    JobChange change;
  };
  auto jo = std::make_shared<JobOptions>();
  auto* job = worker->add_subcommand(
      "job", "Record a change of job or establishment (a new row of the job history)");
  job->add_option("registry", jo->worker, "Registry number (or #id)")->required();
  job->add_option("--job", jo->change.job_code,
                  "New job code from the job catalogue (config/rules/work-groups.toml)")
      ->required();
  job->add_option("--establishment", jo->change.establishment,
                  "New establishment (default: the worker's current one)");
  add_date_option(job, "--from", jo->change.effective_from,
                  "First day in the new job, GG.AA.YYYY or YYYY-MM-DD")
      ->required();
  job->add_option("--reason", jo->change.reason, "Why the job changes")->required();
  job->add_option("--decision", jo->change.decision,
                  "The decision behind it, e.g. evaluation #12 or a commission decision number");
  job->callback([&ctx, jo] {
    auto cfg = ctx.config();
    if (!cfg) return (void)ctx.fail(cfg.error(), 2);
    auto db = ctx.db();
    if (!db) return (void)ctx.fail(db.error(), 2);
    auto rules = rules::load_ruleset((*cfg)->rules_dir);
    if (!rules) return (void)ctx.fail(rules.error(), 2);
    auto w = find_worker(**db, jo->worker);
    if (!w) return (void)ctx.fail(w.error());
    JobChange c = jo->change;
    if (c.establishment.empty()) c.establishment = w->establishment;
    auto id = add_job_change(**db, w->id, c, (*cfg)->establishments, rules->jobs, today_iso(),
                             ctx.opts.user);
    if (!id) return (void)ctx.fail(id.error());
    auto history = job_history(**db, w->id);
    if (!history) return (void)ctx.fail(history.error(), 2);
    if (ctx.json()) {
      ctx.out() << job_period_json(history->back()).dump(2) << "\n";
      return;
    }
    const auto& p = history->back();
    ctx.out() << ctx.trf("Job of {} from {}: {} (work group {}) at {}\n", w->registry_no,
                         shown_date(ctx, p.effective_from), p.job_code, p.work_group,
                         p.establishment);
  });
}

}  // namespace odyo::station
