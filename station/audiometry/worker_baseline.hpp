#pragma once
// A worker's audiograms against the worker's own baseline, for stored audiometry exams:
// - an exam is *accepted* (may be a baseline, and counts in a revision) when its search finished
//   and was reliable (automated), and both ears have measured air thresholds at 2, 3 and 4 kHz —
//   without them no threshold shift can be computed from it;
// - the first accepted exam becomes the baseline (version 1, both ears);
// - every later exam gets the standard threshold shift per ear against the baseline in force,
//   with and without the configured age correction (ages in completed years at each test, from
//   the worker's birth date), and the recordable-case rule (analysis/audiometry/threshold_shift);
// - when the revision rule of the analysis fires for an ear (STS on the latest 2 accepted
//   audiograms, or an improvement of ≥ 10 dB on them) the result carries a revision *proposal*
//   naming the exam and the reason; the baseline moves only when a physician or admin decides so
//   (set_baseline_explicitly) — OSHA 1910.95(g)(9) leaves it to professional judgment.
// Thread-safety: the Database's owning thread.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "analysis/audiometry/audiogram.hpp"
#include "analysis/core/result.hpp"
#include "station/config/config.hpp"
#include "station/records/audiometric_baselines.hpp"
#include "station/records/exams.hpp"
#include "station/records/workers.hpp"

namespace odyo::station {

class Database;

// An audiometry exam read back: the newest result version and its audiogram.
struct StoredAudiometry {
  Exam exam;
  std::int64_t result_id = 0;
  nlohmann::json payload;
  audiometry::Audiogram audiogram;
  bool accepted = false;
  std::string not_accepted_because;
};
Result<StoredAudiometry> load_stored_audiometry(Database& db, std::int64_t exam_id);
// The worker's audiometry exams in test order (started_at, id).
Result<std::vector<StoredAudiometry>> worker_audiometry(Database& db, std::int64_t worker_id);

// One stored baseline version as JSON (id, version, ear, kind, reason, exam, result, the row it
// supersedes, who and when): `audio baseline show`, `exam show` and the exam results use it.
nlohmann::json baseline_row_json(const BaselineRow& r);

// Why an audiogram cannot be a baseline for `ear` (right | left | both), or nothing.
std::optional<Error> baseline_unsuitable(const audiometry::Audiogram& a,
                                         const std::string& ear = "both");

// Whole years between the birth date and the date of a test (YYYY-MM-DD…); error if either is
// not a date or the test is before the birth.
Result<int> completed_years(const std::string& birth_date, const std::string& test_date);

// What a new exam's result says about the baseline, and which baseline rows to append once the
// exam is stored (only the initial baseline; exam_id/result_id 0 = the exam being stored).
struct BaselineAssessment {
  nlohmann::json baseline;  // payload["baseline"]
  nlohmann::json sts;       // payload["sts"]: per ear with and without age correction, or null
  nlohmann::json revision;  // payload["baseline_revision"], or null
  std::vector<std::string> summary_tr, summary_en;
  std::vector<NewBaseline> new_rows;
};
// `accepted`/`not_accepted_because`: the exam-level verdict (search reliability etc.); the
// audiogram's own suitability is checked here too.
Result<BaselineAssessment> assess_against_baseline(Database& db, const StationConfig& cfg,
                                                   const Worker& worker,
                                                   const audiometry::Audiogram& current,
                                                   const std::string& started_at, bool accepted,
                                                   const std::string& not_accepted_because);

// A physician or admin makes a stored exam the worker's baseline (for one ear or both).
Result<std::int64_t> set_baseline_explicitly(Database& db, const Worker& worker,
                                             std::int64_t exam_id, const std::string& ear,
                                             const std::string& reason, const std::string& actor);

}  // namespace odyo::station
