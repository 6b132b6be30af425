// SampleClock: sample time from the device index fitted to arrival times.
// Tolerance: one sample period at 1 kHz (1 ms) — an error below one period cannot reorder
// samples or shift an ATS/ERS time index (FEV1 at 1 s) by more than one sample.
#include <gtest/gtest.h>

#include <random>

#include "acquisition/clock/sample_clock.hpp"

using odyo::acquisition::SampleClock;
using namespace std::chrono;

namespace {
SampleClock::Clock::time_point at(double s) {
  return SampleClock::Clock::time_point{} +
         duration_cast<SampleClock::Clock::duration>(duration<double>(s));
}
double secs(SampleClock::Clock::time_point t) {
  return duration<double>(t.time_since_epoch()).count();
}
}  // namespace

// A device crystal 80 ppm fast (1000.08 Hz), frames of 5 samples, arrivals delayed by an
// exponential transport delay (mean 2 ms, seed printed) plus a fixed 1 ms: the fitted time of a
// sample must be within 1 ms of its true time (true time = 100 s + index / 1000.08).
TEST(SampleClock, FollowsDriftAndIgnoresTransportDelay) {
  const double true_rate = 1000.08, t_start = 100.0;
  const unsigned seed = 12345;
  std::mt19937 rng(seed);
  std::exponential_distribution<double> delay(1.0 / 0.002);
  SampleClock clock(1000.0);
  for (std::int64_t frame = 0; frame < 6000; ++frame) {  // 30 s
    const std::int64_t last = frame * 5 + 4;
    clock.observe(last, at(t_start + static_cast<double>(last) / true_rate + 0.001 + delay(rng)));
  }
  for (std::int64_t i : {20000, 25000, 29999}) {
    const double truth = t_start + static_cast<double>(i) / true_rate;
    EXPECT_NEAR(secs(clock.time_of(i)), truth + 0.001, 0.001) << "index " << i << " seed " << seed;
  }
  EXPECT_NEAR(clock.fitted_rate_hz(), true_rate, 0.05) << "seed " << seed;
}

// Before two seconds of data the nominal rate is used (a slope from a short span is noise).
TEST(SampleClock, UsesNominalRateUntilEnoughSpan) {
  SampleClock clock(1000.0);
  clock.observe(4, at(1.0));
  clock.observe(9, at(1.0071));  // late arrival: must not bend the rate
  EXPECT_DOUBLE_EQ(clock.fitted_rate_hz(), 1000.0);
  // Offset from the least-delayed observation: sample 4 at 1.000 s, so sample 9 at 1.005 s.
  EXPECT_NEAR(secs(clock.time_of(9)), 1.005, 1e-9);
}

// A stall (a burst of late frames) does not pull the lower envelope later.
TEST(SampleClock, LateBurstDoesNotMoveTimes) {
  SampleClock clock(1000.0);
  for (std::int64_t f = 0; f < 400; ++f)
    clock.observe(f * 5 + 4, at(static_cast<double>(f * 5 + 4) / 1000.0));
  for (std::int64_t f = 400; f < 420; ++f)
    clock.observe(f * 5 + 4, at(2.2));  // all arrive at once, late
  EXPECT_NEAR(secs(clock.time_of(2099)), 2.099, 0.001);
}
