#pragma once
// The export outbox's part of station.toml (issue 16; docs/export.md), read and validated by
// station/config/config.cpp with the rest of the file (load_config refuses a bad entry):
//
//   [export]
//   retry_initial_s = 10        # first wait after a failed delivery; doubles each time …
//   retry_max_s = 3600          # … up to this
//   [[export.destination]]      # one per place every signed result goes to; none: nothing queued
//   id = "office-pg"
//   kind = "postgresql"         # the office's central database
//   url = "host=… dbname=…"     # a libpq connection string or URI
//   [[export.destination]]
//   id = "central-fhir"
//   kind = "fhir"               # a FHIR R4 server: each exam's transaction Bundle POSTed to url
//   url = "http://host:8080/fhir"
//   timeout_s = 30              # fhir, hl7: connect / answer time limit
//   [[export.destination]]
//   id = "his"
//   kind = "hl7"                # HL7 v2.5.1 ORU^R01 over MLLP, waiting for the ACK
//   url = "host:2575"
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
  std::string kind;  // postgresql | fhir | hl7
  std::string url;   // connection string / http://host:port/base / host:port
  double timeout_s = 30.0;  // fhir, hl7: connecting, sending and waiting for the answer
};

// Where a fhir or hl7 destination listens: http://host[:port][/base] (fhir; port 80 by default)
// or host:port (hl7).
struct Endpoint {
  std::string host, port;
  std::string target;  // fhir: the base path ("/" if none)
};
Result<Endpoint> destination_endpoint(const ExportDestination& d);

struct OutboxSettings {
  std::vector<ExportDestination> destinations;
  double retry_initial_s = 10.0;
  double retry_max_s = 3600.0;
};

// The outbox settings of the configuration file `file` (no [export] section: none).
Result<OutboxSettings> load_outbox_settings(const std::filesystem::path& file);

}  // namespace odyo::station
