#pragma once
// Deterministic random numbers for the threshold search (inter-stimulus intervals, catch trials)
// and the simulated listener. std::mt19937_64 is fully specified by the C++ standard; the
// distributions below are written out (std::*_distribution are implementation-defined), so a
// seed gives the same run on every platform. Not thread-safe: one instance per user.

#include <cmath>
#include <cstdint>
#include <numbers>
#include <random>

namespace odyo::audiometry {

class SeededRandom {
 public:
  explicit SeededRandom(std::uint64_t seed) : engine_(seed) {}

  // Uniform in [0, 1).
  double uniform() {
    return static_cast<double>(engine_() >> 11) * 0x1.0p-53;  // 53 random mantissa bits
  }
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  bool bernoulli(double p) { return uniform() < p; }
  // Standard normal (Box–Muller; the second value is discarded for simplicity).
  double normal(double mean, double sd) {
    double u1 = uniform();
    while (u1 <= 0.0) u1 = uniform();
    const double u2 = uniform();
    return mean + sd * std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
  }
  // Exponential with the given rate (events per unit).
  double exponential(double rate) {
    double u = uniform();
    while (u <= 0.0) u = uniform();
    return -std::log(u) / rate;
  }
  std::uint64_t next_u64() { return engine_(); }

 private:
  std::mt19937_64 engine_;
};

}  // namespace odyo::audiometry
