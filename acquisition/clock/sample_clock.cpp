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
    // Least squares slope, centred for numerical stability.
    double mi = 0, mt = 0;
    for (const auto& o : obs_) {
      mi += static_cast<double>(o.index);
      mt += o.t_s;
    }
    mi /= static_cast<double>(n);
    mt /= static_cast<double>(n);
    double sxy = 0, sxx = 0;
    for (const auto& o : obs_) {
      const double di = static_cast<double>(o.index) - mi;
      sxy += di * (o.t_s - mt);
      sxx += di * di;
    }
    const double slope = sxy / sxx;
    // Accept only a plausible slope (within 5 % of nominal): a burst of late frames after a
    // stall must not bend the clock; the nominal rate is the fallback.
    const double nominal = 1.0 / nominal_rate_hz_;
    if (std::isfinite(slope) && std::abs(slope - nominal) < 0.05 * nominal) period_s_ = slope;
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
