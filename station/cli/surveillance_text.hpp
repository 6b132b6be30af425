#pragma once
// Words of the surveillance reports in the output language, shared by `worker show`, `report`
// and `film` (defined in worker_cmd.cpp). Single-threaded: the command line's thread.
#include <string>

#include "station/cli/context.hpp"
#include "station/surveillance/due.hpp"

namespace odyo::station {

// "chest film", "spirometry", "audiometry" for chest_film, spirometry, audiometry.
const char* exam_kind_text(const CliContext& ctx, const std::string& kind);
// "ok", "due", "OVERDUE".
const char* due_status_text(const CliContext& ctx, surveillance::DueStatus s);

}  // namespace odyo::station
