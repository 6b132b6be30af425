#pragma once
// Registering a worker as every front end does it (`worker add`, the technician's web page):
// the station's establishment when none is given, the job catalogue of the rule set in force
// (Ek-4), today's date, then station/records/workers add_worker (validation, audit).
// Thread-safety: the Database's owning thread.
#include <string>

#include "analysis/core/result.hpp"
#include "station/records/workers.hpp"

namespace odyo::station {

class Database;
struct StationConfig;

// The stored worker; nothing is written on any error.
Result<Worker> register_worker(Database& db, const StationConfig& cfg, NewWorker worker,
                               const std::string& actor);

}  // namespace odyo::station
