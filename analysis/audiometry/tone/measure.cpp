#include "analysis/audiometry/tone/measure.hpp"

#include <cmath>
#include <numbers>
#include <vector>

namespace odyo::audiometry::tone {

double component_amplitude(ChannelView x, double frequency_hz, double sample_rate_hz) {
  const Eigen::Index n = x.size();
  if (n == 0) return 0.0;
  double re = 0.0;
  double im = 0.0;
  for (Eigen::Index i = 0; i < n; ++i) {
    const double cyc =
        std::fmod(frequency_hz * static_cast<double>(i), sample_rate_hz) / sample_rate_hz;
    const double ph = 2.0 * std::numbers::pi * cyc;
    re += x(i) * std::cos(ph);
    im -= x(i) * std::sin(ph);
  }
  return 2.0 * std::hypot(re, im) / static_cast<double>(n);
}

Result<double> estimate_frequency_hz(ChannelView x, double sample_rate_hz) {
  std::optional<double> first;
  double last = 0.0;
  long crossings = 0;
  for (Eigen::Index i = 0; i + 1 < x.size(); ++i) {
    if (x(i) < 0.0 && x(i + 1) >= 0.0) {
      const double t = static_cast<double>(i) + (-x(i)) / (x(i + 1) - x(i));
      if (!first) first = t;
      last = t;
      ++crossings;
    }
  }
  if (crossings < 2 || !first || last <= *first)
    return make_error("no_tone", "fewer than two upward zero crossings: no tone to measure");
  return static_cast<double>(crossings - 1) * sample_rate_hz / (last - *first);
}

void envelope(ChannelView x, Eigen::Index window, Eigen::Ref<Eigen::VectorXd> out) {
  const Eigen::Index n = x.size();
  if (window < 1) window = 1;
  // Prefix sums of x² (double: a 10 s buffer of full-scale samples stays far from precision loss).
  std::vector<double> cum(static_cast<std::size_t>(n) + 1, 0.0);
  for (Eigen::Index i = 0; i < n; ++i) {
    const auto u = static_cast<std::size_t>(i);
    cum[u + 1] = cum[u] + x(i) * x(i);
  }
  const Eigen::Index half = window / 2;
  for (Eigen::Index i = 0; i < n; ++i) {
    const Eigen::Index a = std::max<Eigen::Index>(0, i - half);
    const Eigen::Index b = std::min<Eigen::Index>(n, a + window);
    const double mean = (cum[static_cast<std::size_t>(b)] - cum[static_cast<std::size_t>(a)]) /
                        static_cast<double>(window);
    out(i) = std::sqrt(std::max(0.0, 2.0 * mean));
  }
}

std::optional<double> crossing(const Eigen::Ref<const Eigen::VectorXd>& env, double level,
                               Eigen::Index from, bool rising) {
  for (Eigen::Index i = std::max<Eigen::Index>(from, 0); i + 1 < env.size(); ++i) {
    const double a = env(i);
    const double b = env(i + 1);
    const bool hit = rising ? (a < level && b >= level) : (a > level && b <= level);
    if (hit) return static_cast<double>(i) + (level - a) / (b - a);
  }
  return std::nullopt;
}

double max_abs_step(ChannelView x) {
  double m = 0.0;
  for (Eigen::Index i = 0; i + 1 < x.size(); ++i) m = std::max(m, std::abs(x(i + 1) - x(i)));
  return m;
}

double rms(ChannelView x) {
  if (x.size() == 0) return 0.0;
  return std::sqrt(x.squaredNorm() / static_cast<double>(x.size()));
}

double peak_abs(ChannelView x) {
  return x.size() == 0 ? 0.0 : x.cwiseAbs().maxCoeff();
}

double thd_ratio(ChannelView x, double frequency_hz, double sample_rate_hz, int harmonics) {
  const double a1 = component_amplitude(x, frequency_hz, sample_rate_hz);
  if (a1 <= 0.0) return 0.0;
  double sum = 0.0;
  for (int k = 2; k <= harmonics; ++k) {
    const double fk = frequency_hz * k;
    if (fk >= sample_rate_hz / 2.0) break;
    const double ak = component_amplitude(x, fk, sample_rate_hz);
    sum += ak * ak;
  }
  return std::sqrt(sum) / a1;
}

}  // namespace odyo::audiometry::tone
