#pragma once
// Synthetic forced manoeuvres for the spirometry tests: flow is piecewise linear between knots
// that fall on sample times, so every volume has an exact closed form (triangle and trapezoid
// areas) that the tests work out independently of the analysis code.
//
// Shape (times in s, flows in L/s; `body` scales the middle of the blow):
//   [pre-inspiration 1.5 s] rest → ramp to PEF → 3·body (0.5 s) → 0.5·body (1.5 s)
//   → tail_start (mid_s) → tail_end (tail_s) [→ 0 in 1 ms] → rest → [FIVC inspiration]
//   [→ extra breath]
// plus optional cough spike, glottic closure and zero offset.

#include <cmath>
#include <optional>
#include <utility>
#include <vector>

namespace synth {

struct Blow {
  double rate_hz = 1000.0;
  double pre_insp_l = 0.0;  // maximal inspiration before the blow (1.5 s), 0 = none
  double rest_s = 0.5;      // pause at zero flow before the blast
  double ramp_s = 0.04;     // rise to PEF
  double pef_lps = 8.0;
  double body = 1.0;
  double mid_s = 2.0;
  double tail_start_lps = 0.048;
  double tail_s = 1.0;
  double tail_end_lps = 0.0;
  double post_rest_s = 1.0;
  double fivc_l = 0.0;                       // inspiration after the blow (2 s triangle), 0 = none
  double extra_breath_l = 0.0;               // after the FIVC/rest: 0.3 L in, then this much out
  double offset_lps = 0.0;                   // zero-flow fault
  std::optional<double> cough_after_t0_s;    // 2 L/s triangular spike, 40 ms wide
  std::optional<double> closure_after_t0_s;  // flow drops to 0 and stays there

  // Knots (time, flow) of the undisturbed model.
  [[nodiscard]] std::vector<std::pair<double, double>> knots() const {
    std::vector<std::pair<double, double>> k{{0.0, 0.0}};
    auto seg = [&](double dur, double to) { k.emplace_back(k.back().first + dur, to); };
    if (pre_insp_l > 0) {
      const double peak = 2.0 * pre_insp_l / 1.5;
      seg(0.75, -peak);
      seg(0.75, 0.0);
    }
    seg(rest_s, 0.0);
    seg(ramp_s, pef_lps);
    seg(0.5, 3.0 * body);
    seg(1.5, 0.5 * body);
    seg(mid_s, tail_start_lps);
    seg(tail_s, tail_end_lps);
    if (tail_end_lps != 0.0) seg(0.001, 0.0);
    seg(post_rest_s, 0.0);
    if (fivc_l > 0) {
      seg(1.0, -fivc_l);
      seg(1.0, 0.0);
      seg(0.5, 0.0);
    }
    if (extra_breath_l > 0) {
      seg(0.3, -1.0);  // 0.3 L in
      seg(0.3, 0.0);
      const double peak = 2.0 * extra_breath_l / 0.6;
      seg(0.3, peak);
      seg(0.3, 0.0);
      seg(0.5, 0.0);
    }
    return k;
  }
  [[nodiscard]] double ramp_start_s() const { return (pre_insp_l > 0 ? 1.5 : 0.0) + rest_s; }
  // Time zero: tangent of slope PEF through the PEF point; the ramp's volume is PEF·ramp/2, so
  // t0 = t_PEF − ramp/2.
  [[nodiscard]] double t0_s() const { return ramp_start_s() + ramp_s / 2.0; }
  // BEV = volume at the middle of a linear ramp = (ramp/2)·(PEF/2)/2 = PEF·ramp/8.
  [[nodiscard]] double bev_l() const { return pef_lps * ramp_s / 8.0; }

  // Exact volume from the start of the blast to time t (record time), undisturbed model.
  [[nodiscard]] double volume_at(double t) const {
    const auto k = knots();
    const double t_start = ramp_start_s();
    double v = 0.0;
    for (std::size_t i = 1; i < k.size(); ++i) {
      double a = k[i - 1].first, b = k[i].first;
      if (b <= t_start) continue;
      if (a >= t) break;
      const double fa = k[i - 1].second, fb = k[i].second;
      const double lo = std::max(a, t_start), hi = std::min(b, t);
      auto flow = [&](double x) { return fa + (fb - fa) * (x - a) / (b - a); };
      v += (hi - lo) * (flow(lo) + flow(hi)) / 2.0;
    }
    return v;
  }
  // FVC of the undisturbed model: every expiratory area after the rest.
  [[nodiscard]] double fvc_l() const { return volume_at(end_of_expiration_s()); }
  [[nodiscard]] double end_of_expiration_s() const {
    return ramp_start_s() + ramp_s + 0.5 + 1.5 + mid_s + tail_s +
           (tail_end_lps != 0.0 ? 0.001 : 0.0);
  }
  [[nodiscard]] double fet_s() const { return end_of_expiration_s() - t0_s(); }

  [[nodiscard]] std::vector<double> samples() const {
    const auto k = knots();
    std::vector<double> f{k[0].second};
    for (std::size_t i = 1; i < k.size(); ++i) {
      const auto n = static_cast<int>(std::lround((k[i].first - k[i - 1].first) * rate_hz));
      for (int j = 1; j <= n; ++j)
        f.push_back(k[i - 1].second + (k[i].second - k[i - 1].second) * j / n);
    }
    const double t0 = t0_s();
    for (std::size_t i = 0; i < f.size(); ++i) {
      const double t = static_cast<double>(i) / rate_hz;
      if (cough_after_t0_s) {
        const double x = t - (t0 + *cough_after_t0_s);
        if (x > 0 && x < 0.04) f[i] += 2.0 * (1.0 - std::abs(x - 0.02) / 0.02);
      }
      if (closure_after_t0_s && t >= t0 + *closure_after_t0_s && t < end_of_expiration_s())
        f[i] = 0.0;
      f[i] += offset_lps;
    }
    return f;
  }
};

}  // namespace synth
