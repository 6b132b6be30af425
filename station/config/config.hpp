#pragma once
// Station configuration: config/station.toml, loaded with toml++ and validated against one
// schema (station/config/config.cpp). An unknown key, a wrong type or a value out of range is an
// Error naming the file, the key and what is allowed. Thread-safety: immutable after load.

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "analysis/core/result.hpp"

namespace odyo::station {

struct DeviceConfig {
  std::string id;       // unique within the station, e.g. "spiro-1"
  std::string kind;     // spirometer | audiometer | pc-audiometer | response-button | gdt
  std::string driver;   // driver name in the registry
  std::string uri;      // serial:/dev/ttyUSB0, usb:VID:PID[:serial], gdt:/path, pc:hw:1, sim:...
  std::string profile;  // device profile under config/devices/ (optional)
};

// [export]: the identifiers and code systems of exports to central records (station/export).
// Every system is configuration: no official OID/URI for T.C. kimlik or TTK is known, the shipped
// values are placeholders (config/station.toml says so) to be replaced with the central office's.
struct ExportConfig {
  std::string station_id;                      // prefix of every identifier this station mints
  std::string identifier_system;               // system of the station-minted business identifiers
  std::string patient_identifier_system;       // system of the T.C. kimlik no
  std::string registry_identifier_system;      // system of the TTK registry (sicil) number
  std::string practitioner_identifier_system;  // system of the station's user accounts
  std::string code_system;                     // the station's own codes (z-scores, bone, Ek-2 …)
  std::string hl7_sending_application, hl7_sending_facility, hl7_receiving_application,
      hl7_receiving_facility;
  std::string hl7_local_coding_system;   // HL7 v2 name of the station's code system (99…)
  std::string hl7_patient_id_authority;  // PID-3.4 assigning authority of the T.C. kimlik no
};

struct StationConfig {
  std::filesystem::path file;        // the file this was loaded from
  std::filesystem::path config_dir;  // relative paths below are resolved against it

  // [station]
  std::string station_name;
  std::string establishment;                // one of `establishments`
  std::vector<std::string> establishments;  // TTK establishments served by this station
  std::string language = "tr";              // tr | en
  std::filesystem::path database;           // SQLite file (a relative value: to config_dir)
  // Unix group that may read the station's files (database, journal, key): empty = the owner
  // only (files 0600, folders 0700); a group gives 0640/0750 and that group.
  std::string data_group;

  // [spirometry]
  std::string reference_equation = "gli-global-2022";  // gli2012 | gli-global-2022 | eccs1993
  int gli2012_default_ethnicity = 1;                   // 1..5 (GLI-2012 groups)
  std::filesystem::path reference_dir;                 // reference tables
  double min_sample_rate_hz = 100.0;

  // [audiometry]
  std::vector<int> speech_frequencies_hz{500, 1000, 2000};
  std::string age_correction_table = "osha";  // osha | msha
  std::filesystem::path audiometry_dir;       // age-correction tables, RETSPL
  std::filesystem::path calibration_file;     // pc-audiometer calibration
  // Permissible ambient noise table in audiometry_dir/ambient_limits.csv:
  // osha-d1 | ansi-s3.1-1977-ears-covered (neither is ISO 8253-1)
  std::string ambient_limits = "osha-d1";
  int calibration_valid_months = 12;
  // A bone-conduction threshold worse than air conduction by more than this (dB) is refused
  // (audiometry::AudiogramChecks; 10 dB = test-retest variability).
  int max_bone_above_air_db = 10;

  // [rules]
  std::filesystem::path rules_dir;

  // [acquisition]
  // How long storing an exam keeps retrying while another program holds the database's write
  // lock; past it the session stays in the raw journal as "pending" (`acquire recover`).
  double store_retry_limit_s = 60.0;
  // How long a session waits for an unplugged device to come back before it ends, interrupted.
  double device_return_timeout_s = 10.0;

  // [security]
  int password_min_length = 10;
  int pbkdf2_iterations = 200000;
  int max_failed_logins = 5;  // wrong passwords within lockout_minutes that lock the account
  int lockout_minutes = 15;   // how long a lock lasts (an admin's password reset ends it)
  double session_idle_minutes = 15.0;  // a web session unused this long is ended (log in again)

  // [export]; empty when the section is absent (exports then refuse, naming the section)
  std::optional<ExportConfig> exports;

  std::vector<DeviceConfig> devices;
};

// Loads and validates `file`. Errors name the file, the key and what is allowed.
Result<StationConfig> load_config(const std::filesystem::path& file);

// The file to use: explicit path, else $ODYOSPIRO_CONFIG, else default_config_path(). Never a
// path of the working folder or of the build tree.
std::filesystem::path resolve_config_path(const std::string& explicit_path);

// The installed configuration: <sysconfdir>/odyospiro/station.toml (/etc/odyospiro/station.toml
// for an installation under /usr).
std::filesystem::path default_config_path();

}  // namespace odyo::station
