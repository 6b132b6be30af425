#pragma once
// Evaluating a stored worker: the inputs come from the worker record (height, weight, job), the
// latest audiometry and spirometry results (their payload's "evaluation_inputs", in the
// `evaluate --input` format) and the physician's findings; the automatic evaluation is stored as
// version 1 of a new decision chain. Used by `odyospiro evaluate --worker` and the demo.
// Thread-safety: the Database's owning thread.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "analysis/core/result.hpp"
#include "analysis/evaluation/engine.hpp"
#include "station/config/config.hpp"
#include "station/evaluation/physician_records.hpp"
#include "station/records/workers.hpp"

namespace odyo::station {
class Database;
}

namespace odyo::station::evaluation {

// `findings` is the physician's findings object (may be empty). `exam_id` receives the newest
// exam whose result took part.
Result<odyo::evaluation::EvaluationInput> gather_worker(Database& db, const Worker& w,
                                                        const nlohmann::json& findings,
                                                        std::optional<std::int64_t>& exam_id);

// Adds the worker's current physician records (Ek-2 systems, the special examination of
// in.job_code, restrictions, the latest absence) to the input; returns the records used.
Result<std::vector<PhysicianRecord>> add_physician_records(Database& db, std::int64_t worker_id,
                                                           odyo::evaluation::EvaluationInput& in);

// Adds the station's speech-frequency set to the input unless it already names one.
void add_speech_frequencies(odyo::evaluation::EvaluationInput& in, const StationConfig& cfg);

struct WorkerEvaluation {
  std::int64_t evaluation_id = 0;
  std::optional<std::int64_t> exam_id;
  odyo::evaluation::Evaluation result;
  std::vector<PhysicianRecord> records;  // the physician's records the evaluation read
  std::string text;                      // readable, in the language asked for
};

// Gathers (with the physician's records), evaluates for `purpose` (see parse_purpose) and stores.
Result<WorkerEvaluation> evaluate_stored_worker(Database& db, const StationConfig& cfg,
                                                const odyo::evaluation::RuleSet& rules,
                                                const Worker& w, const std::string& purpose,
                                                const nlohmann::json& findings,
                                                const std::string& actor, bool turkish = true);

}  // namespace odyo::station::evaluation
