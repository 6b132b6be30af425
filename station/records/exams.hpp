#pragma once
// Exams, their raw recordings, and their results. Results are versioned: a correction is a new
// row (version n+1, supersedes n) with who, when and why; nothing is edited in place.
// Thread-safety: the Database's owning thread.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "analysis/core/result.hpp"

namespace odyo::station {

class Database;

struct NewExam {
  std::int64_t worker_id = 0;
  std::string kind;  // spirometry | audiometry
  std::string started_at;
  std::string technician;
  std::string device_id;
  std::optional<double> ambient_temp_c, ambient_pressure_kpa, ambient_humidity_pct;
  std::string notes;
};

struct Exam {
  std::int64_t id = 0;
  std::int64_t worker_id = 0;
  std::string kind, started_at, technician, device_id;
  std::optional<double> ambient_temp_c, ambient_pressure_kpa, ambient_humidity_pct;
  std::string notes;
};

struct NewRecording {
  int seq = 0;
  std::string codec;  // e.g. "f64le-flow-lps" (little-endian doubles, L/s), "json-presentations"
  std::optional<double> sample_rate_hz;
  std::string device_units;
  double conversion_factor = 1.0;
  std::optional<double> btps_factor;
  std::vector<unsigned char> bytes;
};

struct Recording {
  std::int64_t id = 0;
  int seq = 0;
  std::string codec;
  std::optional<double> sample_rate_hz;
  std::string device_units;
  double conversion_factor = 1.0;
  std::optional<double> btps_factor;
  std::size_t size_bytes = 0;
  std::string sha256;
};

// A physician's signature on a result version that verifies (station/auth/signing.hpp).
struct ResultSignature {
  std::int64_t id = 0;
  std::string signer, signed_at;
  std::int64_t key_id = 0;
  std::string signature_b64;  // the 64-byte Ed25519 signature, base64
};

struct StoredResult {
  std::int64_t id = 0;
  std::int64_t exam_id = 0;
  int version = 0;
  std::optional<std::int64_t> supersedes_id;
  std::string kind, payload_json, content_sha256, software, created_at, created_by, reason;
  std::vector<std::string> signed_by;       // "user at time", only signatures that verify
  std::vector<ResultSignature> signatures;  // the same signatures, with their bytes
};

Result<std::int64_t> add_exam(Database& db, const NewExam& e, const std::string& actor);
Result<std::int64_t> add_recording(Database& db, std::int64_t exam_id, const NewRecording& r);
// Adds the next version of the exam's result (version 1 when none); `reason` is required for
// every version after the first.
Result<std::int64_t> add_result(Database& db, std::int64_t exam_id, const std::string& payload_json,
                                const std::string& actor, const std::string& reason);
// A physician signs a result version; the signature records the content hash signed.
Result<std::int64_t> sign_result(Database& db, std::int64_t result_id,
                                 const std::string& physician);

Result<std::vector<Exam>> list_exams(Database& db,
                                     std::optional<std::int64_t> worker_id = std::nullopt);
Result<Exam> get_exam(Database& db, std::int64_t exam_id);
Result<std::vector<Recording>> list_recordings(Database& db, std::int64_t exam_id);
Result<std::vector<unsigned char>> recording_bytes(Database& db, std::int64_t recording_id);
// All versions, oldest first.
Result<std::vector<StoredResult>> list_results(Database& db, std::int64_t exam_id);

}  // namespace odyo::station
