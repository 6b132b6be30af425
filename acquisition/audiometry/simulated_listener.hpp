#pragma once
// A simulated listener and the simulated audiometer it sits behind, for tests, the demo and
// training. Deterministic for a seed; runs on a virtual clock (no sleeping).
//
// Listener model (the audiometry_trainer virtual listener, reference/audiometry/README.md §8):
//   P(yes | tone at x dB HL) = γ + (1 − γ − λ) / (1 + exp(β (α − x)))
// α true threshold per ear and frequency (dB HL, the 50 % point of the sensory curve), β slope
// per dB (β = 2·ln19 / w for a 5–95 % width w; w = 8 dB gives β ≈ 0.74), γ false-alarm
// probability per response-window-long silent interval, λ lapse probability per tone.
// False alarms are a Poisson process of spontaneous presses whose rate gives probability γ of at
// least one press in `false_alarm_window`, so they also fall in gaps and catch trials, as real
// ones do. A heard tone gives one press after a reaction time ~ N(mean, sd), at least 150 ms.
// Thread-safety: one thread.

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "acquisition/audiometry/audiometer_control.hpp"
#include "acquisition/audiometry/seeded_random.hpp"

namespace odyo::audiometry {

struct ListenerModel {
  std::map<Ear, std::map<int, double>> true_threshold_db_hl;  // α; a missing frequency is deaf
  double slope_per_db = 0.74;                                 // β
  double false_alarm_rate = 0.01;                             // γ
  double lapse_rate = 0.02;                                   // λ
  std::chrono::milliseconds false_alarm_window{2000};
  std::chrono::milliseconds reaction_mean{450};
  std::chrono::milliseconds reaction_sd{120};

  // Probability of a "yes" to a tone in a response window of `false_alarm_window`.
  [[nodiscard]] double p_yes(Ear e, int frequency_hz, double level_db_hl) const;
  [[nodiscard]] double true_threshold(Ear e, int frequency_hz) const;  // +inf if deaf
};

// Device side: an audiometer with a listener at its headphones.
class SimulatedAudiometer final : public AudiometerControl {
 public:
  SimulatedAudiometer(ListenerModel listener, std::uint64_t seed, LevelRange range = {});

  // Fault injection: the device "disconnects" at the n-th present() (1-based) and stays gone
  // until reconnect().
  void disconnect_at_presentation(int n) { disconnect_at_ = n; }
  void reconnect() {
    disconnected_ = false;
    disconnect_at_ = 0;
  }
  // Per-frequency maxima (e.g. TDH-39 at 8 kHz: 100 dB HL).
  void set_max_at(int frequency_hz, int max_db_hl) { max_at_[frequency_hz] = max_db_hl; }

  Result<void> set_ear(Ear ear) override;
  Result<void> set_frequency(int frequency_hz) override;
  Result<void> set_level(int level_db_hl) override;
  [[nodiscard]] Result<LevelRange> level_range(int frequency_hz,
                                               Transducer transducer) const override;
  Result<AudioTime> present(std::chrono::milliseconds duration) override;
  Result<void> stop_tone() override;
  Result<std::vector<ResponseEvent>> collect_responses(AudioTime until) override;
  [[nodiscard]] AudioTime now() const override { return now_; }

  [[nodiscard]] int tones_presented() const { return tones_; }
  [[nodiscard]] const ListenerModel& listener() const { return listener_; }
  [[nodiscard]] bool tone_on() const { return tone_until_ > now_; }

 private:
  Result<void> check_connected();
  void schedule_spontaneous_from(AudioTime t);

  ListenerModel listener_;
  SeededRandom rng_;
  LevelRange range_;
  std::map<int, int> max_at_;
  AudioTime now_{};
  AudioTime tone_until_{};
  Ear ear_ = Ear::right;
  int frequency_hz_ = 1000;
  int level_db_hl_ = 0;
  int tones_ = 0;
  int disconnect_at_ = 0;
  bool disconnected_ = false;
  double spontaneous_rate_per_s_ = 0.0;
  AudioTime next_spontaneous_{};
  std::vector<AudioTime> pending_presses_;  // tone-driven presses not yet collected
};

// A random ear population for simulations (docs/audiometry-validation.md describes it).
struct PopulationListener {
  ListenerModel model;
  bool unreliable = false;  // drawn from the high-false-alarm group
};
PopulationListener random_listener(SeededRandom& rng, double unreliable_fraction = 0.1);

}  // namespace odyo::audiometry
