#pragma once
// One worker as every front end shows them (`worker show`, the worker page of station/web): the
// registry entry, the job history and the next due exams (config/rules/surveillance.toml against
// the job catalogue of the rule set in force). Thread-safety: the Database's owning thread.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "analysis/core/result.hpp"
#include "station/records/job_history.hpp"
#include "station/records/workers.hpp"
#include "station/surveillance/due.hpp"

namespace odyo::station {

class Database;
struct StationConfig;

struct WorkerProfile {
  Worker worker;
  std::vector<JobPeriod> job_history;  // oldest first
  surveillance::WorkerDue due;         // exams of the current job, next due dates
  std::string intervals_version;       // of config/rules/surveillance.toml
};

// `key`: registry number or #id; `as_of`: YYYY-MM-DD (the day the due dates are counted to).
Result<WorkerProfile> worker_profile(Database& db, const StationConfig& cfg, const std::string& key,
                                     const std::string& as_of);

// `worker show --json` and GET /api/workers/{registry}/profile: the worker's fields, job_history,
// exams_due, intervals_version.
nlohmann::json worker_profile_json(const WorkerProfile& p);

}  // namespace odyo::station
