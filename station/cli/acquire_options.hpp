// The options of `odyospiro acquire spiro|audio`, shared by the device kinds that answer them:
// devices_cmd.cpp runs serial/USB/simulated devices, pcaudio_cmd.cpp runs the computer-driven
// audiometer (`--device pc:…`).
#pragma once

#include <string>
#include <vector>

namespace odyo::station {

class CliContext;

struct AcquireOptions {
  std::string kind, device, worker, profile, journal;
  double seconds = 0;
  std::vector<std::string> ears{"right", "left"};
  std::vector<int> frequencies;
  int tone_ms = 0, gap_ms = 0;  // 0: the search's defaults (1 s tone, 1–3 s gaps)
  bool no_retest = false;
};

// `acquire audio --device pc:…`: the automated search on the computer-driven audiometer.
// Defined in pcaudio_cmd.cpp. Returns the process exit code.
int run_acquire_pc_audio(CliContext& ctx, const AcquireOptions& o);

}  // namespace odyo::station
