#pragma once
// A spirometry session: 3–8 manoeuvres → repeatability, grades A–F/U for FEV1 and FVC
// separately, reported values, and live guidance for the technician (ATS/ERS 2019, Graham et al.,
// Tables 7 and 10). Pre/post bronchodilator response (ATS/ERS 2022, Stanojevic et al.).
// Pure; thread-safe.

#include <Eigen/Core>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "analysis/core/result.hpp"
#include "analysis/spirometry/indices.hpp"
#include "analysis/spirometry/quality.hpp"

namespace odyo::spirometry {

inline constexpr int kMaxManoeuvres = 8;  // ATS/ERS 2019: no more than 8 in a session (adults)
inline constexpr int kMinManoeuvres = 3;

enum class Grade { A, B, C, D, E, U, F };
const char* grade_name(Grade g);

struct ManoeuvreResult {
  ManoeuvreIndices indices;
  Quality quality;
};

struct ReportedValues {
  std::optional<double> fev1_l;    // largest acceptable (or usable, grade U) FEV1
  std::optional<double> fvc_l;     // largest acceptable (or usable) FVC
  std::optional<double> fev1_fvc;  // from the two above, even when from different blows
  std::optional<double> fev6_l;
  std::optional<double> fef2575_lps;  // from the best manoeuvre
  std::optional<double> pef_lps;      // from the best manoeuvre
  std::optional<double> fef75_lps;
  std::optional<int> fev1_manoeuvre;  // 0-based
  std::optional<int> fvc_manoeuvre;
  std::optional<int> best_manoeuvre;  // acceptable blow with the largest FEV1 + FVC
};

struct Guidance {
  bool another_blow_needed = false;
  bool session_complete = false;  // 3 acceptable and repeatable FEV1 and FVC, or 8 blows done
  std::vector<Reason> because;
};

struct SessionResult {
  std::vector<ManoeuvreResult> manoeuvres;
  Grade grade_fev1 = Grade::F;
  Grade grade_fvc = Grade::F;
  std::optional<double> fev1_repeatability_l;  // two largest acceptable FEV1 differ by
  std::optional<double> fvc_repeatability_l;
  ReportedValues reported;
  Guidance guidance;
};

struct SessionOptions {
  double age_years = 30.0;  // repeatability and grade limits differ for age ≤ 6
};

// Grade from the acceptable values of one parameter and the count of usable ones (ATS/ERS 2019
// Table 10). Exposed for tests.
Grade grade_values(std::vector<double> acceptable_l, int usable_count, double age_years);

// Session from manoeuvres already analysed (in the order they were blown).
Result<SessionResult> assess_session(std::vector<ManoeuvreIndices> manoeuvres,
                                     const SessionOptions& options = {});

// Session straight from flow buffers (views over the caller's memory; nothing is copied).
Result<SessionResult> analyse_session(std::span<const Eigen::Map<const Eigen::VectorXd>> flows_lps,
                                      const SignalSpec& spec, const SessionOptions& options = {},
                                      bool keep_curves = true);

// Bronchodilator response (ATS/ERS 2022): change > 10 % of the predicted value in FEV1 or FVC.
inline constexpr double kBdResponsePctPredicted = 10.0;
struct BdResponse {
  double fev1_change_l = 0.0;
  double fvc_change_l = 0.0;
  double fev1_change_pct_pred = 0.0;
  double fvc_change_pct_pred = 0.0;
  bool significant_fev1 = false;
  bool significant_fvc = false;
  bool significant = false;
};
Result<BdResponse> bronchodilator_response(double pre_fev1_l, double post_fev1_l, double pre_fvc_l,
                                           double post_fvc_l, double predicted_fev1_l,
                                           double predicted_fvc_l);

}  // namespace odyo::spirometry
