// The simulated listener follows its psychometric model; the simulated audiometer checks its
// range. Empirical rates are compared with the model within 4 binomial standard deviations.
#include "acquisition/audiometry/simulated_listener.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace odyo::audiometry {
namespace {

using namespace std::chrono_literals;

ListenerModel model(double alpha, double gamma, double lambda) {
  ListenerModel m;
  m.true_threshold_db_hl[Ear::right][1000] = alpha;
  m.slope_per_db = 0.74;
  m.false_alarm_rate = gamma;
  m.lapse_rate = lambda;
  return m;
}

TEST(ListenerModel, PsychometricFunctionByHand) {
  const ListenerModel m = model(30.0, 0.1, 0.05);
  // At α: γ + (1 − γ − λ)/2 = 0.1 + 0.85/2 = 0.525
  EXPECT_NEAR(m.p_yes(Ear::right, 1000, 30.0), 0.525, 1e-12);
  // Far above: 1 − λ = 0.95; far below: γ = 0.1
  EXPECT_NEAR(m.p_yes(Ear::right, 1000, 200.0), 0.95, 1e-9);
  EXPECT_NEAR(m.p_yes(Ear::right, 1000, -100.0), 0.1, 1e-9);
  // 4 dB above α with β = 0.74: F = 1/(1+e^−2.96) = 0.9507 → 0.1 + 0.85 × 0.9507 = 0.9081
  EXPECT_NEAR(m.p_yes(Ear::right, 1000, 34.0), 0.1 + 0.85 / (1.0 + std::exp(-2.96)), 1e-12);
  // A frequency without a threshold is never heard; only false alarms remain.
  EXPECT_NEAR(m.p_yes(Ear::left, 1000, 120.0), 0.1, 1e-12);
}

double yes_rate(const ListenerModel& m, double level, int n, std::uint64_t seed) {
  SimulatedAudiometer dev(m, seed);
  EXPECT_TRUE(dev.set_frequency(1000).ok());
  EXPECT_TRUE(dev.set_level(static_cast<int>(level)).ok());
  int yes = 0;
  for (int i = 0; i < n; ++i) {
    auto onset = dev.present(1000ms);
    // The response window the model's γ refers to (false_alarm_window = 2 s).
    auto ev = dev.collect_responses(*onset + m.false_alarm_window);
    yes += ev->empty() ? 0 : 1;
  }
  return static_cast<double>(yes) / n;
}

TEST(SimulatedAudiometer, EmpiricalYesRateMatchesTheModel) {
  const int n = 4000;
  const ListenerModel m = model(30.0, 0.1, 0.05);
  for (double level : {20.0, 30.0, 40.0}) {
    const double p = m.p_yes(Ear::right, 1000, level);
    const double sd = std::sqrt(p * (1 - p) / n);
    EXPECT_NEAR(yes_rate(m, level, n, 3), p, 4 * sd) << level;
  }
}

TEST(SimulatedAudiometer, FalseAlarmsInSilenceHaveRateGamma) {
  const ListenerModel m = model(30.0, 0.2, 0.0);
  SimulatedAudiometer dev(m, 9);
  const int n = 4000;
  int windows_with_press = 0;
  for (int i = 0; i < n; ++i) {
    auto ev = dev.collect_responses(dev.now() + m.false_alarm_window);
    windows_with_press += ev->empty() ? 0 : 1;
  }
  const double sd = std::sqrt(0.2 * 0.8 / n);
  EXPECT_NEAR(static_cast<double>(windows_with_press) / n, 0.2, 4 * sd);
}

TEST(SimulatedAudiometer, DeterministicForASeed) {
  const ListenerModel m = model(30.0, 0.1, 0.05);
  EXPECT_EQ(yes_rate(m, 30.0, 500, 17), yes_rate(m, 30.0, 500, 17));
  SeededRandom a(5), b(5);
  const auto la = random_listener(a), lb = random_listener(b);
  EXPECT_EQ(la.model.true_threshold_db_hl, lb.model.true_threshold_db_hl);
  EXPECT_EQ(la.model.false_alarm_rate, lb.model.false_alarm_rate);
}

TEST(SimulatedAudiometer, RejectsLevelsBeyondItsRange) {
  SimulatedAudiometer dev(model(30.0, 0.0, 0.0), 1);
  dev.set_max_at(8000, 100);
  ASSERT_TRUE(dev.set_frequency(8000).ok());
  EXPECT_TRUE(dev.set_level(100).ok());
  auto r = dev.set_level(105);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "level_out_of_range");
  EXPECT_EQ(dev.set_frequency(20000).error().code, "unsupported_frequency");
  EXPECT_EQ(dev.set_transducer(Transducer::bone).error().code, "unsupported");
}

}  // namespace
}  // namespace odyo::audiometry
