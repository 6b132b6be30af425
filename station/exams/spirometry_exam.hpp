#pragma once
// A spirometry exam from captured flow to a stored result: BTPS from the ambient conditions,
// ATS/ERS 2019 indices, quality and grades, reference values from the configured equation,
// ATS/ERS 2022 interpretation, and the inputs the Ek-1/Ek-2 evaluation reads. Stores the exam,
// every manoeuvre's raw flow and the result (version 1) in one transaction.
// Thread-safety: the Database's owning thread.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "analysis/core/result.hpp"
#include "analysis/spirometry/reference.hpp"
#include "analysis/spirometry/session.hpp"
#include "station/config/config.hpp"
#include "station/records/workers.hpp"

namespace odyo::station {

class Database;

struct SpirometryCapture {
  std::vector<std::vector<double>>
      manoeuvres_flow_lps;  // sensor (ambient) conditions, expiration > 0
  double sample_rate_hz = 0;
  double ambient_temp_c = 20.0;
  double ambient_pressure_kpa = 101.3;
  double ambient_humidity_pct = 50.0;
  std::string device_id;   // station device id (config [[devices]])
  std::string profile;     // device profile the samples were decoded with
  std::string raw_source;  // where the raw bytes are kept (e.g. "journal:var/raw-journal.db#3")
  std::string started_at;  // ISO 8601
  std::string technician;
  // Set when the session did not end as planned (unplug not back in time, Ctrl-C, time limit,
  // station killed): stored as payload "interrupted" {reason, detail}; such an exam is not used
  // by an evaluation until a physician accepts it (station/exams/interruption.hpp).
  std::optional<std::string> interrupted_reason;
  std::string interrupted_detail;
};

struct RecordedExam {
  std::int64_t exam_id = 0;
  std::int64_t result_id = 0;
  nlohmann::json payload;  // what was stored
};

// What record_spirometry_exam analyses, without storing anything: BTPS from the ambient
// conditions, ATS/ERS 2019 indices, each blow's acceptability and usability with its reasons,
// the grades and the guidance ("another blow needed, because …"). The live view of a session
// (station/web/live) shows this after each blow, so the page and the stored exam agree.
// Pure apart from the age computed from the worker's birth date; thread-safe.
struct SpirometryAssessment {
  spirometry::SignalSpec spec;
  double age_years = 0;
  spirometry::SessionResult session;
};
Result<SpirometryAssessment> assess_spirometry_capture(const StationConfig& cfg,
                                                       const Worker& worker,
                                                       const SpirometryCapture& capture);

Result<RecordedExam> record_spirometry_exam(Database& db, const StationConfig& cfg,
                                            const spirometry::ReferenceTables& tables,
                                            const Worker& worker, const SpirometryCapture& capture,
                                            const std::string& actor);

}  // namespace odyo::station
