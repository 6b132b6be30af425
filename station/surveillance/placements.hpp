#pragma once
// Placement lists (Madde 9(2)(b)(1): sent in January and July): the workers whose job changed
// in a period, with the old and the new job, the years in the old job and the years since the
// worker's first job row. From the job history (station/records/job_history.hpp); a use case
// returning data. Thread-safety: the Database's owning thread.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "analysis/core/result.hpp"

namespace odyo::station {
class Database;
}

namespace odyo::station::surveillance {

struct Period {
  std::string from, to;  // YYYY-MM-DD, both included
};
// "2026-H1" → 2026-01-01 … 2026-06-30 (the list sent in July); "2026-H2" → 2026-07-01 …
// 2026-12-31 (sent in January of the next year). Error "report_invalid" otherwise.
Result<Period> half_year(const std::string& text);

struct Placement {
  std::int64_t worker_id = 0;
  std::string registry_no, first_name, last_name;
  std::string from;  // the day the new job took effect
  std::string old_establishment, old_job;
  int old_work_group = 0;
  std::string new_establishment, new_job;
  int new_work_group = 0;
  std::string reason, decision;
  double years_in_old_job = 0;  // from the old row's date to the change
  double years_worked = 0;      // from the worker's first job row to the change
};

struct PlacementQuery {
  Period period;
  std::string establishment;  // empty = all; else the old or the new establishment
};

// By date of change, then registry number. `progress(done, total)` (job-history rows looked at)
// is called every 10 000 rows and at the end, when given.
Result<std::vector<Placement>> compute_placements(
    Database& db, const PlacementQuery& q,
    const std::function<void(std::int64_t, std::int64_t)>& progress = {});

}  // namespace odyo::station::surveillance
