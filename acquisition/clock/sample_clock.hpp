#pragma once
// SampleClock: the time of a sample comes from the device's sample index, fitted to arrival
// times (DESIGN.md; liblsl's time_postprocessor does the same job).
//
// Model: t(i) = t0 + i * period. Arrival = true time + a non-negative transport delay (USB/serial
// buffering, scheduler). So:
//  - the period is the slope through the lower envelope of arrival vs index over a sliding window
//    (the least-delayed arrival of each half of the window; the device crystal's drift is followed
//    because the window slides; a burst of late arrivals does not bend it), and
//  - the offset is the LOWER envelope: the smallest (arrival - i * period) in the window, i.e. the
//    least-delayed arrival, not the mean (a mean offset would carry the average queueing delay).
// Until two observations exist the nominal period is used.
//
// Thread-safety: one thread (the session's consumer).

#include <chrono>
#include <cstdint>
#include <deque>

namespace odyo::acquisition {

class SampleClock {
 public:
  using Clock = std::chrono::steady_clock;

  // window: how many observations (one per received frame/chunk) the fit uses.
  explicit SampleClock(double nominal_rate_hz, std::size_t window = 2000);

  // One observation: the highest sample index contained in a read, and when the read completed.
  void observe(std::int64_t sample_index, Clock::time_point arrival);

  // Fitted time of a sample index.
  [[nodiscard]] Clock::time_point time_of(std::int64_t sample_index) const;
  [[nodiscard]] double fitted_rate_hz() const { return 1.0 / period_s_; }
  [[nodiscard]] double nominal_rate_hz() const { return nominal_rate_hz_; }
  [[nodiscard]] std::size_t observations() const { return obs_.size(); }

 private:
  void refit();

  struct Obs {
    std::int64_t index;
    double t_s;  // seconds since origin_
  };
  double nominal_rate_hz_;
  std::size_t window_;
  std::deque<Obs> obs_;
  Clock::time_point origin_{};
  bool have_origin_ = false;
  double period_s_;
  double offset_s_ = 0.0;  // t(i) = origin_ + offset_s_ + i * period_s_
  std::size_t since_refit_ = 0;
};

}  // namespace odyo::acquisition
