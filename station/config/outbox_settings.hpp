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
//   url = "https://host/fhir"   # https: TLS; http: plain
//   timeout_s = 30              # fhir, hl7: connect / answer time limit
//   ca_file = "ca.pem"          # fhir https, hl7 tls: the CA(s) to trust (default: the system's)
//   [[export.destination]]
//   id = "his"
//   kind = "hl7"                # HL7 v2.5.1 ORU^R01 over MLLP, waiting for the ACK
//   url = "host:2575"
//   tls = true                  # MLLP inside TLS (default false)
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
  bool tls = false;         // hl7: MLLP inside TLS (fhir: an https URL says it)
  // fhir (https), hl7 (tls): PEM file of the CA(s) whose certificates the server may show
  // ("" = the system's CA store); a relative path is taken from the configuration file's folder.
  std::string ca_file{};
};

// Where a fhir or hl7 destination listens: http(s)://host[:port][/base] (fhir; port 80 or 443 by
// default) or host:port (hl7), and whether the link is TLS (https, or hl7 with tls = true).
struct Endpoint {
  std::string host, port;
  std::string target;  // fhir: the base path ("/" if none)
  bool tls = false;
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
