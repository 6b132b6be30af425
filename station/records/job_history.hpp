#pragma once
// A worker's job and establishment over time (migration v10). The first period is the job the
// worker was registered with (the workers row, from its `employed_since`); each change is a new
// worker_jobs row with the day it takes effect and the decision behind it (who, why, e.g. an
// evaluation or a commission decision); nothing is edited or deleted. The current job is the
// latest period; the job on a past day is the latest period that took effect on or before it.
// Thread-safety: the Database's owning thread.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "analysis/core/result.hpp"
#include "station/records/workers.hpp"

namespace odyo::station {

struct JobChange {
  std::string establishment;   // one of the configured establishments (any letter case)
  std::string job_code;        // from the job catalogue
  std::string effective_from;  // YYYY-MM-DD or GG.AA.YYYY
  std::string reason;          // why (required)
  std::string decision;        // the decision behind it, e.g. "evaluation #12" (optional)
};

struct JobPeriod {
  std::int64_t id = 0;  // worker_jobs row; 0 for the registered job (reason "registered")
  std::int64_t worker_id = 0;
  std::string establishment, job_code;
  int work_group = 0;
  std::string effective_from;  // YYYY-MM-DD
  std::string reason, decision, created_at, created_by;
};

// Validates and appends a job row for `worker_id`. Refused (nothing written): unknown
// establishment or job code, a date that does not read, lies in the future or before the
// worker's latest job row, a missing reason, a change that changes nothing.
Result<std::int64_t> add_job_change(Database& db, std::int64_t worker_id, const JobChange& change,
                                    const std::vector<std::string>& establishments,
                                    const std::vector<Job>& jobs, const std::string& today,
                                    const std::string& actor);

// The worker's periods, oldest first (same day: the registration, then by row).
Result<std::vector<JobPeriod>> job_history(Database& db, std::int64_t worker_id);
// Every worker's periods, by worker then oldest first.
Result<std::vector<JobPeriod>> all_job_history(Database& db);

// The row in force on `date` (YYYY-MM-DD) among `history` (oldest first); nullopt before the
// first row.
std::optional<JobPeriod> job_on(const std::vector<JobPeriod>& history, const std::string& date);

}  // namespace odyo::station
