#include "acquisition/audiometry/simulated_listener.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "analysis/core/error_text.hpp"

namespace odyo::audiometry {

namespace {
using std::chrono::duration_cast;
using std::chrono::milliseconds;
using std::chrono::nanoseconds;

AudioTime::duration seconds_to_duration(double s) {
  return duration_cast<AudioTime::duration>(std::chrono::duration<double>(s));
}
}  // namespace

double ListenerModel::true_threshold(Ear e, int frequency_hz) const {
  auto ear = true_threshold_db_hl.find(e);
  if (ear == true_threshold_db_hl.end()) return std::numeric_limits<double>::infinity();
  auto it = ear->second.find(frequency_hz);
  return it == ear->second.end() ? std::numeric_limits<double>::infinity() : it->second;
}

double ListenerModel::p_yes(Ear e, int frequency_hz, double level_db_hl) const {
  const double alpha = true_threshold(e, frequency_hz);
  const double sensory =
      std::isinf(alpha) ? 0.0 : 1.0 / (1.0 + std::exp(slope_per_db * (alpha - level_db_hl)));
  return false_alarm_rate + (1.0 - false_alarm_rate - lapse_rate) * sensory;
}

SimulatedAudiometer::SimulatedAudiometer(ListenerModel listener, std::uint64_t seed,
                                         LevelRange range)
    : listener_(std::move(listener)), rng_(seed), range_(range) {
  // Start the virtual clock well away from zero so that time differences are never negative.
  now_ = AudioTime{} + std::chrono::hours(1);
  const double window_s = std::chrono::duration<double>(listener_.false_alarm_window).count();
  const double g = std::clamp(listener_.false_alarm_rate, 0.0, 0.999);
  spontaneous_rate_per_s_ = g <= 0.0 ? 0.0 : -std::log(1.0 - g) / window_s;
  schedule_spontaneous_from(now_);
}

void SimulatedAudiometer::schedule_spontaneous_from(AudioTime t) {
  if (spontaneous_rate_per_s_ <= 0.0) {
    next_spontaneous_ = AudioTime::max();
    return;
  }
  next_spontaneous_ = t + seconds_to_duration(rng_.exponential(spontaneous_rate_per_s_));
}

Result<void> SimulatedAudiometer::check_connected() {
  if (disconnected_) {
    return make_error("device_disconnected",
                      "the simulated audiometer is disconnected; reconnect it and resume");
  }
  return {};
}

Result<void> SimulatedAudiometer::set_ear(Ear ear) {
  if (auto c = check_connected(); !c) return c;
  ear_ = ear;
  return {};
}

Result<void> SimulatedAudiometer::set_frequency(int frequency_hz) {
  if (auto c = check_connected(); !c) return c;
  if (frequency_hz < 125 || frequency_hz > 16000) {
    return make_errorf("unsupported_frequency",
                       "the simulated audiometer plays 125–16000 Hz, not {} Hz", frequency_hz);
  }
  frequency_hz_ = frequency_hz;
  return {};
}

Result<LevelRange> SimulatedAudiometer::level_range(int frequency_hz, Transducer transducer) const {
  if (transducer != Transducer::air) {
    return make_error("unsupported", "the simulated audiometer has air conduction only");
  }
  if (frequency_hz < 125 || frequency_hz > 16000) {
    return make_errorf("unsupported_frequency",
                       "the simulated audiometer plays 125–16000 Hz, not {} Hz", frequency_hz);
  }
  LevelRange r = range_;
  if (auto it = max_at_.find(frequency_hz); it != max_at_.end()) {
    r.max_db_hl = std::min(r.max_db_hl, it->second);
  }
  return r;
}

Result<void> SimulatedAudiometer::set_level(int level_db_hl) {
  if (auto c = check_connected(); !c) return c;
  auto r = level_range(frequency_hz_, Transducer::air);
  if (!r) return r.error();
  if (level_db_hl < r->min_db_hl || level_db_hl > r->max_db_hl) {
    return make_errorf("level_out_of_range", "{} dB HL is beyond {}…{} dB HL at {} Hz", level_db_hl,
                       r->min_db_hl, r->max_db_hl, frequency_hz_);
  }
  level_db_hl_ = level_db_hl;
  return {};
}

Result<AudioTime> SimulatedAudiometer::present(std::chrono::milliseconds duration) {
  if (disconnect_at_ > 0 && tones_ + 1 >= disconnect_at_) disconnected_ = true;
  if (auto c = check_connected(); !c) return c.error();
  ++tones_;
  const AudioTime onset = now_;
  tone_until_ = onset + duration;
  // Tone-driven response: probability q so that, together with the spontaneous presses
  // (probability γ in a window), P(yes) is the model's γ + (1 − γ − λ)·F.
  const double g = listener_.false_alarm_rate;
  const double p = listener_.p_yes(ear_, frequency_hz_, level_db_hl_);
  const double q = g >= 1.0 ? 0.0 : std::clamp((p - g) / (1.0 - g), 0.0, 1.0);
  if (rng_.bernoulli(q)) {
    const double rt_ms =
        std::max(150.0, rng_.normal(static_cast<double>(listener_.reaction_mean.count()),
                                    static_cast<double>(listener_.reaction_sd.count())));
    pending_presses_.push_back(onset + duration_cast<AudioTime::duration>(
                                           std::chrono::duration<double, std::milli>(rt_ms)));
  }
  return onset;
}

Result<void> SimulatedAudiometer::stop_tone() {
  tone_until_ = now_;
  return {};
}

Result<std::vector<ResponseEvent>> SimulatedAudiometer::collect_responses(AudioTime until) {
  if (auto c = check_connected(); !c) return c.error();
  std::vector<ResponseEvent> out;
  if (until < now_) until = now_;
  while (next_spontaneous_ < until) {
    out.push_back({next_spontaneous_, next_spontaneous_ + milliseconds(200)});
    schedule_spontaneous_from(next_spontaneous_);
  }
  auto due = std::partition(pending_presses_.begin(), pending_presses_.end(),
                            [until](AudioTime t) { return t >= until; });
  for (auto it = due; it != pending_presses_.end(); ++it) {
    out.push_back({*it, *it + milliseconds(200)});
  }
  pending_presses_.erase(due, pending_presses_.end());
  std::sort(out.begin(), out.end(),
            [](const ResponseEvent& a, const ResponseEvent& b) { return a.pressed < b.pressed; });
  for (auto& e : out) {
    if (e.released && *e.released > until) e.released.reset();
  }
  now_ = until;
  return out;
}

PopulationListener random_listener(SeededRandom& rng, double unreliable_fraction) {
  static constexpr int kHz[] = {250, 500, 1000, 2000, 3000, 4000, 6000, 8000};
  PopulationListener pl;
  ListenerModel& m = pl.model;
  const double kind = rng.uniform();
  const double asym = rng.bernoulli(0.1) ? rng.uniform(10.0, 30.0) : 0.0;
  const Ear worse = rng.bernoulli(0.5) ? Ear::right : Ear::left;
  // Shape parameters shared by both ears.
  const double base = rng.uniform(-5.0, 15.0);
  const double notch_depth = rng.uniform(20.0, 50.0);
  const double slope_per_octave = rng.uniform(5.0, 15.0);
  const double flat = rng.uniform(30.0, 70.0);
  const double severe = rng.uniform(70.0, 105.0);
  for (Ear e : {Ear::right, Ear::left}) {
    for (int hz : kHz) {
      const double octaves_above_500 = std::log2(hz / 500.0);
      double t = base;
      if (kind < 0.40) {  // normal hearing
        t = base;
      } else if (kind < 0.65) {  // noise-induced: notch at 3–6 kHz, centre 4 kHz, partial recovery
        const double w = hz == 4000                   ? 1.0
                         : (hz == 3000 || hz == 6000) ? 0.6
                         : hz == 8000                 ? 0.3
                                                      : 0.0;
        t = base + notch_depth * w;
      } else if (kind < 0.80) {  // presbycusis: sloping
        t = base + 5.0 + slope_per_octave * std::max(0.0, octaves_above_500);
      } else if (kind < 0.95) {  // flat loss
        t = flat;
      } else {  // severe to profound, worse at high frequencies (some beyond the audiometer)
        t = severe + 5.0 * std::max(0.0, octaves_above_500);
      }
      t += rng.normal(0.0, 3.0);
      if (e == worse) t += asym;
      m.true_threshold_db_hl[e][hz] = std::max(t, -5.0);
    }
  }
  const double width_db = rng.uniform(5.0, 12.0);  // 5–95 % width of the sensory curve
  m.slope_per_db = 2.0 * std::log(19.0) / width_db;
  m.lapse_rate = rng.uniform(0.0, 0.05);
  pl.unreliable = rng.bernoulli(unreliable_fraction);
  m.false_alarm_rate = pl.unreliable ? rng.uniform(0.20, 0.40) : rng.uniform(0.0, 0.05);
  m.reaction_mean = std::chrono::milliseconds(static_cast<long long>(rng.uniform(300.0, 700.0)));
  return pl;
}

}  // namespace odyo::audiometry
