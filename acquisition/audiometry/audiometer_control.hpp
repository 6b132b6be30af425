#pragma once
// AudiometerControl: the narrow interface the automated threshold search drives. Implemented by
// the simulated audiometer + listener (acquisition/audiometry/simulated_listener.hpp), the Frye
// FIPP driver and the computer-driven (PC/ALSA) audiometer.
//
// drivers/ may not include acquisition/ or analysis/, so a device driver in drivers/ is wrapped by
// a thin adapter class in acquisition/ (e.g. acquisition/audiometry/fipp_control.cpp) that
// translates its driver errors into odyo::Error values.
//
// Contract:
// - Time: every time point (tone onset, button press/release) is on AudioClock
//   (std::chrono::steady_clock) — the same clock for onsets and responses, so reaction times are
//   plain differences. A device that stamps responses itself converts to AudioClock. The simulated
//   audiometer runs a virtual AudioClock that advances only in present()/collect_responses(), so a
//   test of 1000 ears runs in milliseconds.
// - Errors are values: every call returns odyo::Result. Codes the search loop understands:
//     "device_disconnected"   cable pulled / device gone  → the session pauses, results kept
//     "level_out_of_range"    level beyond the device range at this frequency/transducer
//     "unsupported_frequency" the device cannot play this frequency
//     "unsupported"           the feature (bone, masking) is not available on this device
//     "device_error"          anything else; the message says what and what to do
// - Levels are integer dB HL on the device's step (5 dB for the search); frequencies in Hz.
// - Threading: one instance is used by one thread at a time (the session's thread). Not
//   thread-safe; implementations may assume calls never overlap.
// - A tone is never left on: present() switches the tone off by itself after `duration`;
//   stop_tone() switches it off at once (pause/abort) and is a no-op when no tone is on.

#include <chrono>
#include <optional>
#include <vector>

#include "analysis/audiometry/types.hpp"
#include "analysis/core/result.hpp"

namespace odyo::audiometry {

using AudioClock = std::chrono::steady_clock;
using AudioTime = AudioClock::time_point;

// The levels an audiometer can produce at one frequency with one transducer.
struct LevelRange {
  int min_db_hl = -10;
  int max_db_hl = 120;
  int step_db = 5;
};

// One press of the response button (or the device's response line going active).
struct ResponseEvent {
  AudioTime pressed;
  std::optional<AudioTime> released;  // empty if still held when collected
};

class AudiometerControl {
 public:
  virtual ~AudiometerControl() = default;
  AudiometerControl() = default;
  AudiometerControl(const AudiometerControl&) = delete;
  AudiometerControl& operator=(const AudiometerControl&) = delete;

  // Routing and level of the next tone. They take effect for the next present(); an
  // implementation may send them to the device at once or with present().
  virtual Result<void> set_ear(Ear ear) = 0;
  virtual Result<void> set_frequency(int frequency_hz) = 0;
  virtual Result<void> set_level(int level_db_hl) = 0;

  // Air conduction is the default; devices without a bone conductor keep the default.
  virtual Result<void> set_transducer(Transducer transducer) {
    if (transducer == Transducer::air) return {};
    return make_error("unsupported", "this audiometer has no bone conductor; test air conduction");
  }
  // Narrow-band masking in the other ear (empty = masking off). Default: no masking available.
  virtual Result<void> set_masking(std::optional<int> masking_level_db_hl) {
    if (!masking_level_db_hl) return {};
    return make_error("unsupported", "this audiometer cannot mask; test without masking");
  }

  // Device range at a frequency (error "unsupported_frequency" if it cannot play it).
  [[nodiscard]] virtual Result<LevelRange> level_range(int frequency_hz,
                                                       Transducer transducer) const = 0;

  // Switches the tone on now (with the ear/frequency/level set before) for `duration`, after
  // which it goes off by itself. Returns the onset time on AudioClock. Does not wait for the
  // tone to end.
  virtual Result<AudioTime> present(std::chrono::milliseconds duration) = 0;

  // Switches any tone off at once. No-op if none is on.
  virtual Result<void> stop_tone() = 0;

  // Waits until `until` (AudioClock) and returns every response press that happened since the
  // previous call (or since construction), oldest first. A press held across `until` is
  // returned with an empty `released` and not returned again.
  virtual Result<std::vector<ResponseEvent>> collect_responses(AudioTime until) = 0;

  // Current time on AudioClock (a simulated device returns its virtual time).
  [[nodiscard]] virtual AudioTime now() const = 0;
};

}  // namespace odyo::audiometry
