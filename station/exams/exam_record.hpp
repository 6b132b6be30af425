#pragma once
// Everything stored about one exam, gathered once: the exam, its worker, raw recordings, every
// result version (with the signatures that verify), the evaluations stored with it, the decision
// in force, the baseline rows naming it, and the accounts of the technician and the signers.
// `exam show` prints it and `export fhir|hl7` encodes it (station/export); both read it here.
// Thread-safety: the Database's owning thread.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "analysis/core/result.hpp"
#include "station/evaluation/decisions.hpp"
#include "station/records/audiometric_baselines.hpp"
#include "station/records/exams.hpp"
#include "station/records/workers.hpp"
#include "station/storage/users.hpp"

namespace odyo::station {

class Database;

struct ExamRecord {
  Exam exam;
  Worker worker;
  std::vector<Recording> recordings;
  std::vector<StoredResult> results;                      // all versions, oldest first
  std::vector<evaluation::StoredEvaluation> evaluations;  // stored with this exam, in order
  // The decision in force (physician's latest confirm/override, else the automatic one) of the
  // newest decision chain stored with this exam; empty when the exam was never evaluated.
  std::optional<evaluation::StoredEvaluation> decision;
  std::vector<BaselineRow> baselines;  // baseline versions that name this exam
  std::map<std::string, User> users;   // the technician and every signer, by user name
};

// The decision in force of the newest decision chain among `evaluations` (those stored with one
// exam, as evaluations_of_exam gives them); empty when there is none.
Result<std::optional<evaluation::StoredEvaluation>> decision_of_exam(
    Database& db, const std::vector<evaluation::StoredEvaluation>& evaluations);

// The exam `exam_id` and all of the above; an unknown id is an error saying how to list exams.
Result<ExamRecord> load_exam_record(Database& db, std::int64_t exam_id);

}  // namespace odyo::station
