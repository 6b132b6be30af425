#include "analysis/audiometry/ambient/octave_bands.hpp"

#include <cmath>
#include <complex>
#include <numbers>
#include <sstream>
#include <string>
#include <unsupported/Eigen/FFT>

#include "analysis/core/error_text.hpp"

namespace odyo::audiometry::ambient {
namespace {

double lower_edge_hz(int centre_hz) {
  return centre_hz / std::numbers::sqrt2;
}
double upper_edge_hz(int centre_hz) {
  return centre_hz * std::numbers::sqrt2;
}

// A number as a stream writes it (6 significant digits), for messages.
std::string stream_number(double x) {
  std::ostringstream s;
  s << x;
  return s.str();
}

}  // namespace

std::int64_t segment_frames(double sample_rate_hz) {
  const int lowest = kOctaveCentresHz.front();
  const double max_bin_hz = (upper_edge_hz(lowest) - lower_edge_hz(lowest)) / 8.0;
  std::int64_t n = 256;
  while (sample_rate_hz / static_cast<double>(n) > max_bin_hz) n *= 2;
  return n;
}

Result<std::vector<BandLevel>> octave_band_levels(const Eigen::Ref<const Eigen::VectorXd>& samples,
                                                  double sample_rate_hz,
                                                  double full_scale_sine_db_spl) {
  const double top_hz = upper_edge_hz(kOctaveCentresHz.back());
  if (!std::isfinite(sample_rate_hz) || sample_rate_hz <= 2.0 * top_hz) {
    return make_errorf("ambient_rate",
                       "sample rate {} Hz is too low: the {} Hz octave band reaches {} Hz, so the "
                       "microphone must be sampled above {} Hz (use 44.1 or 48 kHz)",
                       stream_number(sample_rate_hz), kOctaveCentresHz.back(), std::lround(top_hz),
                       std::lround(2.0 * top_hz));
  }
  if (!std::isfinite(full_scale_sine_db_spl))
    return make_error("ambient_not_finite",
                      "the microphone calibration (dB SPL of a full-scale sine) is not a number");
  const std::int64_t seg = segment_frames(sample_rate_hz);
  const auto n = static_cast<std::int64_t>(samples.size());
  if (n < seg) {
    return make_errorf("ambient_too_short",
                       "the recording has {} samples; the {} Hz octave band needs at least {} ({} "
                       "s at {} Hz); record longer (a few seconds)",
                       n, kOctaveCentresHz.front(), seg,
                       stream_number(static_cast<double>(seg) / sample_rate_hz),
                       stream_number(sample_rate_hz));
  }
  for (std::int64_t i = 0; i < n; ++i) {
    if (!std::isfinite(samples[i]))
      return make_errorf("ambient_not_finite",
                         "sample {} is not a finite number (NaN or infinite): the recording is "
                         "corrupt; record again",
                         i);
  }

  // A microphone always hears something (at least its own noise): exact digital silence means it
  // is muted, unplugged or not the device recorded, and must not pass as a quiet room.
  if ((samples.array() == 0.0).all())
    return make_error("ambient_silent",
                      "the recording is digital silence (every sample is 0): the microphone is "
                      "muted, unplugged or not the device recorded; check it and measure again");
  // Hann window and its power.
  Eigen::VectorXd window(seg);
  for (std::int64_t i = 0; i < seg; ++i)
    window[i] = 0.5 - 0.5 * std::cos(2.0 * std::numbers::pi * static_cast<double>(i) /
                                     static_cast<double>(seg));
  const double window_power = window.squaredNorm();

  // Welch: one-sided power per bin, averaged over the 50 %-overlapping segments.
  const std::int64_t hop = seg / 2;
  const std::int64_t segments = 1 + (n - seg) / hop;
  Eigen::VectorXd power = Eigen::VectorXd::Zero(seg / 2 + 1);
  Eigen::FFT<double> fft;
  std::vector<double> in(static_cast<std::size_t>(seg));
  std::vector<std::complex<double>> out;
  for (std::int64_t s = 0; s < segments; ++s) {
    const auto block = samples.segment(s * hop, seg);
    for (std::int64_t i = 0; i < seg; ++i) in[static_cast<std::size_t>(i)] = block[i] * window[i];
    fft.fwd(out, in);
    for (std::int64_t k = 1; k < seg / 2; ++k)
      power[k] += std::norm(out[static_cast<std::size_t>(k)]);
  }
  // Mean square per bin (one-sided: ×2), so Σ over bins = the signal's mean square.
  power *= 2.0 / (static_cast<double>(seg) * window_power * static_cast<double>(segments));

  const double bin_hz = sample_rate_hz / static_cast<double>(seg);
  std::vector<BandLevel> bands;
  for (int fc : kOctaveCentresHz) {
    BandLevel b;
    b.centre_hz = fc;
    b.lower_hz = lower_edge_hz(fc);
    b.upper_hz = upper_edge_hz(fc);
    double mean_square = 0;
    for (std::int64_t k = 1; k < seg / 2; ++k) {
      const double f = static_cast<double>(k) * bin_hz;
      if (f >= b.lower_hz && f < b.upper_hz) mean_square += power[k];
    }
    // Digital silence has no level: report the floor of double precision instead of −inf.
    const double level_dbfs = 10.0 * std::log10(std::max(2.0 * mean_square, 1e-30));
    b.level_db_spl = level_dbfs + full_scale_sine_db_spl;
    bands.push_back(b);
  }
  return bands;
}

}  // namespace odyo::audiometry::ambient
