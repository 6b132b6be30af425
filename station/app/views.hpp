#pragma once
// What the station shows of its records, as JSON: one shape for the command line's --json output
// and the web pages' API (station/web), so a use case is written once (docs/ARCHITECTURE.md).
#include <cstdint>
#include <nlohmann/json.hpp>

#include "analysis/core/result.hpp"
#include "station/evaluation/decisions.hpp"
#include "station/exams/exam_record.hpp"
#include "station/export/outbox.hpp"
#include "station/records/chest_films.hpp"
#include "station/records/exams.hpp"
#include "station/records/job_history.hpp"
#include "station/records/workers.hpp"
#include "station/surveillance/due.hpp"
#include "station/surveillance/placements.hpp"

namespace odyo::station {

class Database;

nlohmann::json worker_json(const Worker& w);
nlohmann::json exam_json(const Exam& e);
// One row of a worker's job history.
nlohmann::json job_period_json(const JobPeriod& p);
// A worker's due exams (station/surveillance/due.hpp): [{exam, rule, every_months, provisional,
// citation, last, due, status, days_overdue}].
nlohmann::json exams_due_json(const surveillance::WorkerDue& w);
// `report due --json`: {as_of, intervals_version, soon_days, workers: [...]}.
nlohmann::json due_report_json(const surveillance::DueReport& r);
// `report placements --json`: {from, to, placements: [...]}.
nlohmann::json placements_json(const std::string& from, const std::string& to,
                               const std::vector<surveillance::Placement>& list);
nlohmann::json chest_film_json(const ChestFilm& f);
// One result version: who, when, why, the signatures that verify and the payload.
nlohmann::json result_json(const StoredResult& r);
nlohmann::json evaluation_json(const evaluation::StoredEvaluation& r);
// The decision chain that evaluation `id` belongs to: {"chain": [...], "in_force": id}.
Result<nlohmann::json> decision_chain_json(Database& db, std::int64_t id);

// `export retry --json` and one row of the outbox lists.
nlohmann::json outbox_entry_json(const OutboxEntry& e);
// `export status --json` and the admin's outbox page: {destinations, rejected, pending}.
nlohmann::json outbox_status_json(const OutboxStatus& s);

// Everything `exam show --json` prints and the exam page shows: the exam, its worker, recordings,
// result versions, evaluations, the decision in force and, for audiometry, the baselines.
// `interruption`: station/exams/interruption.hpp exam_interruption (null if not interrupted).
nlohmann::json exam_record_json(const ExamRecord& rec, const nlohmann::json& interruption);

}  // namespace odyo::station
