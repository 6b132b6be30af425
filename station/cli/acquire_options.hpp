// The options of `odyospiro acquire spiro|audio`, shared by the device kinds that answer them:
// devices_cmd.cpp runs serial/USB/simulated devices, pcaudio_cmd.cpp runs the computer-driven
// audiometer (`--device pc:…`).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "acquisition/audiometry/threshold_search.hpp"
#include "analysis/core/result.hpp"
#include "station/app/audiometry_session.hpp"

namespace odyo::station {

class CliContext;

struct AcquireOptions {
  std::string kind, device, worker, profile, journal;
  double seconds = 0;
  std::vector<std::string> ears{"right", "left"};
  std::vector<int> frequencies;
  int tone_ms = 0, gap_ms = 0;  // 0: the search's defaults (1 s tone, 1–3 s gaps)
  bool no_retest = false;
  // devices_cmd.cpp (serial/USB/simulated devices):
  std::string driver;  // acquire results: tm262 | gsi61 | vitalograph
  std::string devsim;  // sim: URIs: the simulator program (default: next to odyospiro)
  int manoeuvres = 0;  // acquire spiro: stop after this many manoeuvres (0: no limit)
  double temp_c = 20.0, pressure_kpa = 101.3, humidity_pct = 50.0;  // ambient, for BTPS
  bool ambient_given = false;  // false: the defaults above were assumed (said in the output)
  bool no_store = false;       // capture and journal only, store no exam
  // acquire spiro / recover: override [acquisition] of station.toml (< 0: the configured value).
  double store_retry_limit_s = -1;
  double device_return_timeout_s = -1;
  std::int64_t session = 0;  // acquire recover --session: the journal session to store
  // pcaudio_cmd.cpp (`acquire audio --device pc:…`): the ambient-noise check before the first
  // tone (station/pcaudio/ambient.hpp). Empty ambient_noise: no check.
  std::string ambient_noise;      // --ambient FILE.wav | pc:CAPTURE
  double mic_calibration_db = 0;  // --mic-calibration-db: dB SPL a full-scale sine reads
  bool mic_calibration_given = false;
  std::string ambient_override;  // --ambient-override REASON: test although a band is too loud
};

// search_params_from (the search's plan from --ears, --frequencies, --tone-ms, --gap-ms,
// --no-retest) and unstorable_plan (what a plan lacks for its exam to be stored) are the use
// case's: station/app/audiometry_session.hpp.

// `spiro syringe-check`: the daily 3-L syringe check of a spirometer (station/app/daily_checks):
// measured on the device (one stroke through the same capture path as a test) or, with
// --measured-l, the reading typed from the device's display.
struct SyringeCheckOptions {
  std::string device, profile, journal, devsim, note;
  std::optional<double> measured_l;  // typed reading; unset: measure on the device
  double sim_error_pct = 0;          // sim: devices only: the simulated stroke's volume error
  bool sim_error_given = false;
  double seconds = 30;  // give up waiting for the stroke after this long
};
// Defined in devices_cmd.cpp (it opens devices the way `acquire spiro` does).
int run_syringe_check(CliContext& ctx, const SyringeCheckOptions& o);

// `acquire audio --device pc:…`: the automated search on the computer-driven audiometer.
// Defined in pcaudio_cmd.cpp. Returns the process exit code.
int run_acquire_pc_audio(CliContext& ctx, const AcquireOptions& o);

}  // namespace odyo::station
