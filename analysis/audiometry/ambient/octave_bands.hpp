#pragma once
// Octave-band sound pressure levels of a block of microphone samples: the ambient-noise check of
// the audiometric test room (issue 8, item 5). Pure: no I/O, no globals.
//
// Bands: octave bands at the IEC 61260-1 nominal centres 125, 250, 500, 1000, 2000, 4000 and
// 8000 Hz, edges fc/√2 … fc·√2 (the limit tables are given per nominal band).
// Method: Welch power spectrum — Hann-windowed segments of segment_frames() samples, 50 %
// overlap, FFT (Eigen's FFT module); a band's mean square is the one-sided power of the bins
// whose frequency f satisfies lower ≤ f < upper, normalised by the window's power so that a
// stationary signal's band mean squares add up to its mean square (Parseval). The segment is the
// shortest power of two whose bin spacing is at most 1/8 of the 125 Hz band's width (88.4 Hz):
// 8192 samples at 48 kHz (4096 at 44.1 kHz), and a block must hold at least one segment.
// Level convention (RMS, as AES17): a full-scale sine (peak 1.0, RMS 1/√2) is 0 dBFS, i.e.
//   level_dbfs = 10·log10(2 · mean square),
// so a sine of peak amplitude A reads 20·log10(A) dBFS — the same number as the tone generator's
// "dBFS peak" for a sine. The microphone calibration is the SPL a full-scale sine reads:
//   level_db_spl = level_dbfs + full_scale_sine_db_spl.
// Thread-safety: plain functions.

#include <Eigen/Core>
#include <array>
#include <cstdint>
#include <vector>

#include "analysis/core/result.hpp"

namespace odyo::audiometry::ambient {

inline constexpr std::array<int, 7> kOctaveCentresHz{125, 250, 500, 1000, 2000, 4000, 8000};

struct BandLevel {
  int centre_hz = 0;
  double lower_hz = 0;  // fc/√2
  double upper_hz = 0;  // fc·√2
  double level_db_spl = 0;
};

// Samples per Welch segment at this sample rate (the shortest block octave_band_levels accepts).
std::int64_t segment_frames(double sample_rate_hz);

// Octave-band levels of `samples` (full-scale units, −1…1) at `sample_rate_hz`. Errors (values):
// "ambient_rate" (too low a rate for the 8000 Hz band, whose upper edge is 11 314 Hz, or not a
// positive finite number), "ambient_too_short" (fewer than segment_frames() samples; the
// message says how many are needed), "ambient_not_finite" (a NaN or infinite sample, or a
// non-finite calibration), "ambient_silent" (every sample exactly 0: a muted or absent
// microphone, never a quiet room).
Result<std::vector<BandLevel>> octave_band_levels(const Eigen::Ref<const Eigen::VectorXd>& samples,
                                                  double sample_rate_hz,
                                                  double full_scale_sine_db_spl);

}  // namespace odyo::audiometry::ambient
