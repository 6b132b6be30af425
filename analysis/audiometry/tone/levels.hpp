#pragma once
// dB HL → digital level for the computer-driven audiometer (reference note pc-audiometer.md §4):
// the coupler SPL for L dB HL at f is L + RETSPL(f); a calibration gives per channel and
// frequency S = M − D_cal (coupler SPL at 0 dBFS peak), so the tone plays at
// D = L + RETSPL − S dBFS peak, amplitude 10^(D/20). Pure; the file loading and its checks are in
// station/pcaudio/calibration.hpp. Thread-safety: plain functions over caller data.

#include <span>
#include <string>
#include <vector>

#include "analysis/audiometry/types.hpp"
#include "analysis/core/result.hpp"

namespace odyo::audiometry::tone {

// Audiometric levels below −10 dB HL are not used (ISO 8253-1 range −10…120 dB HL).
inline constexpr double kMinLevelDbHl = -10.0;
inline constexpr double kMaxLevelDbHl = 120.0;
// Above this a non-auditory operator warning is required (IEC 60645-1:2001 §5.2 as summarised in
// AS IEC 60645.1; reference note §1).
inline constexpr double kWarnAboveDbHl = 100.0;
// Lowest digital level at which the generator is verified (24 bits, no dither) to keep 5 dB
// steps within 0.1 dB at every frequency: tests/analysis/audiometry_tone measure down to
// −115 dBFS. One step lower, at 8 kHz (6 samples per cycle, so the rounding error repeats
// instead of averaging out), the −115 → −120 dBFS step measured 5.38 dB: not usable.
inline constexpr double kMinDigitalLevelDbfs = -115.0;

// One calibrated (channel, frequency) of an interface + earphone pair.
struct CalibratedFrequency {
  Ear ear = Ear::left;
  int frequency_hz = 0;
  double sensitivity_db = 0.0;        // S = M − D_cal: coupler SPL at 0 dBFS peak
  double retspl_db = 0.0;             // of this ear's earphone on its coupler
  double max_undistorted_dbfs = 0.0;  // highest digital level measured without distortion
};

struct LevelLimits {
  double min_db_hl = kMinLevelDbHl;
  double max_db_hl = kMaxLevelDbHl;
};

struct TonePlan {
  double level_db_hl = 0.0;
  double digital_level_dbfs = 0.0;  // peak
  double peak_amplitude = 0.0;      // linear, 1 = full scale
  bool needs_warning = false;       // above 100 dB HL: warn the operator first
};

inline double sensitivity_db(double measured_spl_db, double digital_level_dbfs) {
  return measured_spl_db - digital_level_dbfs;
}
inline double digital_level_dbfs(double level_db_hl, double retspl_db, double sensitivity) {
  return level_db_hl + retspl_db - sensitivity;
}
double amplitude_from_dbfs(double dbfs);
double dbfs_from_amplitude(double amplitude);

const CalibratedFrequency* find_calibrated(std::span<const CalibratedFrequency> table, Ear ear,
                                           int frequency_hz);
std::vector<int> calibrated_frequencies(std::span<const CalibratedFrequency> table, Ear ear);

// Testable levels at (ear, frequency) on the 5 dB grid: from −10 dB HL (or higher if the digital
// floor needs it) to the lower of 120 dB HL and the maximum undistorted level.
// Error "unsupported_frequency" if the frequency is not calibrated on that ear.
Result<LevelLimits> level_limits(std::span<const CalibratedFrequency> table, Ear ear,
                                 int frequency_hz);

// Errors: "unsupported_frequency", "level_out_of_range" (below −10 dB HL, below the digital
// floor, or above the calibrated maximum), each saying what to do.
Result<TonePlan> plan_tone(std::span<const CalibratedFrequency> table, Ear ear, int frequency_hz,
                           double level_db_hl);

}  // namespace odyo::audiometry::tone
