// odyospiro demo — see station/demo/demo.hpp.
#include <nlohmann/json.hpp>
#include <sstream>

#include "station/cli/context.hpp"
#include "station/demo/demo.hpp"
#include "station/storage/database.hpp"
#include "station/storage/users.hpp"

namespace odyo::station {

void register_demo_command(CLI::App& app, CliContext& ctx) {
  auto o = std::make_shared<DemoOptions>();
  auto* demo = app.add_subcommand("demo",
                                  "Demonstration: sample workers, a spirometry session from the "
                                  "simulated spirometer, an automated "
                                  "hearing test, evaluation, stored in the database");
  demo->add_option("--devsim", o->devsim,
                   "Device simulator program (default: built next to odyospiro)");
  demo->add_option("--seed", o->seed, "Seed of the simulated listener");
  demo->callback([&ctx, o] {
    auto cfg = ctx.config();
    if (!cfg) return (void)ctx.fail(cfg.error(), 2);
    // A new database gets the demo's own accounts (no login: there is nobody yet); a database
    // that has users is used only by its admin.
    auto db = ctx.db_without_login(true);
    if (!db) return (void)ctx.fail(db.error(), 2);
    // Never a clinic's database: refused untouched (before any login is asked for).
    if (auto own = check_demo_database(**db); !own) return (void)ctx.fail(own.error());
    auto users = count_users(**db);
    if (!users) return (void)ctx.fail(users.error(), 2);
    DemoOptions opts = *o;
    opts.actor = "yonetici";
    if (*users > 0) {
      db = ctx.db_as({"admin"}, N_("run the demo"));
      if (!db) return (void)ctx.fail(db.error(), 2);
      opts.actor = ctx.opts.user;
    }
    opts.turkish = ctx.turkish();
    opts.work_dir = (*db)->file().parent_path().empty() ? std::filesystem::path(".")
                                                        : (*db)->file().parent_path();
    std::ostringstream text;
    auto r = run_demo(**db, **cfg, opts, ctx.json() ? static_cast<std::ostream&>(text) : ctx.out());
    if (!r) return (void)ctx.fail(r.error());
    if (ctx.json()) {
      ctx.out() << nlohmann::json{{"spirometry_exam", r->spirometry_exam},
                                  {"audiometry_exam", r->audiometry_exam},
                                  {"chest_film", r->chest_film},
                                  {"evaluations", r->evaluations},
                                  {"accounts",
                                   [&] {
                                     nlohmann::json a = nlohmann::json::array();
                                     for (const DemoAccount& acc : r->new_accounts)
                                       a.push_back({{"username", acc.username},
                                                    {"role", acc.role},
                                                    {"password", acc.password}});
                                     return a;
                                   }()},
                                  {"log", text.str()}}
                       .dump(2)
                << "\n";
    }
  });
}

}  // namespace odyo::station
