#pragma once
// The small loop that runs a ThresholdSearch against an AudiometerControl: silent gap (presses
// counted as false alarms), then the tone (or a catch trial's silent window), then the
// responses in the window. Timing comes from the device's AudioClock.
//
// On a device error the tone is switched off, the search is paused (every finished threshold is
// kept) and the error is returned: fix the device, call search.resume() and run again.
// A stop request pauses the search the same way. Thread-safety: call from one thread; the
// stop_token may be signalled from another.

#include <functional>
#include <stop_token>

#include "acquisition/audiometry/audiometer_control.hpp"
#include "acquisition/audiometry/threshold_search.hpp"
#include "analysis/core/result.hpp"

namespace odyo::audiometry {

// Fills params.range_at_hz from the device for every planned frequency. Error if the device
// cannot play one of them.
Result<void> apply_device_limits(SearchParams& params, const AudiometerControl& device);

// Called after each presentation has been recorded (the search's result already counts it):
// what was presented and whether a valid response came. For progress shown as the search runs
// (station/app/audiometry_session); called on the thread running the search.
using PresentationObserver = std::function<void(const Presentation&, bool responded)>;

// Runs until the search finishes or aborts (ok), is paused by `stop` (ok; state paused), or the
// device fails (error; state paused).
Result<void> run_search(ThresholdSearch& search, AudiometerControl& device,
                        std::stop_token stop = {}, const PresentationObserver& observe = {});

}  // namespace odyo::audiometry
