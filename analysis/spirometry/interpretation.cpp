#include "analysis/spirometry/interpretation.hpp"

#include <cmath>
#include <cstdio>

#include <fmt/format.h>

#include "analysis/core/error_text.hpp"

namespace odyo::spirometry {
namespace {
template <typename... A>
std::string fmt(const char* f, A... a) {
  char buf[320];
  std::snprintf(buf, sizeof buf, f, a...);
  return buf;
}
}  // namespace

const char* pattern_id(Pattern p) {
  switch (p) {
    case Pattern::kNormal:
      return "normal";
    case Pattern::kObstruction:
      return "obstruction";
    case Pattern::kPossibleRestriction:
      return "possible_restriction";
    case Pattern::kPrism:
      return "prism";
    case Pattern::kMixed:
      return "mixed";
  }
  return "?";
}

const char* severity_id(Severity s) {
  switch (s) {
    case Severity::kNone:
      return "none";
    case Severity::kMild:
      return "mild";
    case Severity::kModerate:
      return "moderate";
    case Severity::kSevere:
      return "severe";
  }
  return "?";
}

Result<Interpretation> interpret(double z_fev1, double z_fvc, double z_ratio) {
  if (!std::isfinite(z_fev1) || !std::isfinite(z_fvc) || !std::isfinite(z_ratio))
    return make_error("bad_z", "Interpretation needs the z-scores of FEV1, FVC and FEV1/FVC.");
  Interpretation r;
  const bool low_ratio = z_ratio < kLlnZ;
  const bool low_fvc = z_fvc < kLlnZ;
  const bool low_fev1 = z_fev1 < kLlnZ;
  if (low_ratio && low_fvc)
    r.pattern = Pattern::kMixed;
  else if (low_ratio)
    r.pattern = Pattern::kObstruction;
  else if (low_fvc)
    r.pattern = Pattern::kPossibleRestriction;
  else if (low_fev1)
    r.pattern = Pattern::kPrism;
  if (r.pattern != Pattern::kNormal) {
    // Severity by FEV1 z (ATS/ERS 2022); an impaired pattern with FEV1 above −1.65 is mild.
    if (z_fev1 < kSevereZ)
      r.severity = Severity::kSevere;
    else if (z_fev1 < kModerateZ)
      r.severity = Severity::kModerate;
    else
      r.severity = Severity::kMild;
  }
  static const char* tr_sev[] = {"", "hafif", "orta", "ağır"};
  static const char* en_sev[] = {"", "mild", "moderate", "severe"};
  const auto si = static_cast<std::size_t>(r.severity);
  switch (r.pattern) {
    case Pattern::kNormal:
      r.text_tr = "Normal spirometri (FEV1, FVC ve FEV1/FVC alt sınırın üstünde).";
      r.text_en = "Normal spirometry (FEV1, FVC and FEV1/FVC above their LLN).";
      break;
    case Pattern::kObstruction:
      r.text_tr = fmt("Obstrüksiyon (FEV1/FVC z = %.2f < −1,645), %s (FEV1 z = %.2f).", z_ratio,
                      tr_sev[si], z_fev1);
      r.text_en = fmt("Obstruction (FEV1/FVC z = %.2f < −1.645), %s (FEV1 z = %.2f).", z_ratio,
                      en_sev[si], z_fev1);
      break;
    case Pattern::kPossibleRestriction:
      r.text_tr =
          fmt("Olası restriksiyon: FVC alt sınırın altında (z = %.2f), oran normal; "
              "doğrulamak için akciğer hacimleri (TLC) gerekir. Derece %s.",
              z_fvc, tr_sev[si]);
      r.text_en =
          fmt("Possible restriction: FVC below LLN (z = %.2f) with a normal ratio; lung "
              "volumes (TLC) are needed to confirm. Severity %s.",
              z_fvc, en_sev[si]);
      break;
    case Pattern::kPrism:
      r.text_tr = fmt("PRISm: FEV1 alt sınırın altında (z = %.2f), FEV1/FVC normal; derece %s.",
                      z_fev1, tr_sev[si]);
      r.text_en = fmt("PRISm: FEV1 below LLN (z = %.2f) with a normal FEV1/FVC; severity %s.",
                      z_fev1, en_sev[si]);
      break;
    case Pattern::kMixed:
      r.text_tr =
          fmt("Obstrüksiyon ve düşük FVC (z = %.2f): olası mikst bozukluk, TLC ile "
              "doğrulanmalı; derece %s (FEV1 z = %.2f).",
              z_fvc, tr_sev[si], z_fev1);
      r.text_en =
          fmt("Obstruction with a low FVC (z = %.2f): possible mixed defect, confirm with "
              "TLC; severity %s (FEV1 z = %.2f).",
              z_fvc, en_sev[si], z_fev1);
      break;
  }
  return r;
}

Result<ChangeScore> conditional_change_score(double z1, double z2, double years, double age1) {
  if (!std::isfinite(z1) || !std::isfinite(z2) || !std::isfinite(years) || years <= 0.0 ||
      !std::isfinite(age1))
    return make_error("bad_input",
                      "The change score needs two z-scores and a positive time between tests.");
  ChangeScore c;
  c.r = 0.642 - 0.04 * years + 0.020 * age1;
  if (!(c.r > 0.0 && c.r < 1.0))
    return make_errorf("change_score_not_applicable",
                       "The conditional change score does not apply here (r = {} for age {} and "
                       "{} years between tests; it must lie between 0 and 1): use the yearly "
                       "FEV1 decline for adults.",
                       fmt::format("{:.3f}", c.r), fmt::format("{:.1f}", age1),
                       fmt::format("{:.1f}", years));
  c.score = (z2 - c.r * z1) / std::sqrt(1.0 - c.r * c.r);
  c.significant_decline = c.score < -kChangeScoreLimit;
  c.significant_increase = c.score > kChangeScoreLimit;
  return c;
}

Result<YearlyDecline> fev1_yearly_decline(double first, double second, double years) {
  if (!std::isfinite(first) || !std::isfinite(second) || first <= 0.0 || second <= 0.0)
    return make_error("bad_value", "Both FEV1 values must be positive numbers of litres.");
  if (!std::isfinite(years) || years <= 0.0)
    return make_error("bad_interval", "The time between the two tests must be positive.");
  YearlyDecline d;
  d.change_l = second - first;
  d.pct_per_year = 100.0 * (first - second) / first / years;
  d.excessive = d.pct_per_year > kExcessDeclinePctPerYear;
  return d;
}

}  // namespace odyo::spirometry
