#include "acquisition/clock/sample_clock.hpp"

#include <cmath>
#include <limits>

namespace odyo::acquisition {

SampleClock::SampleClock(double nominal_rate_hz, std::size_t window)
    : nominal_rate_hz_(nominal_rate_hz),
      window_(window < 2 ? 2 : window),
      period_s_(1.0 / nominal_rate_hz) {}

void SampleClock::observe(std::int64_t sample_index, Clock::time_point arrival) {
  if (!have_origin_) {
    origin_ = arrival;
    have_origin_ = true;
  }
  const double t = std::chrono::duration<double>(arrival - origin_).count();
  obs_.push_back({sample_index, t});
  if (obs_.size() > window_) obs_.pop_front();
  // Refitting every observation costs O(window); every 16th keeps it cheap and the offset (the
  // part that matters most) is tightened on every observation below.
  if (++since_refit_ >= 16 || obs_.size() < 32) {
    refit();
    since_refit_ = 0;
  } else {
    const double resid = t - static_cast<double>(sample_index) * period_s_;
    if (resid < offset_s_) offset_s_ = resid;
  }
}

void SampleClock::refit() {
  const std::size_t n = obs_.size();
  // The slope is trusted only once the window spans kMinFitSpanS of device time: over a shorter
  // span, transport jitter (~1 ms) moves a fitted slope by more than a crystal's drift (< 100 ppm).
  constexpr double kMinFitSpanS = 2.0;
  const double span_s =
      n >= 2 ? static_cast<double>(obs_.back().index - obs_.front().index) / nominal_rate_hz_ : 0.0;
  if (n >= 2 && span_s >= kMinFitSpanS) {
    // Slope through the lower envelope: the least-delayed observation of the first half of the
    // window and of the second half. Least squares over all points would be bent by a burst of
    // late arrivals (a stall); the minima are not.
    const double nominal = 1.0 / nominal_rate_hz_;
    auto least_delayed = [&](std::size_t from, std::size_t to) {
      std::size_t best = from;
      for (std::size_t k = from; k < to; ++k)
        if (obs_[k].t_s - static_cast<double>(obs_[k].index) * nominal <
            obs_[best].t_s - static_cast<double>(obs_[best].index) * nominal)
          best = k;
      return obs_[best];
    };
    const Obs a = least_delayed(0, n / 2);
    const Obs b = least_delayed(n / 2, n);
    const double slope =
        b.index != a.index ? (b.t_s - a.t_s) / static_cast<double>(b.index - a.index) : nominal;
    // Accept only a plausible slope (within 1 % of nominal; crystals are within 0.01 %).
    if (std::isfinite(slope) && std::abs(slope - nominal) < 0.01 * nominal) period_s_ = slope;
  }
  double lo = std::numeric_limits<double>::infinity();
  for (const auto& o : obs_) lo = std::min(lo, o.t_s - static_cast<double>(o.index) * period_s_);
  offset_s_ = lo;
}

SampleClock::Clock::time_point SampleClock::time_of(std::int64_t sample_index) const {
  const double t = offset_s_ + static_cast<double>(sample_index) * period_s_;
  return origin_ + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(t));
}

}  // namespace odyo::acquisition
