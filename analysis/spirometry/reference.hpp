#pragma once
// Reference values: GLI-2012 (Quanjer 2012, 5 ethnic groups), GLI Global 2022 (Bowerman 2023,
// race-neutral) and ECCS/ERS 1993 (Quanjer 1993). The tables are data: parse them from CSV text
// (station/reference/reference_tables.cpp reads config/reference/*.csv) and pass them in.
// Pure; the tables are immutable after parsing and safe to share between threads.
//
// GLI: LMS model with age splines linearly interpolated between 0.25-year knots, evaluated at
// the actual decimal age (ln(age), never a rounded age); LLN/ULN at z = ∓1.645.
// ECCS 1993: linear in height (m) and age; ages 18–25 use age 25; LLN = pred − 1.64·RSD.
// The RSD column of our ECCS copy is unverified (config/reference/README.md): ECCS results carry
// `provisional = true`.

#include <Eigen/Core>
#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/core/result.hpp"

namespace odyo::spirometry {

enum class Equation { kGli2012, kGliGlobal2022, kEccs1993 };
enum class Sex { kMale, kFemale };

// ATS "FEF25-75", "FEF75" (flow when 75 % of FVC has been exhaled = ECCS MEF25), etc.
enum class Param { kFev1, kFvc, kFev1Fvc, kFef2575, kFef75, kFef25, kFef50, kPef, kIvc, kFev1Ivc };

const char* equation_id(Equation e);  // "gli2012", "gli-global-2022", "eccs1993"
Result<Equation> parse_equation(std::string_view id);
const char* param_id(Param p);  // "FEV1", "FVC", "FEV1FVC", "FEF2575", "FEF75", ...
Result<Param> parse_param(std::string_view id);
const char* param_unit(Param p);  // "L", "L/s", "" (ratio)

// z for the lower and upper limits of normal (5th and 95th percentiles).
inline constexpr double kGliZLimit = 1.645;
// ECCS/ERS 1993: LLN = predicted − 1.64 × RSD.
inline constexpr double kEccsZLimit = 1.64;

struct GliKnot {
  double m = 0, s = 0, l = 0;
};
struct GliEquation {                // one parameter, one sex
  std::array<double, 7> a{};        // a0, ln(height), ln(age), AfrAm, NEAsia, SEAsia, Other
  std::array<double, 6> p{};        // p0, ln(age), AfrAm, NEAsia, SEAsia, Other
  std::array<double, 2> q{};        // q0, ln(age)
  double age_min = 0, age_max = 0;  // knot range (0.25-year steps)
  std::vector<GliKnot> knots;       // knots[i] at age_min + 0.25·i
};
struct GliTables {
  Equation equation = Equation::kGli2012;
  std::map<std::pair<Param, Sex>, GliEquation> eq;
};

struct EccsEquation {
  double b_height_m = 0, b_age = 0, intercept = 0, rsd = 0;
  bool rsd_verified = false;
  std::string unit;
};
struct EccsTables {
  std::map<std::pair<Param, Sex>, EccsEquation> eq;
};

struct ReferenceTables {
  GliTables gli2012;
  GliTables gli_global2022;
  EccsTables eccs1993;
};

// Parsers over CSV text (header row, ',' separator). Errors name the table, the line and the
// field. `what` names the files in messages: for GLI the path without the suffix
// ("…/gli2012" → "…/gli2012_coefficients.csv", "…/gli2012_splines.csv"); for ECCS the file.
Result<GliTables> parse_gli_tables(Equation which, std::string_view coefficients_csv,
                                   std::string_view splines_csv, std::string_view what = "");
Result<EccsTables> parse_eccs_tables(std::string_view coefficients_csv, std::string_view what = "");

struct Subject {
  Sex sex = Sex::kMale;
  double age_years = 0;
  double height_cm = 0;
  int ethnicity =
      1;  // GLI-2012 only: 1 Caucasian, 2 African-American, 3 NE Asian, 4 SE Asian, 5 Other
};

// Height limits. GLI publishes none: 80–250 cm are the station's plausibility bounds (outside
// them the height is almost surely a typing mistake: metres, inches). ECCS 1993 is valid for
// 1.55–1.95 m (men) and 1.45–1.80 m (women), ages 18–70.
inline constexpr double kGliMinHeight_cm = 80.0;
inline constexpr double kGliMaxHeight_cm = 250.0;

struct Predicted {
  Param param = Param::kFev1;
  double predicted = 0, lln = 0, uln = 0;
  // GLI: L, M, S of the LMS model. ECCS: rsd.
  double l = 0, m = 0, s = 0, rsd = 0;
  bool lms = true;           // GLI (LMS) or ECCS (linear)
  bool provisional = false;  // ECCS with unverified RSD
};

struct Prediction {
  Equation equation = Equation::kGli2012;
  Subject subject;
  std::vector<Predicted> params;  // in a fixed order; only those the equation has
  [[nodiscard]] const Predicted* find(Param p) const;
};

// All parameters of the equation for the subject. Errors: age_out_of_range,
// height_out_of_range, bad_ethnicity, missing_table.
Result<Prediction> predict(const ReferenceTables& tables, Equation equation, const Subject& s);

// One GLI parameter with no height plausibility check (the web-calculator oracle includes heights
// of 50 cm): age must still lie within the table's knots.
Result<Predicted> gli_lms(const GliTables& tables, Param p, const Subject& s);

struct Score {
  double z = 0;
  double pct_pred = 0;
  bool below_lln = false;
  bool above_uln = false;
};
// z and % predicted of a measured value. Error for a non-positive or non-finite measurement.
Result<Score> score(const Predicted& p, double measured);

// ---- Cohorts: the same computation over columns of subjects --------------------------------
// predict() and score() above are this code with one row: there is one implementation. The
// transcendental part runs as Eigen array expressions (vectorised); the per-row part is the
// spline lookup. Pure and re-entrant: callers may run disjoint cohorts on several threads.

struct CohortColumns {  // one entry per subject, all of the same length
  std::vector<Sex> sex;
  Eigen::ArrayXd age_years;
  Eigen::ArrayXd height_cm;
  std::vector<std::uint8_t> ethnicity;  // GLI-2012 group 1-5; not used by the other equations
  [[nodiscard]] std::size_t size() const { return sex.size(); }
  void resize(std::size_t n);
};

// One parameter over the cohort. NaN in every array where the subject has no value for this
// parameter (GLI-2012 FEF25-75/FEF75 tables stop at 90 years; FEV1 etc. go to 95).
struct PredictedColumn {
  Param param = Param::kFev1;
  bool lms = true;           // GLI (l, m, s filled) or ECCS (rsd filled)
  bool provisional = false;  // ECCS with unverified RSD
  Eigen::ArrayXd predicted, lln, uln;
  Eigen::ArrayXd l, m, s;
  Eigen::ArrayXd rsd;
};

struct CohortPrediction {
  Equation equation = Equation::kGli2012;
  std::vector<PredictedColumn> params;  // same order and parameters as Prediction::params
  [[nodiscard]] const PredictedColumn* find(Param p) const;
};

// A subject predict() would refuse: row index (0-based) in the columns, the field at fault
// ("sex", "age", "height", "ethnicity") and predict()'s error for it.
struct SubjectProblem {
  std::size_t row = 0;
  std::string field;
  Error error;
};

// Every parameter of the equation for every subject. Rows predict() would refuse are listed in
// `problems` (at most max_problems of them; `problem_count` counts all) and then nothing is
// computed: the result is Error "bad_subjects" carrying the first problem's message. Other
// errors: missing_table.
Result<CohortPrediction> predict_cohort(const ReferenceTables& tables, Equation equation,
                                        const CohortColumns& subjects,
                                        std::vector<SubjectProblem>& problems,
                                        std::size_t& problem_count, std::size_t max_problems = 10);

struct ScoreColumns {
  Eigen::ArrayXd z, pct_pred;
};
// z and % predicted for a column of measured values (positive, or NaN for "not measured": NaN
// out). Rows where the parameter has no prediction give NaN.
ScoreColumns score_cohort(const PredictedColumn& p, const Eigen::ArrayXd& measured);

}  // namespace odyo::spirometry
