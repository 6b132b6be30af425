#include "station/cli/acquire_options.hpp"

#include <algorithm>
#include <chrono>

#include "analysis/core/error_text.hpp"

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
      return make_errorf("bad_ear", "--ears takes right and/or left, not '{}'", e);
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

std::optional<Error> unstorable_plan(const audiometry::SearchParams& plan,
                                     const std::vector<int>& speech_frequencies_hz) {
  for (audiometry::Ear e : {audiometry::Ear::right, audiometry::Ear::left}) {
    if (std::find(plan.ears.begin(), plan.ears.end(), e) == plan.ears.end())
      return make_errorf("bad_ears",
                         "the {} ear is not in --ears: a stored exam needs both ears (use "
                         "--no-store to test one ear without storing)",
                         std::string(audiometry::to_string(e)));
  }
  const auto& hi = plan.high_frequencies_hz;
  const auto& lo = plan.low_frequencies_hz;
  for (int f : speech_frequencies_hz) {
    if (std::find(hi.begin(), hi.end(), f) == hi.end() &&
        std::find(lo.begin(), lo.end(), f) == lo.end())
      return make_errorf("bad_frequencies",
                         "{} Hz is missing from --frequencies: the exam's speech-frequency "
                         "average ([audiometry].speech_frequencies_hz) needs it",
                         f);
  }
  return std::nullopt;
}

}  // namespace odyo::station
