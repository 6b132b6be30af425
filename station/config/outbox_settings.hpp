#pragma once
// The export outbox's part of station.toml (issue 16; docs/export.md), read and validated by
// station/config/config.cpp with the rest of the file (load_config refuses a bad entry):
//
//   [export]
//   retry_initial_s = 10        # first wait after a failed delivery; doubles each time …
//   retry_max_s = 3600          # … up to this
//   [[export.destination]]      # one per place every signed result goes to; none: nothing queued
//   id = "office-pg"
//   kind = "postgresql"         # the office's central database; "fhir" and "hl7" come later
//   url = "host=… dbname=…"     # a libpq connection string or URI
//
// Kept apart from StationConfig so that the outbox's settings are read where they are used.
// Thread-safety: immutable after load.

#include <filesystem>
#include <string>
#include <vector>

#include "analysis/core/result.hpp"

namespace odyo::station {

struct ExportDestination {
  std::string id;    // unique, e.g. "office-pg"; names the destination in the outbox and status
  std::string kind;  // postgresql
  std::string url;   // connection string / URL
};

struct OutboxSettings {
  std::vector<ExportDestination> destinations;
  double retry_initial_s = 10.0;
  double retry_max_s = 3600.0;
};

// The outbox settings of the configuration file `file` (no [export] section: none).
Result<OutboxSettings> load_outbox_settings(const std::filesystem::path& file);

}  // namespace odyo::station
