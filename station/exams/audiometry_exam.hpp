#pragma once
// An audiometry exam from a finished threshold search (or an entered/imported audiogram) to a
// stored result: the audiogram with per-point provenance, the hearing numbers over the configured
// speech frequencies, the search's reliability and every presentation, the inputs the Ek-2
// evaluation reads, and the worker's baseline: the first accepted exam becomes it, later ones get
// the standard threshold shift against it (station/audiometry/worker_baseline.hpp), and a
// revision the rule calls for is appended as a new baseline version. One transaction.
// Thread-safety: the Database's owning thread.

#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "acquisition/audiometry/threshold_search.hpp"
#include "analysis/core/result.hpp"
#include "station/config/config.hpp"
#include "station/exams/spirometry_exam.hpp"  // RecordedExam
#include "station/records/workers.hpp"

namespace odyo::station {

class Database;

struct AudiometryMeta {
  AudiometryMeta() = default;
  // The automated search's callers brace-initialise the first four fields.
  AudiometryMeta(std::string device, std::string started, std::string tech, std::string note_text)
      : device_id(std::move(device)),
        started_at(std::move(started)),
        technician(std::move(tech)),
        note(std::move(note_text)) {}

  std::string device_id;
  std::string started_at;
  std::string technician;
  std::string note;
  // Entered and imported audiograms (record_audiogram_exam): the source as it was read. The
  // defaults describe an automated search, so the search's callers need not set them.
  std::string source_format;                // "manual-json" | "tm262" | "gdt" | …
  std::string source_file;                  // the file as named on the command line
  std::string source_description;           // what the record said it was (device, record no.)
  std::vector<unsigned char> source_bytes;  // kept as the exam's raw recording (SHA-256 stored)
  // The ambient-noise check run before the first tone (station/pcaudio/ambient.hpp's
  // ambient_json, plus "override_reason" when the technician tested anyway); null: none was run.
  // Stored under "ambient_noise" in the result payload.
  nlohmann::json ambient_noise;
};

Result<RecordedExam> record_audiometry_exam(Database& db, const StationConfig& cfg,
                                            const Worker& worker,
                                            const audiometry::SearchResult& search,
                                            const AudiometryMeta& meta, const std::string& actor);

// An audiogram typed from paper or imported from a device/GDT record (every point's provenance
// says which): validated like any audiogram, then stored and assessed exactly like an automated
// exam. The source bytes in `meta` become the raw recording.
Result<RecordedExam> record_audiogram_exam(Database& db, const StationConfig& cfg,
                                           const Worker& worker,
                                           const audiometry::Audiogram& audiogram,
                                           const AudiometryMeta& meta, const std::string& actor);

}  // namespace odyo::station
