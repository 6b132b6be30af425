#pragma once
// Due and overdue periodic examinations (issue 17): for each worker, the job in force on the day
// asked about (the job history), the interval rules that apply to it (config/rules/
// surveillance.toml) and the last exam of each kind (spirometry and audiometry exams with a
// result that is not an unaccepted interruption; chest films not superseded by a correction)
// give the next due date of every exam the worker needs. An exam never done is due from the day
// the worker's current run of jobs needing it began. A use case returning data: the command line
// and `worker show` render it. Thread-safety: the Database's owning thread.

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "analysis/core/result.hpp"
#include "analysis/evaluation/model.hpp"
#include "station/surveillance/intervals.hpp"

namespace odyo::station {
class Database;
}

namespace odyo::station::surveillance {

enum class DueStatus { ok, due, overdue };
const char* status_name(DueStatus s);  // "ok" | "due" | "overdue"

struct ExamDue {
  std::string exam;     // chest_film | spirometry | audiometry
  std::string rule_id;  // the applying rule with the shortest interval
  int every_months = 0;
  bool provisional = false;
  std::string citation;
  std::optional<std::string> last_date;  // YYYY-MM-DD; nullopt when never done
  std::string due_date;                  // YYYY-MM-DD
  DueStatus status = DueStatus::ok;
  int days_overdue = 0;  // > 0 when overdue; days until the date (negative) otherwise
};

struct WorkerDue {
  std::int64_t worker_id = 0;
  std::string registry_no, first_name, last_name;
  std::string establishment, job_code;  // in force on the day asked about
  int work_group = 0;
  std::vector<ExamDue> exams;  // one per exam the worker's job needs, in kExamKinds order

  [[nodiscard]] bool flagged() const;  // any exam due or overdue
};

struct DueQuery {
  std::string as_of;          // YYYY-MM-DD
  std::string establishment;  // empty = every establishment
  std::optional<std::int64_t> worker_id;
  bool flagged_only = false;  // only workers with an exam due or overdue
};

struct DueReport {
  std::string as_of;
  std::string intervals_version;
  int soon_days = 0;
  std::vector<WorkerDue> workers;  // by establishment, work group, registry number
};

// `progress` (if set) is called with (workers looked at, workers in all) every 500 workers and at
// the end.
Result<DueReport> compute_due(Database& db, const IntervalTable& intervals,
                              const std::vector<odyo::evaluation::Job>& jobs, const DueQuery& q,
                              const std::function<void(std::size_t, std::size_t)>& progress = {});

// Every worker's registry number and names, by database id (the lists of the reports).
struct WorkerName {
  std::int64_t id = 0;
  std::string registry_no, first_name, last_name;
};
Result<std::map<std::int64_t, WorkerName>> worker_names(Database& db);

// YYYY-MM-DD plus `months` (the last day of the month when the day does not exist).
std::string add_months(const std::string& iso_date, int months);
// Whole days from `a` to `b` (b − a).
int days_between(const std::string& a, const std::string& b);

}  // namespace odyo::station::surveillance
