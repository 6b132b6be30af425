#pragma once
// The numbers computed from an air-conduction audiogram: speech-frequency average, percent
// hearing loss (monaural, binaural), AAO-1979 impairment, 2/3/4 and 3/4/6 kHz averages, the
// high-frequency findings used by EK-2/18–19, and noise-notch detection. Pure functions.
//
// No-response points: a "no response at L dB HL" means the true threshold is above L. Averages
// and maxima count such a point at L and say so (`includes_no_response`): the value is then a
// lower bound. A comparison that needs the point to be *better* than something (a notch's
// reference frequencies) cannot use it.
//
// None of the directive's (Ek-1/Ek-2) limits is here; they live in config/rules/. The fences
// below are the published constants of the formulas named with them.

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "analysis/audiometry/audiogram.hpp"
#include "analysis/core/result.hpp"

namespace odyo::audiometry {

struct AverageDb {
  double value_db = 0.0;
  bool includes_no_response = false;  // true: a NR point was counted at its level (lower bound)
  std::vector<int> frequencies_hz;
};

// Mean threshold over `frequencies_hz` (each must be tested; "frequency_not_tested" otherwise).
Result<AverageDb> air_average(const ThresholdCurve& air, std::span<const int> frequencies_hz);

// Monaural percent hearing loss, AAO-1979 / AMA Guides formula (reference/audiometry/README.md
// §4, DOMAIN.md §1.4): 1.5 % per dB above a 25 dB low fence, 100 % from 92 dB.
struct HandicapFormula {
  double low_fence_db = 25.0;
  double high_fence_db = 92.0;
  double percent_per_db = 1.5;
};
double monaural_percent(double average_db, const HandicapFormula& f = {});
// Binaural: (5 × better ear + worse ear) / 6, on the two monaural percentages.
double binaural_percent(double percent_a, double percent_b);

// AAO-1979 (AAO-HNS / AMA Guides): monaural % from the 500/1000/2000/3000 Hz average.
std::span<const int> aao1979_frequencies_hz();

// A single threshold: the level, where, and whether it was a no-response.
struct PeakDb {
  int level_db_hl = 0;
  int frequency_hz = 0;
  bool no_response = false;
};

// Findings for EK-2/18–19 on one ear's air conduction.
struct HighFrequencyFindings {
  std::optional<PeakDb> max_hf;  // highest threshold at 3000 Hz and above (empty if none tested)
  std::optional<PeakDb> max_below_3k;  // highest threshold at 500 ≤ f < 3000 Hz
  std::optional<PeakDb> max_any;       // highest threshold at any frequency
  // Loss spreads below 3000 Hz: some threshold at 500 ≤ f < 3000 Hz is worse than the fence.
  bool spreads_below_3k = false;
};
// `loss_fence_db`: the level above which a threshold counts as a loss; default 25 dB HL, the
// AAO-1979 low fence (the same fence as the percent formula).
HighFrequencyFindings high_frequency_findings(const ThresholdCurve& air,
                                              double loss_fence_db = 25.0);

// Noise notch (reference/audiometry/README.md §5).
enum class NotchReference {
  better,  // compare with the better (lower) of the reference thresholds: "worse than at 1 OR 2
           // kHz"
  worse,   // compare with the worse (higher) one: "worse than at both"
};
struct NotchResult {
  bool evaluable = false;  // enough frequencies tested to apply the criterion
  bool present = false;
  int frequency_hz = 0;      // the notch (deepest candidate) frequency
  double depth_db = 0.0;     // notch threshold − low reference
  double recovery_db = 0.0;  // notch threshold − high reference (8 kHz / 6–8 kHz)
  std::string criterion;     // "coles2000" | "niskar2001"
};
// Coles, Lutman & Buffin 2000 (numeric rule as restated by Osei-Lah & Yeoh 2010): threshold at 3,
// 4 or 6 kHz at least 10 dB worse than at 1 or 2 kHz and than at 6 or 8 kHz (above the notch).
struct ColesNotchParams {
  double min_depth_db = 10.0;
  double min_recovery_db = 10.0;
  NotchReference low_reference = NotchReference::better;
  NotchReference high_reference = NotchReference::better;
};
NotchResult coles2000_notch(const ThresholdCurve& air, const ColesNotchParams& p = {});
// Niskar et al. 2001 (as restated by Schlauch 2013): 0.5 and 1 kHz ≤ 15 dB HL; worst of 3/4/6 kHz
// ≥ 15 dB above the worse of 0.5/1 kHz; 8 kHz ≥ 10 dB better than that worst value (the
// recovery is a parameter: a 5 dB variant circulates without a source).
struct NiskarNotchParams {
  double max_low_db_hl = 15.0;
  double min_depth_db = 15.0;
  double min_recovery_db = 10.0;
};
NotchResult niskar2001_notch(const ThresholdCurve& air, const NiskarNotchParams& p = {});

// Everything for one ear.
struct EarNumbers {
  AverageDb speech;                  // over the configured speech frequencies
  double percent_loss = 0.0;         // monaural %, from `speech`
  std::optional<AverageDb> aao1979;  // 500/1000/2000/3000 Hz average (empty if one is missing)
  std::optional<double> aao1979_percent;
  std::optional<AverageDb> avg_2k3k4k;
  std::optional<AverageDb> avg_3k4k6k;
  HighFrequencyFindings hf;
  NotchResult notch;         // Coles 2000 (the criterion the station reports)
  NotchResult notch_niskar;  // Niskar 2001, beside it
};

struct HearingNumbers {
  EarNumbers right;
  EarNumbers left;
  std::vector<int> speech_frequencies_hz;
  double binaural_percent = 0.0;                   // from the speech-frequency percentages
  std::optional<double> aao1979_binaural_percent;  // from the AAO-1979 percentages
  [[nodiscard]] const EarNumbers& ear(Ear e) const { return e == Ear::right ? right : left; }
};

// Checks the speech-frequency set (non-empty, standard air frequencies, no repeats).
Result<void> validate_speech_frequencies(std::span<const int> frequencies_hz);

Result<EarNumbers> ear_numbers(const ThresholdCurve& air, std::span<const int> speech_hz,
                               const ColesNotchParams& coles = {},
                               const NiskarNotchParams& niskar = {});
// Both ears (errors name the ear).
Result<HearingNumbers> hearing_numbers(const Audiogram& a, std::span<const int> speech_hz,
                                       const ColesNotchParams& coles = {},
                                       const NiskarNotchParams& niskar = {});

}  // namespace odyo::audiometry
