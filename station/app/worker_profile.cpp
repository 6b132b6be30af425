#include "station/app/worker_profile.hpp"

#include "station/app/views.hpp"
#include "station/config/config.hpp"
#include "station/rules/loader.hpp"
#include "station/storage/database.hpp"
#include "station/surveillance/intervals.hpp"

namespace odyo::station {

Result<WorkerProfile> worker_profile(Database& db, const StationConfig& cfg, const std::string& key,
                                     const std::string& as_of) {
  auto w = find_worker(db, key);
  if (!w) return w.error();
  auto history = job_history(db, w->id);
  if (!history) return history.error();
  auto rules = rules::load_ruleset(cfg.rules_dir);
  if (!rules) return rules.error();
  auto intervals = surveillance::load_intervals(cfg.rules_dir, rules->jobs);
  if (!intervals) return intervals.error();
  surveillance::DueQuery q;
  q.as_of = as_of;
  q.worker_id = w->id;
  auto due = surveillance::compute_due(db, *intervals, rules->jobs, q);
  if (!due) return due.error();
  WorkerProfile p{*w, std::move(*history), {}, intervals->version};
  if (!due->workers.empty()) p.due = std::move(due->workers.front());
  return p;
}

nlohmann::json worker_profile_json(const WorkerProfile& p) {
  auto j = worker_json(p.worker);
  j["job_history"] = nlohmann::json::array();
  for (const auto& period : p.job_history) j["job_history"].push_back(job_period_json(period));
  j["exams_due"] = exams_due_json(p.due);
  j["intervals_version"] = p.intervals_version;
  return j;
}

}  // namespace odyo::station
