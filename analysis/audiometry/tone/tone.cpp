#include "analysis/audiometry/tone/tone.hpp"

#include <cmath>
#include <numbers>
#include <string>

#include "analysis/core/error_text.hpp"

namespace odyo::audiometry::tone {
namespace {

constexpr double kTwoPi = 2.0 * std::numbers::pi;

struct Layout {
  std::int64_t ramp = 0;    // frames of the rise (= fall)
  std::int64_t pulse = 0;   // frames of one gated segment (whole gate for continuous/warble)
  std::int64_t period = 0;  // pulse + gap (pulsed only)
  std::int64_t count = 1;   // number of gated segments
};

Layout layout_of(const ToneSpec& s) {
  Layout l;
  l.ramp = frames_for_ms(s.shape.ramp_ms, s.sample_rate_hz);
  if (s.kind == ToneKind::pulsed) {
    l.pulse = 2 * l.ramp + frames_for_ms(s.shape.pulse_plateau_ms, s.sample_rate_hz);
    l.period = l.pulse + frames_for_ms(s.shape.pulse_gap_ms, s.sample_rate_hz);
    // Whole pulses only: a pulse is never cut short (that would be a click).
    l.count = l.pulse > s.frames ? 0 : 1 + (s.frames - l.pulse) / l.period;
  } else {
    l.pulse = s.frames;
    l.period = s.frames;
    l.count = 1;
  }
  return l;
}

// Raised-cosine gate of `len` frames with ramps of `ramp` frames: exact 0 at both ends.
double gate(std::int64_t n, std::int64_t len, std::int64_t ramp) {
  if (n < 0 || n >= len) return 0.0;
  const std::int64_t from_end = len - 1 - n;
  const std::int64_t k = std::min(n, from_end);
  if (k >= ramp) return 1.0;
  return 0.5 *
         (1.0 - std::cos(std::numbers::pi * static_cast<double>(k) / static_cast<double>(ramp)));
}

// Phase in cycles (fractional part only matters) at frame n, computed from n directly.
double phase_cycles(const ToneSpec& s, std::int64_t n) {
  const double fs = s.sample_rate_hz;
  const double nd = static_cast<double>(n);
  // frac(f·n/fs) via fmod of the product: exact for integer f and n < 2^53 / f.
  double cycles = std::fmod(s.frequency_hz * nd, fs) / fs;
  if (s.kind == ToneKind::warble) {
    // f(t) = f0·(1 + d·sin(2π r t)) → phase = f0·t + f0·d·(1 − cos(2π r t)) / (2π r)
    const double r = s.shape.warble_rate_hz;
    const double mod_phase = std::fmod(r * nd, fs) / fs;  // cycles of the modulator
    cycles += s.frequency_hz * s.shape.warble_deviation * (1.0 - std::cos(kTwoPi * mod_phase)) /
              (kTwoPi * r);
  }
  return cycles - std::floor(cycles);
}

}  // namespace

std::int64_t frames_for_ms(double ms, double sample_rate_hz) {
  return std::llround(ms * sample_rate_hz / 1000.0);
}

Result<void> validate(const ToneSpec& s) {
  if (!(s.sample_rate_hz >= 8000.0 && s.sample_rate_hz <= 384000.0))
    return make_errorf("bad_sample_rate",
                       "sample rate {} Hz is outside 8000–384000 Hz; use 48000 Hz",
                       std::to_string(s.sample_rate_hz));
  if (!(s.frequency_hz >= kMinFrequencyHz && s.frequency_hz <= kMaxFrequencyHz) ||
      s.frequency_hz >= s.sample_rate_hz / 2.0)
    return make_errorf("unsupported_frequency",
                       "frequency {} Hz is outside the generator's 125–16000 Hz range (and must be "
                       "below half the sample rate); choose an audiometric frequency",
                       std::to_string(s.frequency_hz));
  if (!(s.peak_amplitude >= 0.0 && s.peak_amplitude <= 1.0))
    return make_errorf("level_out_of_range",
                       "peak amplitude {} is outside 0…1 of digital full scale; the level is above "
                       "what this interface can produce without clipping",
                       std::to_string(s.peak_amplitude));
  if (!(s.shape.ramp_ms >= kMinRampMs && s.shape.ramp_ms <= kMaxRampMs))
    return make_errorf("bad_ramp",
                       "raised-cosine ramp {} ms gives a −20→−1 dB rise outside 20–50 ms; use "
                       "34.5–86 ms",
                       std::to_string(s.shape.ramp_ms));
  if (s.kind == ToneKind::warble &&
      !(s.shape.warble_deviation > 0.0 && s.shape.warble_deviation <= 0.10 &&
        s.shape.warble_rate_hz >= 2.0 && s.shape.warble_rate_hz <= 20.0))
    return make_error("bad_warble",
                      "warble deviation must be in (0, 10 %] and rate in 2–20 /s (product "
                      "range of the reference note); check the warble settings");
  if (s.kind == ToneKind::pulsed &&
      !(s.shape.pulse_plateau_ms >= 0.0 && s.shape.pulse_gap_ms >= 0.0))
    return make_error("bad_pulse", "pulse plateau and gap must not be negative");
  const Layout l = layout_of(s);
  if (s.frames < 2 * l.ramp + 1)
    return make_errorf("duration_too_short",
                       "a tone of {} frames cannot hold its rise and fall ({} frames); present it "
                       "for longer",
                       s.frames, 2 * l.ramp);
  if (s.kind == ToneKind::pulsed && l.count < 1)
    return make_errorf("duration_too_short",
                       "a pulsed tone needs at least one whole pulse ({} frames); present it for "
                       "longer",
                       l.pulse);
  return {};
}

double envelope_at(const ToneSpec& s, std::int64_t n) {
  if (n < 0 || n >= s.frames) return 0.0;
  const Layout l = layout_of(s);
  if (s.kind != ToneKind::pulsed) return gate(n, s.frames, l.ramp);
  const std::int64_t k = n / l.period;
  if (k >= l.count) return 0.0;
  return gate(n - k * l.period, l.pulse, l.ramp);
}

Result<void> render_tone(const ToneSpec& s, StereoView out) {
  if (auto v = validate(s); !v) return v;
  if (out.rows() < s.frames)
    return make_errorf("buffer_too_small", "output buffer has {} frames, the tone needs {}",
                       out.rows(), s.frames);
  const Eigen::Index tone_ch = channel_of(s.ear);
  const Eigen::Index quiet_ch = 1 - tone_ch;
  const Layout l = layout_of(s);
  for (std::int64_t n = 0; n < s.frames; ++n) {
    double g = 0.0;
    if (s.kind == ToneKind::pulsed) {
      const std::int64_t k = n / l.period;
      if (k < l.count) g = gate(n - k * l.period, l.pulse, l.ramp);
    } else {
      g = gate(n, s.frames, l.ramp);
    }
    const auto row = static_cast<Eigen::Index>(n);
    out(row, tone_ch) =
        g == 0.0 ? 0.0 : s.peak_amplitude * g * std::sin(kTwoPi * phase_cycles(s, n));
    out(row, quiet_ch) = 0.0;
  }
  return {};
}

Result<void> quantize(ConstStereoView in, int bits, std::span<std::int32_t> out) {
  if (bits != 24 && bits != 32)
    return make_errorf("bad_sample_format",
                       "sample depth {} bits is not allowed: 16 bits is too coarse near 0 dB HL; "
                       "use 24 or 32",
                       bits);
  if (out.size() != static_cast<std::size_t>(in.rows()) * 2)
    return make_error("buffer_too_small", "quantize: output must hold 2 samples per frame");
  const double full = std::ldexp(1.0, bits - 1);  // 2^(bits−1)
  const int shift = 32 - bits;
  std::size_t i = 0;
  for (Eigen::Index r = 0; r < in.rows(); ++r) {
    for (Eigen::Index c = 0; c < 2; ++c) {
      const double x = in(r, c);
      if (!(x >= -1.0 && x <= 1.0))
        return make_errorf("clipping",
                           "sample {} at frame {} is outside full scale; lower the level",
                           std::to_string(x), r);
      const double q = std::min(std::nearbyint(x * full), full - 1.0);
      // Left-justify: multiply instead of shifting a negative value.
      out[i++] =
          static_cast<std::int32_t>(static_cast<std::int64_t>(q) * (std::int64_t{1} << shift));
    }
  }
  return {};
}

Result<std::vector<std::int32_t>> render_presentation(const ToneSpec& spec, std::int64_t pre_frames,
                                                      std::int64_t post_frames, int bits) {
  if (auto v = validate(spec); !v) return v.error();
  if (pre_frames < 0 || post_frames < 0)
    return make_error("bad_padding", "silence before and after a tone cannot be negative");
  StereoFrames buf = StereoFrames::Zero(pre_frames + spec.frames + post_frames, 2);
  if (auto r = render_tone(spec, buf.middleRows(pre_frames, spec.frames)); !r) return r.error();
  std::vector<std::int32_t> words(static_cast<std::size_t>(buf.rows()) * 2);
  if (auto q = quantize(buf, bits, words); !q) return q.error();
  return words;
}

}  // namespace odyo::audiometry::tone
