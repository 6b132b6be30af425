// odyospiro worker add|list|show
#include <iomanip>
#include <nlohmann/json.hpp>

#include "station/app/views.hpp"
#include "station/cli/context.hpp"
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
  add->add_option("--birth-date", nw->birth_date, "Birth date YYYY-MM-DD")->required();
  add->add_option("--sex", nw->sex, "M or F")->required();
  add->add_option("--height-cm", nw->height_cm, "Height in cm")->required();
  add->add_option("--weight-kg", nw->weight_kg, "Weight in kg")->required();
  add->add_option("--establishment", nw->establishment, "Establishment (default: the station's)");
  add->add_option("--job", nw->job_code,
                  "Job code from the job catalogue (config/rules/work-groups.toml)")
      ->required();
  add->callback([&ctx, nw] {
    auto cfg = ctx.config();
    if (!cfg) return (void)ctx.fail(cfg.error(), 2);
    auto db = ctx.db();
    if (!db) return (void)ctx.fail(db.error(), 2);
    auto rules =
        rules::load_ruleset((*cfg)->rules_dir);  // the job catalogue is Ek-4 of the rule set
    if (!rules) return (void)ctx.fail(rules.error(), 2);
    NewWorker w = *nw;
    if (w.establishment.empty()) w.establishment = (*cfg)->establishment;
    auto id = add_worker(**db, w, (*cfg)->establishments, rules->jobs, today_iso(), ctx.opts.user);
    if (!id) return (void)ctx.fail(id.error());
    if (ctx.json()) {
      auto got = find_worker(**db, w.registry_no);
      ctx.out() << worker_json(*got).dump(2) << "\n";
    } else {
      ctx.out() << ctx.tr("Çalışan kaydedildi: ", "Worker registered: ") << w.registry_no << " "
                << w.first_name << " " << w.last_name << "\n";
    }
  });

  auto est = std::make_shared<std::string>();
  auto* list = worker->add_subcommand("list", "List workers");
  list->add_option("--establishment", *est, "Only this establishment");
  list->callback([&ctx, est] {
    if (auto cfg = ctx.config(); !cfg) return (void)ctx.fail(cfg.error(), 2);
    auto db = ctx.db();
    if (!db) return (void)ctx.fail(db.error(), 2);
    auto ws = list_workers(**db, *est);
    if (!ws) return (void)ctx.fail(ws.error());
    if (ctx.json()) {
      nlohmann::json arr = nlohmann::json::array();
      for (const auto& w : *ws) arr.push_back(worker_json(w));
      ctx.out() << arr.dump(2) << "\n";
      return;
    }
    ctx.out() << std::left << std::setw(12) << ctx.tr("Sicil", "Registry") << std::setw(28)
              << ctx.tr("Ad Soyad", "Name") << std::setw(12) << ctx.tr("Doğum", "Born")
              << std::setw(12) << ctx.tr("İşyeri", "Site") << ctx.tr("İş (grup)", "Job (group)")
              << "\n";
    for (const auto& w : *ws) {
      ctx.out() << std::left << std::setw(12) << w.registry_no << std::setw(28)
                << (w.first_name + " " + w.last_name) << std::setw(12) << w.birth_date
                << std::setw(12) << w.establishment << w.job_code << " (" << w.work_group << ")\n";
    }
    ctx.out() << ws->size() << ctx.tr(" çalışan\n", " worker(s)\n");
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
    ctx.out() << ctx.tr("Sicil no      : ", "Registry no   : ") << w->registry_no << "\n"
              << ctx.tr("T.C. kimlik   : ", "T.C. kimlik   : ") << w->tc_kimlik << "\n"
              << ctx.tr("Ad Soyad      : ", "Name          : ") << w->first_name << " "
              << w->last_name << "\n"
              << ctx.tr("Doğum tarihi  : ", "Birth date    : ") << w->birth_date << "\n"
              << ctx.tr("Cinsiyet      : ", "Sex           : ") << w->sex << "\n"
              << ctx.tr("Boy / kilo    : ", "Height/weight : ") << w->height_cm << " cm / "
              << w->weight_kg << " kg\n"
              << ctx.tr("İşyeri        : ", "Establishment : ") << w->establishment << "\n"
              << ctx.tr("İş / iş grubu : ", "Job / group   : ") << w->job_code << " / "
              << w->work_group << "\n";
  });
}

}  // namespace odyo::station
