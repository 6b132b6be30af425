#include "station/app/register_worker.hpp"

#include "station/config/config.hpp"
#include "station/rules/loader.hpp"
#include "station/storage/database.hpp"

namespace odyo::station {

Result<Worker> register_worker(Database& db, const StationConfig& cfg, NewWorker worker,
                               const std::string& actor) {
  auto rules = rules::load_ruleset(cfg.rules_dir);  // the job catalogue is Ek-4 of the rule set
  if (!rules) return rules.error();
  if (worker.establishment.empty()) worker.establishment = cfg.establishment;
  auto id = add_worker(db, worker, cfg.establishments, rules->jobs, today_iso(), actor);
  if (!id) return id.error();
  return find_worker(db, worker.registry_no);
}

}  // namespace odyo::station
