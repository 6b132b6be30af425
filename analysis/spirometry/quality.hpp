#pragma once
// Per-manoeuvre acceptability and usability, ATS/ERS 2019 (Graham et al., AJRCCM 200:e70,
// Table 7). Each criterion that fails is a Reason with a stable code and a sentence in Turkish
// and English. Pure; thread-safe.
//
// | code                         | ATS/ERS 2019 criterion                       | acc FEV1 | acc
// FVC | usable FEV1 | usable FVC | | bev_high                     | BEV ≤ max(5 % FVC, 0.100 L) | x
// | x       | x           | x          | | zero_flow_fault              | no faulty zero-flow
// setting                  | x        | x       | x           | x          | | cough_first_second
// | no cough in the first second                 | x        |         | x           |            |
// | glottic_closure_first_second | no glottic closure in the first second       | x        | x | x
// | x          | | glottic_closure_late         | no glottic closure after 1 s                 | |
// x       |             |            | | no_eofe                      | plateau < 0.025 L/1 s, FET
// ≥ 15 s or FVC rep.|          | x       |             |            | | extra_breath | no leak /
// extra breath                       | x        | x       |             |            | |
// fivc_exceeds_fvc             | FIVC − FVC ≤ max(0.100 L, 5 % FVC)           | x        | x | | |
// | hesitation_long              | hesitation time ≤ 2 s (submaximal start)     | x        | x | |
// | Obstructed mouthpiece cannot be seen in a flow signal; the technician records it.

#include <optional>
#include <string>
#include <vector>

#include "analysis/spirometry/indices.hpp"

namespace odyo::spirometry {

// ATS/ERS 2019 constants (Graham 2019, Table 7 and section "End of forced expiration").
inline constexpr double kBevLimitFraction = 0.05;
inline constexpr double kBevLimitMin_l = 0.100;
inline constexpr double kPlateauVolume_l = 0.025;  // volume in the last 1 s must be below this
inline constexpr double kEofeMinFet_s = 15.0;
inline constexpr double kFivcExcessMin_l = 0.100;
inline constexpr double kFivcExcessFraction = 0.05;
inline constexpr double kMaxHesitation_s = 2.0;
inline constexpr double kZeroFlowTolerance_lps = 0.010;  // station choice (see indices.cpp)
inline constexpr double kExtraBreathVolume_l = 0.100;    // station choice

struct Reason {
  std::string code;
  std::string text_tr;
  std::string text_en;
};

struct Quality {
  bool acceptable_fev1 = false;
  bool acceptable_fvc = false;
  bool usable_fev1 = false;
  bool usable_fvc = false;
  bool plateau = false;         // EOFE 1
  bool fet_15s = false;         // EOFE 2
  bool fvc_repeatable = false;  // EOFE 3 (needs the session; see session.hpp)
  std::vector<Reason> reasons;
};

// Repeatability tolerance for FVC and FEV1 (ATS/ERS 2019 Table 7): 0.150 L above 6 years;
// for age ≤ 6, 0.100 L or 10 % of the highest value, whichever is greater.
double repeatability_tolerance_l(double age_years, double highest_l);

// Quality of one manoeuvre. largest_prior_fvc_l: the largest FVC of the earlier manoeuvres of the
// session (nullopt for the first) — the third end-of-forced-expiration indicator.
Quality assess_quality(const ManoeuvreIndices& m, std::optional<double> largest_prior_fvc_l,
                       double age_years = 30.0);

}  // namespace odyo::spirometry
