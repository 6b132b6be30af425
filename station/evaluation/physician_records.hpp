#pragma once
// The physician's records that an evaluation reads besides the measurements (table
// `physician_records`, migration v8; rows are never updated or deleted): per worker, the column
// (or "none", nothing found) of each Ek-2 system the station does not measure, the result of a
// job's special examination, the restrictions of a report and the absences (dates, SGK report,
// controlled period with its temporary job). A record is identified by (worker, kind, subject);
// every change is a new version superseding the previous one, with who, when and why, audited in
// the same transaction. Only the physician role may record. Thread-safety: the Database's owning
// thread.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "analysis/core/result.hpp"
#include "analysis/evaluation/engine.hpp"

namespace odyo::station {
class Database;
}

namespace odyo::station::evaluation {

struct PhysicianRecord {
  std::int64_t id = 0;
  std::int64_t worker_id = 0;
  std::string kind;     // system | special_exam | restriction | absence
  std::string subject;  // system name | job code | restriction id | absence start date
  int version = 0;
  std::optional<std::int64_t> supersedes_id;
  nlohmann::json payload;  // system {column, note}; special_exam {result, date, note};
                           // restriction {active, note}; absence {start, end, cause, sgk_report,
                           // sgk_report_no, controlled_until, temporary_job}
  std::string reason, created_at, created_by;
};

// Records a new version of (worker, kind, subject). The payload is checked against the rules
// (system names and restriction ids from the loaded tables, columns, dates). Physician only.
Result<PhysicianRecord> add_physician_record(Database& db, const odyo::evaluation::RuleSet& rules,
                                             std::int64_t worker_id, const std::string& kind,
                                             const std::string& subject,
                                             const nlohmann::json& payload,
                                             const std::string& reason, const std::string& actor);

// Every version of every record of a worker, oldest first.
Result<std::vector<PhysicianRecord>> physician_record_history(Database& db, std::int64_t worker_id);
// The latest version of each (kind, subject) of a worker.
Result<std::vector<PhysicianRecord>> current_physician_records(Database& db,
                                                               std::int64_t worker_id);

// The Ek-2 system names of the rule set (the inputs "systems.<name>" its rules read).
std::vector<std::string> system_names(const odyo::evaluation::RuleSet& rules);

// Adds the current records to an evaluation input: systems.<name>, special_exam.result (for
// `job_code`), restriction.<id>, and for the latest absence absence.* (days, started_days_ago
// relative to `today` YYYY-MM-DD). Returns the records used (for the output's trace).
std::vector<PhysicianRecord> apply_physician_records(const std::vector<PhysicianRecord>& current,
                                                     const std::optional<std::string>& job_code,
                                                     const std::string& today,
                                                     odyo::evaluation::EvaluationInput& in);

// Days from `from` to `to` (both YYYY-MM-DD, or an ISO timestamp whose first 10 characters are
// the date); nullopt when either is not a date.
std::optional<long> days_between(const std::string& from, const std::string& to);

nlohmann::json record_json(const PhysicianRecord& r);

}  // namespace odyo::station::evaluation
