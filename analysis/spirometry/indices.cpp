#include "analysis/spirometry/indices.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include <fmt/format.h>

#include "analysis/core/error_text.hpp"

namespace odyo::spirometry {
namespace {

// Water vapour pressure at body temperature, 37 °C: 47 mmHg = 6.27 kPa (ATS/ERS 2005).
constexpr double kPh2oBody_kpa = 6.27;
constexpr double kBodyTemperature_k = 310.15;
constexpr double kCelsiusToKelvin = 273.15;

// Zero-flow fault (ATS/ERS 2019 Table 7 row 2): a steady non-zero flow at rest. Station choices:
// a rest segment is ≥ 0.2 s of flow within ±0.2 L/s whose spread is below 0.005 L/s; an offset
// above 0.010 L/s (0.15 L over a 15 s manoeuvre) is a fault.
constexpr double kRestFlowBand_lps = 0.2;
constexpr double kRestMinDuration_s = 0.2;
constexpr double kRestMaxSpread_lps = 0.005;
constexpr double kTailWindow_s = 1.0;
constexpr double kTailMaxSpread_lps = 0.002;
// Cough: a secondary rise of flow after PEF by at least max(0.3 L/s, 10 % PEF). Station choice;
// ATS/ERS 2019 describes the cough but gives no number.
constexpr double kCoughMinRise_lps = 0.3;
constexpr double kCoughRiseFractionOfPef = 0.10;
// Abrupt stop (glottic closure): flow falls from ≥ 0.5 L/s to ≤ 0.05 L/s within 50 ms. Station
// choice: a natural end decays over seconds.
constexpr double kStopFromFlow_lps = 0.5;
constexpr double kStopToFlow_lps = 0.05;
constexpr double kStopWindow_s = 0.05;
// An inspiration before the blow counts (for hesitation time) from 0.25 L.
constexpr double kMinPreInspiration_l = 0.25;
constexpr double kMinFivc_l = 0.05;

// Saturated water vapour pressure (kPa), Buck (1981) equation; 20 °C → 2.338 kPa.
double saturated_vapour_kpa(double t_c) {
  return 0.61121 * std::exp((18.678 - t_c / 234.5) * (t_c / (257.14 + t_c)));
}

}  // namespace

Result<double> btps_factor(BtpsStrategy strategy, const Ambient& a) {
  if (strategy == BtpsStrategy::kDeviceReportsBtps) return 1.0;
  if (!std::isfinite(a.temperature_c) || a.temperature_c < 0.0 || a.temperature_c > 40.0)
    return make_errorf("ambient_out_of_range",
                       "Ambient temperature {} °C is outside 0–40 °C: check the room thermometer "
                       "entry.",
                       fmt::format("{:.1f}", a.temperature_c));
  if (!std::isfinite(a.pressure_kpa) || a.pressure_kpa < 60.0 || a.pressure_kpa > 110.0)
    return make_errorf("ambient_out_of_range",
                       "Barometric pressure {} kPa is outside 60–110 kPa: enter it in kPa "
                       "(1013 hPa = 101.3 kPa).",
                       fmt::format("{:.1f}", a.pressure_kpa));
  double rh = strategy == BtpsStrategy::kAmbientSaturated ? 1.0 : a.relative_humidity;
  if (!std::isfinite(rh) || rh < 0.0 || rh > 1.0)
    return make_errorf("ambient_out_of_range",
                       "Relative humidity {} is outside 0–1: enter a fraction (45 % = 0.45).",
                       fmt::format("{:.2f}", rh));
  const double ph2o = rh * saturated_vapour_kpa(a.temperature_c);
  return (a.pressure_kpa - ph2o) / (a.pressure_kpa - kPh2oBody_kpa) * kBodyTemperature_k /
         (kCelsiusToKelvin + a.temperature_c);
}

Result<Eigen::VectorXd> flow_from_volume(const Eigen::Ref<const Eigen::VectorXd>& v, double rate,
                                         double min_rate) {
  if (v.size() == 0)
    return make_error("empty_signal",
                      "The manoeuvre has no volume samples: record the blow again or check the "
                      "file.");
  if (!std::isfinite(rate) || rate < min_rate)
    return make_errorf("sample_rate_too_low",
                       "Sample rate {} Hz is below {} Hz, the minimum of ATS/ERS 2019: set the "
                       "device's real rate or use a spirometer that samples faster.",
                       fmt::format("{:.1f}", rate), fmt::format("{:.0f}", min_rate));
  if (!v.allFinite())
    return make_error("not_finite",
                      "A volume sample is not a number (NaN or infinite): the recording "
                      "is damaged; record the blow again.");
  Eigen::VectorXd f(v.size());
  f[0] = 0.0;
  const auto n = v.size();
  f.tail(n - 1) = (v.tail(n - 1) - v.head(n - 1)) * rate;
  return f;
}

Result<ManoeuvreIndices> analyse_manoeuvre(const Eigen::Ref<const Eigen::VectorXd>& flow_raw,
                                           const SignalSpec& spec, bool keep_curves) {
  const auto n = static_cast<std::size_t>(flow_raw.size());
  if (n == 0)
    return make_error("empty_signal",
                      "The manoeuvre has no flow samples: record the blow again or check the "
                      "file.");
  if (!std::isfinite(spec.sample_rate_hz) || spec.sample_rate_hz < spec.min_sample_rate_hz)
    return make_errorf("sample_rate_too_low",
                       "Sample rate {} Hz is below {} Hz, the minimum of ATS/ERS 2019: set the "
                       "device's real rate (--rate) or use a spirometer that samples faster.",
                       fmt::format("{:.1f}", spec.sample_rate_hz),
                       fmt::format("{:.0f}", spec.min_sample_rate_hz));
  if (!std::isfinite(spec.btps_factor) || spec.btps_factor < kMinBtpsFactor ||
      spec.btps_factor > kMaxBtpsFactor)
    return make_errorf("btps_out_of_range",
                       "BTPS factor {} is outside {}–1.2: use 1.0 for devices that report BTPS, "
                       "or the factor from ambient temperature and pressure (about 1.10).",
                       fmt::format("{:.3f}", spec.btps_factor),
                       fmt::format("{:.1f}", kMinBtpsFactor));
  const double rate = spec.sample_rate_hz;
  const double dt = 1.0 / rate;
  if (static_cast<double>(n) * dt < kMinRecordDuration_s)
    return make_errorf("signal_too_short",
                       "The manoeuvre lasts {} s ({} samples); at least 1 s is needed to measure "
                       "FEV1: record the whole blow.",
                       fmt::format("{:.3f}", static_cast<double>(n) * dt), n);
  const double btps = spec.btps_factor;
  auto f = [&](std::size_t k) { return btps * flow_raw[static_cast<Eigen::Index>(k)]; };

  // One pass over the samples: absolute volume from the record's first sample (trapezoid rule,
  // V_k = c·(2·S_k − r_0 − r_k) with S_k the prefix sum of the raw flow and c = btps·dt/2), the
  // highest and lowest flow, and finiteness (a NaN or infinity makes the sum non-finite). The
  // prefix sum runs in blocks of four so that the carried sum is one addition per block: a plain
  // running sum, or Eigen's maxCoeff(&index), is one long dependency chain and dominated a
  // session's time (docs/performance.md).
  Eigen::VectorXd vol(static_cast<Eigen::Index>(n));
  double raw_max = flow_raw[0], raw_min = flow_raw[0];
  {
    const double* x = flow_raw.data();
    double* out = vol.data();
    const double c = 0.5 * dt * btps;
    const double r0 = x[0];
    double carry = 0.0;
    double mx0 = r0, mx1 = r0, mn0 = r0, mn1 = r0;
    std::size_t k = 0;
    for (; k + 4 <= n; k += 4) {
      const double x0 = x[k], x1 = x[k + 1], x2 = x[k + 2], x3 = x[k + 3];
      const double a1 = x0 + x1, a2 = a1 + x2, a3 = a2 + x3;
      out[k] = c * (2.0 * (carry + x0) - r0 - x0);
      out[k + 1] = c * (2.0 * (carry + a1) - r0 - x1);
      out[k + 2] = c * (2.0 * (carry + a2) - r0 - x2);
      out[k + 3] = c * (2.0 * (carry + a3) - r0 - x3);
      carry += a3;
      mx0 = std::max(mx0, std::max(x0, x2));
      mx1 = std::max(mx1, std::max(x1, x3));
      mn0 = std::min(mn0, std::min(x0, x2));
      mn1 = std::min(mn1, std::min(x1, x3));
    }
    for (; k < n; ++k) {
      const double xk = x[k];
      carry += xk;
      out[k] = c * (2.0 * carry - r0 - xk);
      mx0 = std::max(mx0, xk);
      mn0 = std::min(mn0, xk);
    }
    if (!std::isfinite(carry)) {
      std::size_t bad = 0;
      while (bad < n && std::isfinite(x[bad])) ++bad;
      return make_errorf("not_finite",
                         "Flow sample {} is not a number (NaN or infinite): the recording is "
                         "damaged; record the blow again.",
                         bad);
    }
    raw_max = std::max(mx0, mx1);
    raw_min = std::min(mn0, mn1);
  }

  // PEF (the first sample that reaches the highest flow) and sign convention.
  const double fmax = btps * raw_max;
  const double fmin = btps * raw_min;
  if (!(std::max(fmax, -fmin) <= spec.max_abs_flow_lps)) {
    const double worst = fmax >= -fmin ? raw_max : raw_min;
    Eigen::Index bad = 0;
    while (flow_raw[bad] != worst) ++bad;
    return make_errorf("flow_out_of_range",
                       "Flow sample {} is {} L/s, beyond the {} L/s no person reaches (ATS/ERS "
                       "2019 and ISO 26782 spirometers measure ±14 L/s): the values are not flows "
                       "in L/s (mL/s? raw sensor words?) or the device is faulty; check the "
                       "file's unit or the device.",
                       bad, fmt::format("{:.4g}", btps * worst),
                       fmt::format("{:.0f}", spec.max_abs_flow_lps));
  }
  Eigen::Index imax = 0;
  while (flow_raw[imax] != raw_max) ++imax;
  if (-fmin > 2.0 * std::max(fmax, 0.0) && -fmin >= kMinPef_lps)
    return make_errorf("wrong_sign",
                       "The largest flow is inspiratory ({} L/s) and the largest expiratory flow "
                       "is only {} L/s: the signal looks inverted. Expiration must be positive; "
                       "check the device's sign setting.",
                       fmt::format("{:.2f}", fmin), fmt::format("{:.2f}", fmax));
  if (fmax < kMinPef_lps)
    return make_errorf("no_expiration",
                       "No forced expiration found: the highest flow is {} L/s (at least 0.3 L/s "
                       "expected). Check that the file holds flow in L/s and that the worker "
                       "blew.",
                       fmt::format("{:.3f}", fmax));

  ManoeuvreIndices r;
  r.sample_rate_hz = rate;
  r.btps_factor = btps;
  r.samples = n;
  const auto kp = static_cast<std::size_t>(imax);
  r.pef_index = kp;
  r.pef_lps = fmax;
  auto V = [&](std::size_t k) { return vol[static_cast<Eigen::Index>(k)]; };

  // Start of forced expiration: last sample at or below zero flow before PEF.
  std::size_t s = 0;
  for (std::size_t k = kp; k-- > 0;) {
    if (f(k) <= 0.0) {
      s = k;
      break;
    }
  }
  r.start_index = s;
  r.t_start_s = static_cast<double>(s) * dt;
  const double v0 = V(s);

  // Inspiration onset after PEF and end of forced expiration (first maximum of volume).
  std::size_t onset = n;
  std::size_t first_low = n;  // first sample after PEF with flow ≤ kStopToFlow_lps
  {
    const double onset_raw = -kInspirationOnsetFlow_lps / btps;
    const double low_raw = kStopToFlow_lps / btps;
    std::size_t k = kp + 1;
    for (; k < n; ++k) {
      if (flow_raw[static_cast<Eigen::Index>(k)] <= low_raw) {
        first_low = k;
        break;
      }
    }
    for (; k < n; ++k) {
      if (flow_raw[static_cast<Eigen::Index>(k)] < onset_raw) {
        onset = k;
        break;
      }
    }
  }
  r.insp_onset_index = onset;
  std::size_t kend = kp;
  {
    const auto seg =
        vol.segment(static_cast<Eigen::Index>(kp), static_cast<Eigen::Index>(onset - kp));
    const double vmax = seg.maxCoeff();
    while (V(kend) != vmax) ++kend;
  }
  r.end_index = kend;
  r.fvc_l = V(kend) - v0;

  // Back-extrapolation (ISO 26782 A.1).
  const double tp = static_cast<double>(kp) * dt;
  r.t0_s = tp - (V(kp) - v0) / r.pef_lps;
  auto vol_at = [&](double t) {  // relative volume at record time t, linear between samples
    if (t <= r.t_start_s) return 0.0;
    const double x = t * rate;
    auto i = static_cast<std::size_t>(x);
    if (i >= kend) return r.fvc_l;
    const double w = x - static_cast<double>(i);
    return V(i) + w * (V(i + 1) - V(i)) - v0;
  };
  r.bev_l = vol_at(r.t0_s);
  r.time_to_pef_s = tp - r.t0_s;
  const double tend = static_cast<double>(kend) * dt;
  r.fet_s = tend - r.t0_s;
  r.fev075_l = vol_at(r.t0_s + 0.75);
  r.fev1_l = vol_at(r.t0_s + 1.0);
  r.fev6_reached = r.fet_s >= 6.0;
  r.fev6_l = vol_at(r.t0_s + 6.0);
  r.fev1_fvc = r.fvc_l > 0.0 ? r.fev1_l / r.fvc_l : 0.0;
  r.eofe_volume_last_1s_l = r.fvc_l - vol_at(tend - 1.0);

  // Flows at 25/50/75 % of FVC exhaled, and the times for FEF25-75.
  auto at_fraction = [&](double p, double& t_out) {
    const double target = p * r.fvc_l + v0;
    for (std::size_t k = s + 1; k <= kend; ++k) {
      if (V(k) >= target) {
        const double dv = V(k) - V(k - 1);
        const double w = dv > 0.0 ? (target - V(k - 1)) / dv : 1.0;
        t_out = (static_cast<double>(k - 1) + w) * dt;
        return f(k - 1) + w * (f(k) - f(k - 1));
      }
    }
    t_out = tend;
    return 0.0;
  };
  double t25 = 0.0, t50 = 0.0, t75 = 0.0;
  r.fef25_lps = at_fraction(0.25, t25);
  r.fef50_lps = at_fraction(0.50, t50);
  r.fef75_lps = at_fraction(0.75, t75);
  r.fef2575_lps = t75 > t25 ? 0.5 * r.fvc_l / (t75 - t25) : 0.0;

  // Hesitation time: from maximal inspiration before the blow to t0.
  {
    std::size_t kmin = 0;
    for (std::size_t k = 0; k <= s; ++k)
      if (V(k) < V(kmin)) kmin = k;
    double vtop = V(0);  // volume before the inspiration
    for (std::size_t k = 0; k <= kmin; ++k) vtop = std::max(vtop, V(k));
    if (vtop - V(kmin) >= kMinPreInspiration_l)
      r.hesitation_s = r.t0_s - static_cast<double>(kmin) * dt;
  }
  // FIVC and any volume exhaled again after inspiration began.
  if (onset < n) {
    double vmin = V(onset), vmax = V(onset);
    for (std::size_t k = onset; k < n; ++k) {
      vmin = std::min(vmin, V(k));
      vmax = std::max(vmax, V(k));
    }
    if (V(kend) - vmin >= kMinFivc_l) r.fivc_l = V(kend) - vmin;
    r.volume_after_insp_max_l = vmax - v0;
  }

  // Zero-flow check: a rest segment at the start, or a steady flow ending the expiration.
  {
    std::size_t quiet = 0;
    while (quiet < n && std::abs(f(quiet)) < kRestFlowBand_lps) ++quiet;
    const auto need = static_cast<std::size_t>(std::ceil(kRestMinDuration_s * rate));
    if (quiet >= need) {
      const std::size_t m = std::min(quiet, static_cast<std::size_t>(0.5 * rate));
      double mean = 0.0;
      for (std::size_t k = 0; k < m; ++k) mean += f(k);
      mean /= static_cast<double>(m);
      double lo = mean, hi = mean;
      for (std::size_t k = 0; k < m; ++k) {
        lo = std::min(lo, f(k));
        hi = std::max(hi, f(k));
      }
      if (hi - lo < 2.0 * kRestMaxSpread_lps) {
        r.baseline_checked = true;
        r.baseline_offset_lps = mean;
      }
    }
    const auto w = static_cast<std::size_t>(kTailWindow_s * rate);
    if (onset >= w && onset - w > kp) {
      double mean = 0.0, sq = 0.0;
      for (std::size_t k = onset - w; k < onset; ++k) mean += f(k);
      mean /= static_cast<double>(w);
      for (std::size_t k = onset - w; k < onset; ++k) sq += (f(k) - mean) * (f(k) - mean);
      const double sd = std::sqrt(sq / static_cast<double>(w));
      if (sd < kTailMaxSpread_lps && std::abs(mean) < kRestFlowBand_lps) {
        r.baseline_checked = true;
        if (std::abs(mean) > std::abs(r.baseline_offset_lps)) r.baseline_offset_lps = mean;
      }
    }
  }

  // Cough in the first second: a secondary rise of flow after PEF.
  {
    const double rise = std::max(kCoughMinRise_lps, kCoughRiseFractionOfPef * r.pef_lps);
    double runmin = r.pef_lps;
    const double tlimit = r.t0_s + 1.0;  // only the first second matters (ATS/ERS 2019)
    for (std::size_t k = kp + 1; k < onset && static_cast<double>(k) * dt <= tlimit; ++k) {
      runmin = std::min(runmin, f(k));
      if (f(k) - runmin >= rise) {
        r.cough_time_s = static_cast<double>(k) * dt - r.t0_s;
        r.cough_rise_lps = f(k) - runmin;
        break;
      }
    }
  }
  // Abrupt stop of flow (glottic closure or early termination).
  {
    const auto w =
        std::max<std::size_t>(1, static_cast<std::size_t>(std::ceil(kStopWindow_s * rate)));
    if (first_low < n) {
      const std::size_t k = first_low;
      const std::size_t from = k >= kp + w ? k - w : kp;
      double hi = 0.0;
      for (std::size_t j = from; j < k; ++j) hi = std::max(hi, f(j));
      if (hi >= kStopFromFlow_lps) r.abrupt_stop_time_s = static_cast<double>(k) * dt - r.t0_s;
    }
  }

  if (keep_curves) {
    const auto step = std::max<std::size_t>(1, static_cast<std::size_t>(rate / kCurveRate_hz));
    const std::size_t last = std::min(n, onset);
    for (std::size_t k = s; k < last; k += step) {
      r.curves.time_s.push_back(static_cast<double>(k) * dt - r.t0_s);
      r.curves.volume_l.push_back(V(k) - v0);
      r.curves.flow_lps.push_back(f(k));
    }
  }
  return r;
}

}  // namespace odyo::spirometry
