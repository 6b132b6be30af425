#include "acquisition/audiometry/search_runner.hpp"

#include <algorithm>
#include <set>

namespace odyo::audiometry {

Result<void> apply_device_limits(SearchParams& params, const AudiometerControl& device) {
  std::set<int> hz(params.high_frequencies_hz.begin(), params.high_frequencies_hz.end());
  hz.insert(params.low_frequencies_hz.begin(), params.low_frequencies_hz.end());
  for (int f : hz) {
    auto r = device.level_range(f, Transducer::air);
    if (!r) return r.error();
    params.range_at_hz[f] = *r;
  }
  return {};
}

Result<void> run_search(ThresholdSearch& search, AudiometerControl& device, std::stop_token stop,
                        const PresentationObserver& observe) {
  auto fail = [&](const Error& e) -> Result<void> {
    (void)device.stop_tone();  // best effort: never leave a tone on
    search.pause();
    return e;
  };
  const auto min_reaction = search.params().min_reaction;
  while (auto p = search.next()) {
    if (stop.stop_requested()) {
      search.pause();
      return {};
    }
    // Silent gap before the presentation: any press is a false alarm.
    auto gap = device.collect_responses(device.now() + p->gap_before);
    if (!gap) return fail(gap.error());
    search.record_gap(static_cast<int>(gap->size()));

    AudioTime onset{};
    if (p->catch_trial) {
      onset = device.now();  // a silent window of the same length as a tone's
    } else {
      if (auto r = device.set_ear(p->ear); !r) return fail(r.error());
      if (auto r = device.set_frequency(p->frequency_hz); !r) return fail(r.error());
      if (auto r = device.set_level(p->level_db_hl); !r) return fail(r.error());
      auto on = device.present(p->tone_duration);
      if (!on) return fail(on.error());
      onset = *on;
    }
    auto events = device.collect_responses(onset + p->response_window);
    if (!events) return fail(events.error());
    int anticipations = 0;
    bool responded = false;
    for (const ResponseEvent& e : *events) {
      if (e.pressed < onset + min_reaction) {
        ++anticipations;
      } else {
        responded = true;
      }
    }
    // In a catch trial every press is a false alarm, anticipations included.
    if (p->catch_trial) responded = responded || anticipations > 0;
    const Presentation presented = *p;
    search.record_response(responded, anticipations);
    if (observe) observe(presented, responded);
  }
  return {};
}

}  // namespace odyo::audiometry
