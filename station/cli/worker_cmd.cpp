// odyospiro worker add|list|show
#include <nlohmann/json.hpp>

#include "station/app/register_worker.hpp"
#include "station/app/views.hpp"
#include "station/cli/context.hpp"
#include "station/cli/person_options.hpp"
#include "station/core/text_table.hpp"
#include "station/records/workers.hpp"
#include "station/rules/loader.hpp"
#include "station/storage/database.hpp"

namespace odyo::station {

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
    if (auto cfg = ctx.config(); !cfg) return (void)ctx.fail(cfg.error(), 2);
    auto db = ctx.db();
    if (!db) return (void)ctx.fail(db.error(), 2);
    auto w = find_worker(**db, *key);
    if (!w) return (void)ctx.fail(w.error());
    if (ctx.json()) {
      ctx.out() << worker_json(*w).dump(2) << "\n";
      return;
    }
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
  });
}

}  // namespace odyo::station
