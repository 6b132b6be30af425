#pragma once
// What the station shows of its records, as JSON: one shape for the command line's --json output
// and the web pages' API (station/web), so a use case is written once (docs/ARCHITECTURE.md).
#include <cstdint>
#include <nlohmann/json.hpp>

#include "analysis/core/result.hpp"
#include "station/evaluation/decisions.hpp"
#include "station/exams/exam_record.hpp"
#include "station/records/exams.hpp"
#include "station/records/workers.hpp"

namespace odyo::station {

class Database;

nlohmann::json worker_json(const Worker& w);
nlohmann::json exam_json(const Exam& e);
// One result version: who, when, why, the signatures that verify and the payload.
nlohmann::json result_json(const StoredResult& r);
nlohmann::json evaluation_json(const evaluation::StoredEvaluation& r);
// The decision chain that evaluation `id` belongs to: {"chain": [...], "in_force": id}.
Result<nlohmann::json> decision_chain_json(Database& db, std::int64_t id);

// Everything `exam show --json` prints and the exam page shows: the exam, its worker, recordings,
// result versions, evaluations, the decision in force and, for audiometry, the baselines.
// `interruption`: station/exams/interruption.hpp exam_interruption (null if not interrupted).
nlohmann::json exam_record_json(const ExamRecord& rec, const nlohmann::json& interruption);

}  // namespace odyo::station
