#pragma once
// An audiometry exam from a finished threshold search (or an entered/imported audiogram) to a
// stored result: the hearing numbers over the configured speech frequencies, the search's
// reliability and every presentation, and the inputs the Ek-2 evaluation reads. One transaction.
// Thread-safety: the Database's owning thread.

#include <nlohmann/json.hpp>
#include <string>

#include "acquisition/audiometry/threshold_search.hpp"
#include "analysis/core/result.hpp"
#include "station/config/config.hpp"
#include "station/exams/spirometry_exam.hpp"  // RecordedExam
#include "station/records/workers.hpp"

namespace odyo::station {

class Database;

struct AudiometryMeta {
  std::string device_id;
  std::string started_at;
  std::string technician;
  std::string note;
};

Result<RecordedExam> record_audiometry_exam(Database& db, const StationConfig& cfg,
                                            const Worker& worker,
                                            const audiometry::SearchResult& search,
                                            const AudiometryMeta& meta, const std::string& actor);

}  // namespace odyo::station
