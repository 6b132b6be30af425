#pragma once
// Interpretation of spirometry, ATS/ERS 2022 (Stanojevic et al., Eur Respir J 60:2101499).
// Pure; thread-safe.
//
//  - Obstruction: FEV1/FVC below its LLN (z < −1.645).
//  - Possible restriction: FVC below LLN with a normal ratio; spirometry cannot confirm it
//    (needs TLC), so it is a flag. PRISm (preserved ratio impaired spirometry): FEV1 below LLN
//    with a normal ratio.
//  - Mixed pattern (from spirometry only: "obstruction with a low FVC", possible mixed defect).
//  - Severity by FEV1 z: mild −1.65 to −2.5, moderate −2.5 to −4, severe below −4.
//  - Change between two sessions: the conditional change score (Stanojevic 2022, Box; validated
//    in children and young people), and the relative FEV1 decline per year for adults.

#include <optional>
#include <string>

#include "analysis/core/result.hpp"

namespace odyo::spirometry {

inline constexpr double kLlnZ = -1.645;
inline constexpr double kModerateZ = -2.5;  // ATS/ERS 2022 severity by z
inline constexpr double kSevereZ = -4.0;
// Conditional change score outside ±1.96 is a significant change (ATS/ERS 2022).
inline constexpr double kChangeScoreLimit = 1.96;
// Adults: FEV1 decline of more than 15 % in a year is excessive (ATS 2005 interpretation,
// Pellegrino et al.; ACOEM 2011).
inline constexpr double kExcessDeclinePctPerYear = 15.0;

enum class Pattern { kNormal, kObstruction, kPossibleRestriction, kPrism, kMixed };
enum class Severity { kNone, kMild, kModerate, kSevere };

const char* pattern_id(
    Pattern p);  // "normal", "obstruction", "possible_restriction", "prism", "mixed"
const char* severity_id(Severity s);  // "none", "mild", "moderate", "severe"

struct Interpretation {
  Pattern pattern = Pattern::kNormal;
  Severity severity = Severity::kNone;
  std::string text_tr;
  std::string text_en;
};

// z-scores of FEV1, FVC and FEV1/FVC from the same reference equation.
Result<Interpretation> interpret(double z_fev1, double z_fvc, double z_fev1_fvc);

struct ChangeScore {
  double r = 0;      // correlation of z over the interval
  double score = 0;  // (z2 − r·z1)/√(1 − r²)
  bool significant_decline = false;
  bool significant_increase = false;
};
// Conditional change score for FEV1 z between two sessions. r = 0.642 − 0.04·years + 0.020·age1
// (Stanojevic 2022). Error when r leaves (0, 1): the model does not hold (e.g. adults over about
// 18 years), use the yearly decline below instead.
Result<ChangeScore> conditional_change_score(double z1, double z2, double years_between,
                                             double age1_years);

struct YearlyDecline {
  double change_l = 0;
  double pct_per_year = 0;  // decline as % of the first value per year (positive = decline)
  bool excessive = false;
};
Result<YearlyDecline> fev1_yearly_decline(double fev1_first_l, double fev1_second_l,
                                          double years_between);

}  // namespace odyo::spirometry
