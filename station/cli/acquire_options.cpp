#include "station/cli/acquire_options.hpp"

#include <chrono>

namespace odyo::station {

Result<audiometry::SearchParams> search_params_from(const std::vector<std::string>& ears,
                                                    const std::vector<int>& frequencies_hz,
                                                    int tone_ms, int gap_ms, bool no_retest) {
  audiometry::SearchParams params;
  params.ears.clear();
  for (const auto& e : ears) {
    if (e == "right") {
      params.ears.push_back(audiometry::Ear::right);
    } else if (e == "left") {
      params.ears.push_back(audiometry::Ear::left);
    } else {
      return make_error("bad_ear", "--ears takes right and/or left, not '" + e + "'");
    }
  }
  if (params.ears.empty()) return make_error("bad_ear", "--ears names no ear");
  if (!frequencies_hz.empty()) {
    params.high_frequencies_hz.clear();
    params.low_frequencies_hz.clear();
    for (int f : frequencies_hz)
      (f >= 1000 ? params.high_frequencies_hz : params.low_frequencies_hz).push_back(f);
    if (params.high_frequencies_hz.empty() || params.high_frequencies_hz.front() != 1000)
      return make_error("bad_frequencies",
                        "--frequencies must start with 1000 Hz among those from 1000 Hz up (the "
                        "search starts there)");
  }
  if (tone_ms > 0) {
    params.tone_duration = std::chrono::milliseconds(tone_ms);
    params.response_window = std::chrono::milliseconds(tone_ms + 500);
  }
  if (gap_ms > 0) {
    params.gap_min = std::chrono::milliseconds(gap_ms);
    params.gap_max = std::chrono::milliseconds(gap_ms * 2);
  }
  if (no_retest) params.retest_1k = false;
  return params;
}

}  // namespace odyo::station
