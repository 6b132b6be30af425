#pragma once
// Measurements on rendered (or captured) audio: what a sound-level meter and an oscilloscope
// would tell about a tone. Used by the tone tests, the calibration checks and the simulated
// listener of the end-to-end test (which judges what was actually played, not what was asked).
// Pure functions over caller-owned buffers; thread-safety: none needed.

#include <Eigen/Core>
#include <optional>

#include "analysis/audiometry/tone/tone.hpp"
#include "analysis/core/result.hpp"

namespace odyo::audiometry::tone {

// Peak amplitude of the sinusoidal component at `frequency_hz` (single-bin DFT, 2|X|/N). Exact
// for a steady sine when x spans a whole number of its cycles.
double component_amplitude(ChannelView x, double frequency_hz, double sample_rate_hz);

// Frequency from the upward zero crossings (linearly interpolated) between the first and the
// last one. Error if fewer than two crossings.
Result<double> estimate_frequency_hz(ChannelView x, double sample_rate_hz);

// Amplitude envelope: sqrt(2 · mean(x²)) over a centred window of `window` frames (choose one
// period of the tone: then a steady sine of amplitude A gives exactly A). out.size() == x.size().
void envelope(ChannelView x, Eigen::Index window, Eigen::Ref<Eigen::VectorXd> out);

// First fractional index ≥ from at which `env` crosses `level` going up (rising) or down,
// linearly interpolated between frames; empty if it never does.
std::optional<double> crossing(const Eigen::Ref<const Eigen::VectorXd>& env, double level,
                               Eigen::Index from, bool rising);

// Largest |x[n+1] − x[n]|: a click shows as a step larger than the steepest a sine of the tone's
// amplitude can make, 2·A·sin(π f / fs).
double max_abs_step(ChannelView x);

double rms(ChannelView x);
double peak_abs(ChannelView x);

// Total harmonic distortion: sqrt(Σ_{k=2..harmonics} A_k²) / A_1 (harmonics above Nyquist skipped).
double thd_ratio(ChannelView x, double frequency_hz, double sample_rate_hz, int harmonics = 5);

}  // namespace odyo::audiometry::tone
