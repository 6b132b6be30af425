#pragma once
// Pure-tone synthesis for the computer-driven audiometer: sample-exact continuous, pulsed and
// warble tones with raised-cosine rise/fall, one ear at a time (the other channel exact digital
// zero), rendered into caller-owned stereo buffers. Pure functions: no I/O, no globals, no
// allocation of sample buffers (the caller passes an Eigen view over its own buffer).
//
// Sources (reference note /work/shared/reference/audiometry/pc-audiometer.md §1, §8):
// - rise/fall of a pulsed tone 20–50 ms between the −20 dB and −1 dB points (Larson Davis 824
//   calibration manual, public summary of IEC 60645-1). A raised-cosine ramp of length T goes
//   from −20 to −1 dB in 0.581·T, so T must be ≥ 34.5 ms; the default T = 50 ms gives 29 ms.
// - pulsed on and off times 225 ± 35 ms between the −5 dB points: plateau 179 ms + 0.920·T
//   (T = 50 ms) = 225 ms on; gap 171 ms + 2T − 0.920·T = 225 ms off.
// - warble: no standard value was found, so deviation and rate are configurable (the defaults
//   ±5 % at 5 /s are the Maico MA-24 product values, not a standard).
// Phase is computed from the sample index (no drifting accumulator), so frequency is exact to
// double precision at any duration. Thread-safety: plain functions over caller-owned data.

#include <Eigen/Core>
#include <cstdint>
#include <span>
#include <vector>

#include "analysis/audiometry/types.hpp"
#include "analysis/core/result.hpp"

namespace odyo::audiometry::tone {

// Interleaved stereo frames: row = one frame, column 0 = left, column 1 = right (WAV/ALSA order).
using StereoFrames = Eigen::Matrix<double, Eigen::Dynamic, 2, Eigen::RowMajor>;
using StereoView = Eigen::Ref<StereoFrames>;
using ConstStereoView = Eigen::Ref<const StereoFrames>;
// One channel of a StereoFrames buffer (strided, no copy).
using ChannelView = Eigen::Ref<const Eigen::VectorXd, 0, Eigen::InnerStride<>>;

// Channel index of an ear in the stereo stream.
constexpr Eigen::Index channel_of(Ear ear) {
  return ear == Ear::left ? 0 : 1;
}

enum class ToneKind { continuous, pulsed, warble };

// Shortest raised-cosine ramp whose −20 → −1 dB time (0.581·T) reaches the 20 ms minimum.
inline constexpr double kMinRampMs = 34.5;
// Longest ramp whose −20 → −1 dB time stays within the 50 ms maximum of the pulsed-tone rule.
inline constexpr double kMaxRampMs = 86.0;
// Frequency range the generator accepts (audiometric 125 Hz … extended high frequencies);
// whether a frequency may be *tested* is decided by the calibration, not here.
inline constexpr double kMinFrequencyHz = 125.0;
inline constexpr double kMaxFrequencyHz = 16000.0;

struct ToneShape {
  double ramp_ms = 50.0;            // raised-cosine rise (and fall) length T, 0 → full amplitude
  double pulse_plateau_ms = 179.0;  // full-amplitude part of one pulse
  double pulse_gap_ms = 171.0;      // digital silence between pulses
  double warble_deviation = 0.05;   // peak frequency deviation as a fraction of the carrier
  double warble_rate_hz = 5.0;      // sinusoidal modulation rate
};

struct ToneSpec {
  Ear ear = Ear::right;
  double frequency_hz = 1000.0;
  double peak_amplitude = 0.0;  // linear, 1.0 = digital full scale (0 dBFS peak)
  ToneKind kind = ToneKind::continuous;
  std::int64_t frames = 0;  // gate length: first sample of the rise to last of the fall
  double sample_rate_hz = 48000.0;
  ToneShape shape{};
};

// Checks a spec before rendering: frequency within range and below Nyquist/2, amplitude in
// [0, 1], ramp within [kMinRampMs, kMaxRampMs], gate long enough for rise + fall (and one pulse).
Result<void> validate(const ToneSpec& spec);

// Number of frames in `ms` milliseconds at `sample_rate_hz`, rounded to the nearest frame.
std::int64_t frames_for_ms(double ms, double sample_rate_hz);

// Gain envelope (0..1) of the tone at frame n of the gate (0 ≤ n < spec.frames); 0 outside.
double envelope_at(const ToneSpec& spec, std::int64_t n);

// Renders the tone into out.topRows(spec.frames): the tested ear gets the tone, the other ear
// exact zeros. Rows of `out` beyond spec.frames are left untouched. Errors: invalid spec, or
// `out` shorter than spec.frames.
Result<void> render_tone(const ToneSpec& spec, StereoView out);

// Converts samples in [-1, 1] to signed integers of `bits` (24 or 32) left-justified in 32-bit
// words (ALSA S32_LE / WAV 32-bit; a 24-bit WAV keeps the top three bytes). Rounds to nearest;
// +1.0 maps to the largest code; a sample outside [-1, 1] is an error, never silently clamped.
// out.size() must be 2 × in.rows().
Result<void> quantize(ConstStereoView in, int bits, std::span<std::int32_t> out);

// The exact words a sink plays for one presentation: `pre_frames` of digital silence, the tone,
// `post_frames` of silence, quantized to `bits` (24 or 32) in interleaved stereo.
Result<std::vector<std::int32_t>> render_presentation(const ToneSpec& spec, std::int64_t pre_frames,
                                                      std::int64_t post_frames, int bits);

}  // namespace odyo::audiometry::tone
