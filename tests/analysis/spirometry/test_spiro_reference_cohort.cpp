// predict_cohort / score_cohort: the columns give what predict() / score() give row by row (the
// single command and the batch share one computation), and refused rows are named.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "analysis/spirometry/spirometry.hpp"

namespace sp = odyo::spirometry;

namespace {
std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}
const std::string kRef = std::string(ODYO_SOURCE_DIR) + "/config/reference/";

const sp::ReferenceTables& tables() {
  static const sp::ReferenceTables t = [] {
    sp::ReferenceTables r;
    r.gli2012 =
        *sp::parse_gli_tables(sp::Equation::kGli2012, slurp(kRef + "gli2012_coefficients.csv"),
                              slurp(kRef + "gli2012_splines.csv"));
    r.gli_global2022 = *sp::parse_gli_tables(sp::Equation::kGliGlobal2022,
                                             slurp(kRef + "gli_global2022_coefficients.csv"),
                                             slurp(kRef + "gli_global2022_splines.csv"));
    r.eccs1993 = *sp::parse_eccs_tables(slurp(kRef + "eccs1993_coefficients.csv"));
    return r;
  }();
  return t;
}

// Random subjects over the whole GLI range (FEF stops at 90 years: those rows have no FEF).
sp::CohortColumns cohort(std::size_t n, double age_lo, double age_hi, double h_lo, double h_hi) {
  std::mt19937 g(42);
  std::uniform_real_distribution<double> age(age_lo, age_hi), height(h_lo, h_hi);
  sp::CohortColumns c;
  c.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    c.sex[i] = i % 2 == 0 ? sp::Sex::kMale : sp::Sex::kFemale;
    c.age_years[static_cast<Eigen::Index>(i)] = age(g);
    c.height_cm[static_cast<Eigen::Index>(i)] = height(g);
    c.ethnicity[i] = static_cast<std::uint8_t>(1 + i % 5);
  }
  return c;
}

// Vectorised exp/log against the scalar ones for a single row: a few ulp.
void expect_close(double a, double b) {
  EXPECT_NEAR(a, b, 1e-12 * std::max(1.0, std::abs(b)));
}

void rows_match_single(sp::Equation eq, const sp::CohortColumns& c) {
  std::vector<sp::SubjectProblem> problems;
  std::size_t count = 0;
  auto cp = sp::predict_cohort(tables(), eq, c, problems, count);
  ASSERT_TRUE(cp.ok()) << cp.error().message;
  EXPECT_EQ(count, 0u);
  std::size_t compared = 0, missing = 0;
  for (std::size_t i = 0; i < c.size(); ++i) {
    const auto r = static_cast<Eigen::Index>(i);
    auto one =
        sp::predict(tables(), eq, {c.sex[i], c.age_years[r], c.height_cm[r], c.ethnicity[i]});
    ASSERT_TRUE(one.ok()) << one.error().message;
    for (const auto& col : cp->params) {
      const sp::Predicted* p = one->find(col.param);
      if (p == nullptr) {  // no value for this row: NaN in the column
        EXPECT_TRUE(std::isnan(col.predicted[r]) && std::isnan(col.lln[r]));
        ++missing;
        continue;
      }
      expect_close(col.predicted[r], p->predicted);
      expect_close(col.lln[r], p->lln);
      expect_close(col.uln[r], p->uln);
      const double measured = 0.9 * p->predicted;
      auto s = sp::score(*p, measured);
      ASSERT_TRUE(s.ok());
      auto sc = sp::score_cohort(
          col, Eigen::ArrayXd::Constant(c.size(), 0.9).cwiseProduct(col.predicted));
      expect_close(sc.z[r], s->z);
      expect_close(sc.pct_pred[r], s->pct_pred);
      ++compared;
    }
  }
  EXPECT_GT(compared, c.size() * 2);
  if (eq == sp::Equation::kGli2012) {
    EXPECT_GT(missing, 0u);  // ages past 90: no FEF
  }
}
}  // namespace

TEST(SpiroCohort, Gli2012ColumnsEqualSingleSubject) {
  rows_match_single(sp::Equation::kGli2012, cohort(3000, 3.0, 95.0, 90.0, 200.0));
}

TEST(SpiroCohort, GliGlobal2022ColumnsEqualSingleSubject) {
  rows_match_single(sp::Equation::kGliGlobal2022, cohort(3000, 3.0, 95.0, 90.0, 200.0));
}

TEST(SpiroCohort, Eccs1993ColumnsEqualSingleSubject) {
  rows_match_single(sp::Equation::kEccs1993, cohort(2000, 18.0, 70.0, 155.0, 180.0));
}

TEST(SpiroCohort, NotMeasuredGivesNoScore) {
  auto c = cohort(4, 30.0, 40.0, 160.0, 180.0);
  std::vector<sp::SubjectProblem> problems;
  std::size_t count = 0;
  auto cp = sp::predict_cohort(tables(), sp::Equation::kGliGlobal2022, c, problems, count);
  ASSERT_TRUE(cp.ok());
  Eigen::ArrayXd m(4);
  m << 3.0, std::nan(""), 2.5, std::nan("");
  auto s = sp::score_cohort(*cp->find(sp::Param::kFev1), m);
  EXPECT_TRUE(std::isfinite(s.z[0]) && std::isfinite(s.z[2]));
  EXPECT_TRUE(std::isnan(s.z[1]) && std::isnan(s.pct_pred[3]));
}

TEST(SpiroCohort, RefusedRowsAreNamedWithTheSingleSubjectMessage) {
  auto c = cohort(6, 30.0, 40.0, 160.0, 180.0);
  c.age_years[1] = 2.0;   // below GLI's 3 years
  c.height_cm[3] = 1.72;  // metres
  c.ethnicity[4] = 7;     // no such group
  std::vector<sp::SubjectProblem> problems;
  std::size_t count = 0;
  auto cp = sp::predict_cohort(tables(), sp::Equation::kGli2012, c, problems, count);
  ASSERT_FALSE(cp.ok());
  EXPECT_EQ(cp.error().code, "bad_subjects");
  EXPECT_EQ(count, 3u);
  ASSERT_EQ(problems.size(), 3u);
  EXPECT_EQ(problems[0].row, 1u);
  EXPECT_EQ(problems[0].field, "age");
  EXPECT_EQ(problems[1].row, 3u);
  EXPECT_EQ(problems[1].field, "height");
  EXPECT_EQ(problems[2].row, 4u);
  EXPECT_EQ(problems[2].field, "ethnicity");
  // The same message the single subject gets.
  auto one = sp::predict(tables(), sp::Equation::kGli2012, {sp::Sex::kFemale, 2.0, 170.0, 1});
  ASSERT_FALSE(one.ok());
  EXPECT_EQ(problems[0].error.code, one.error().code);
  // At most max_problems listed, all counted.
  auto again = sp::predict_cohort(tables(), sp::Equation::kGli2012, c, problems, count, 1);
  EXPECT_FALSE(again.ok());
  EXPECT_EQ(problems.size(), 1u);
  EXPECT_EQ(count, 3u);
}
