// Reference equations against independent data: the official GLI web calculator (1000 random
// subjects, 15 values each, 3 decimals) and hand-worked ECCS/ERS 1993 values.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <fstream>
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
    auto g12 =
        sp::parse_gli_tables(sp::Equation::kGli2012, slurp(kRef + "gli2012_coefficients.csv"),
                             slurp(kRef + "gli2012_splines.csv"));
    auto gg = sp::parse_gli_tables(sp::Equation::kGliGlobal2022,
                                   slurp(kRef + "gli_global2022_coefficients.csv"),
                                   slurp(kRef + "gli_global2022_splines.csv"));
    auto ec = sp::parse_eccs_tables(slurp(kRef + "eccs1993_coefficients.csv"));
    EXPECT_TRUE(g12.ok() && gg.ok() && ec.ok());
    if (g12) r.gli2012 = *g12;
    if (gg) r.gli_global2022 = *gg;
    if (ec) r.eccs1993 = *ec;
    return r;
  }();
  return t;
}

double round3(double x) {
  return std::round(x * 1000.0) / 1000.0;
}
}  // namespace

TEST(GliOracle, AllFifteenValuesOfEveryRowEqualAtThreeDecimals) {
  std::ifstream in(std::string(ODYO_TEST_DATA_DIR) +
                   "/spirometry/gli/gli2012_webcalculator_oracle_grid.csv");
  std::string line;
  std::getline(in, line);
  const sp::Param params[] = {sp::Param::kFev1, sp::Param::kFvc, sp::Param::kFev1Fvc,
                              sp::Param::kFef2575, sp::Param::kFef75};
  int rows = 0, values = 0, equal = 0, via_predict = 0;
  while (std::getline(in, line)) {
    std::vector<std::string> f;
    std::stringstream ss(line);
    std::string cell;
    while (std::getline(ss, cell, ',')) f.push_back(cell);
    ASSERT_EQ(f.size(), 19u) << line;
    sp::Subject s{f[0] == "M" ? sp::Sex::kMale : sp::Sex::kFemale, std::stod(f[2]), std::stod(f[3]),
                  std::stoi(f[1])};
    ++rows;
    for (int p = 0; p < 5; ++p) {
      auto r = sp::gli_lms(tables().gli2012, params[p], s);
      ASSERT_TRUE(r.ok()) << line << ": " << r.error().message;
      const double want[3] = {std::stod(f[4 + 3 * p]), std::stod(f[5 + 3 * p]),
                              std::stod(f[6 + 3 * p])};
      const double got[3] = {r->predicted, r->lln, r->uln};
      for (int k = 0; k < 3; ++k) {
        ++values;
        if (std::abs(round3(got[k]) - want[k]) < 1e-9)
          ++equal;
        else
          ADD_FAILURE() << "row " << rows << " " << sp::param_id(params[p]) << " value " << k
                        << ": got " << got[k] << ", web calculator " << want[k];
      }
    }
    // The user-facing predict() gives the same numbers where the height is plausible.
    if (s.height_cm >= sp::kGliMinHeight_cm && s.height_cm <= sp::kGliMaxHeight_cm) {
      auto pr = sp::predict(tables(), sp::Equation::kGli2012, s);
      ASSERT_TRUE(pr.ok()) << pr.error().message;
      ASSERT_EQ(pr->params.size(), 5u);
      EXPECT_NEAR(round3(pr->find(sp::Param::kFev1)->lln), std::stod(f[5]), 1e-9);
      ++via_predict;
    }
  }
  EXPECT_EQ(rows, 1000);
  EXPECT_EQ(equal, 15000);
  std::printf("GLI oracle: %d of %d values equal at 3 decimals (%d rows; %d also via predict)\n",
              equal, values, rows, via_predict);
}

TEST(GliSpline, InterpolatesBetweenQuarterYearKnotsAndUsesActualAge) {
  // Worked by hand from config/reference/gli2012_splines.csv, FEV1 male: the knots at 40.00 and
  // 40.25 years. At 40.1 years w = 0.4. Check that predict() at 40.1 lies strictly between the
  // values at the two knots (no rounding of age to 0.25) and equals the formula with w = 0.4.
  const auto& e = tables().gli2012.eq.at({sp::Param::kFev1, sp::Sex::kMale});
  const auto i = static_cast<std::size_t>((40.0 - e.age_min) / 0.25);
  const double mspl = e.knots[i].m + 0.4 * (e.knots[i + 1].m - e.knots[i].m);
  // FEV1 male, Caucasian: M = exp(a0 + a1 ln(h) + a2 ln(age) + Mspline).
  const double m_hand =
      std::exp(-10.342 + 2.2196 * std::log(175.0) + 0.0574 * std::log(40.1) + mspl);
  auto r = sp::gli_lms(tables().gli2012, sp::Param::kFev1, {sp::Sex::kMale, 40.1, 175.0, 1});
  ASSERT_TRUE(r.ok());
  EXPECT_NEAR(r->predicted, m_hand, 1e-12);
  auto a = sp::gli_lms(tables().gli2012, sp::Param::kFev1, {sp::Sex::kMale, 40.0, 175.0, 1});
  auto b = sp::gli_lms(tables().gli2012, sp::Param::kFev1, {sp::Sex::kMale, 40.25, 175.0, 1});
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(r->predicted, a->predicted);
  EXPECT_NE(r->predicted, b->predicted);
}

TEST(GliGlobal2022, HandWorkedValueAndRaceNeutral) {
  // GLI Global 2022 FEV1, female, 30 y, 165 cm; coefficients from
  // gli_global2022_coefficients.csv, spline at the 30.00 knot (w = 0).
  const auto& e = tables().gli_global2022.eq.at({sp::Param::kFev1, sp::Sex::kFemale});
  const auto i = static_cast<std::size_t>((30.0 - e.age_min) / 0.25);
  const double m =
      std::exp(-10.901689 + 2.385928 * std::log(165.0) - 0.076386 * std::log(30.0) + e.knots[i].m);
  const double s = std::exp(-2.364047 + 0.129402 * std::log(30.0) + e.knots[i].s);
  const double l = 1.21388;
  auto r = sp::predict(tables(), sp::Equation::kGliGlobal2022, {sp::Sex::kFemale, 30.0, 165.0, 3});
  ASSERT_TRUE(r.ok()) << r.error().message;
  const auto* fev1 = r->find(sp::Param::kFev1);
  ASSERT_NE(fev1, nullptr);
  EXPECT_NEAR(fev1->predicted, m, 1e-12);
  EXPECT_NEAR(fev1->lln, m * std::pow(1 - 1.645 * l * s, 1 / l), 1e-12);
  EXPECT_EQ(r->params.size(), 3u);  // FEV1, FVC, FEV1FVC only
  auto other =
      sp::predict(tables(), sp::Equation::kGliGlobal2022, {sp::Sex::kFemale, 30.0, 165.0, 1});
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(other->find(sp::Param::kFev1)->predicted, fev1->predicted);  // ethnicity ignored
}

TEST(Eccs1993, HandWorkedValuesAndAgeClamp) {
  // Men FVC: 5.76·H − 0.026·A − 4.34, RSD 0.61. H = 1.75 m, A = 40:
  // 10.08 − 1.04 − 4.34 = 4.70 L; LLN = 4.70 − 1.64·0.61 = 3.6996 L.
  auto r = sp::predict(tables(), sp::Equation::kEccs1993, {sp::Sex::kMale, 40.0, 175.0, 1});
  ASSERT_TRUE(r.ok()) << r.error().message;
  const auto* fvc = r->find(sp::Param::kFvc);
  ASSERT_NE(fvc, nullptr);
  EXPECT_NEAR(fvc->predicted, 4.70, 1e-9);
  EXPECT_NEAR(fvc->lln, 3.6996, 1e-9);
  EXPECT_TRUE(fvc->provisional);  // RSD column unverified
  // Age 20 uses 25: 10.08 − 0.65 − 4.34 = 5.09 L.
  auto young = sp::predict(tables(), sp::Equation::kEccs1993, {sp::Sex::kMale, 20.0, 175.0, 1});
  ASSERT_TRUE(young.ok());
  EXPECT_NEAR(young->find(sp::Param::kFvc)->predicted, 5.09, 1e-9);
  // ECCS MEF25 is ATS FEF75: men 2.61·H − 0.026·A − 1.34 = 4.5675 − 1.04 − 1.34 = 2.1875 L/s.
  EXPECT_NEAR(r->find(sp::Param::kFef75)->predicted, 2.1875, 1e-9);
  // z = (measured − predicted)/RSD: 4.09 L → (4.09 − 4.70)/0.61 = −1.0.
  auto z = sp::score(*fvc, 4.09);
  ASSERT_TRUE(z.ok());
  EXPECT_NEAR(z->z, -1.0, 1e-9);
  EXPECT_NEAR(z->pct_pred, 100.0 * 4.09 / 4.70, 1e-9);
  EXPECT_EQ(r->find(sp::Param::kFev1Fvc), nullptr);  // ECCS has FEV1/IVC, not FEV1/FVC
}

TEST(GliScore, ZAndPercentPredicted) {
  auto r = sp::predict(tables(), sp::Equation::kGli2012, {sp::Sex::kMale, 45.0, 178.0, 1});
  ASSERT_TRUE(r.ok());
  const auto* fev1 = r->find(sp::Param::kFev1);
  // At the LLN the z-score is −1.645 by construction of the LMS model; at M it is 0.
  EXPECT_NEAR(sp::score(*fev1, fev1->lln)->z, -1.645, 1e-9);
  EXPECT_NEAR(sp::score(*fev1, fev1->uln)->z, 1.645, 1e-9);
  EXPECT_NEAR(sp::score(*fev1, fev1->predicted)->z, 0.0, 1e-12);
  EXPECT_NEAR(sp::score(*fev1, 0.8 * fev1->predicted)->pct_pred, 80.0, 1e-9);
  EXPECT_FALSE(sp::score(*fev1, 0.0).ok());
  EXPECT_FALSE(sp::score(*fev1, std::nan("")).ok());
}

TEST(ReferenceBadInput, AgeHeightEthnicityGiveClearErrors) {
  auto age2 = sp::predict(tables(), sp::Equation::kGli2012, {sp::Sex::kMale, 2.0, 90.0, 1});
  ASSERT_FALSE(age2.ok());
  EXPECT_EQ(age2.error().code, "age_out_of_range");
  EXPECT_NE(age2.error().message.find("2.00"), std::string::npos);
  auto age96 =
      sp::predict(tables(), sp::Equation::kGliGlobal2022, {sp::Sex::kFemale, 96.0, 160.0, 1});
  ASSERT_FALSE(age96.ok());
  EXPECT_EQ(age96.error().code, "age_out_of_range");
  auto h50 = sp::predict(tables(), sp::Equation::kGli2012, {sp::Sex::kMale, 40.0, 50.0, 1});
  ASSERT_FALSE(h50.ok());
  EXPECT_EQ(h50.error().code, "height_out_of_range");
  EXPECT_NE(h50.error().message.find("centimetres"), std::string::npos);
  auto eth = sp::predict(tables(), sp::Equation::kGli2012, {sp::Sex::kMale, 40.0, 170.0, 6});
  ASSERT_FALSE(eth.ok());
  EXPECT_EQ(eth.error().code, "bad_ethnicity");
  auto eccs_old = sp::predict(tables(), sp::Equation::kEccs1993, {sp::Sex::kMale, 75.0, 170.0, 1});
  ASSERT_FALSE(eccs_old.ok());
  EXPECT_EQ(eccs_old.error().code, "age_out_of_range");
  auto eccs_tall =
      sp::predict(tables(), sp::Equation::kEccs1993, {sp::Sex::kFemale, 40.0, 185.0, 1});
  ASSERT_FALSE(eccs_tall.ok());
  EXPECT_EQ(eccs_tall.error().code, "height_out_of_range");
  // Age 92: FEV1/FVC are given, FEF tables (to 90 y) are left out, never extrapolated.
  auto age92 = sp::predict(tables(), sp::Equation::kGli2012, {sp::Sex::kMale, 92.0, 170.0, 1});
  ASSERT_TRUE(age92.ok());
  EXPECT_NE(age92->find(sp::Param::kFev1), nullptr);
  EXPECT_EQ(age92->find(sp::Param::kFef2575), nullptr);
}

TEST(ReferenceTables, DamagedTablesAreRejectedWithLineNumbers) {
  auto bad = sp::parse_gli_tables(sp::Equation::kGliGlobal2022,
                                  "param,sex,a0,a1,a2,p0,p1,q0,q1\nFEV1,M,1,2,x,4,5,6,7\n",
                                  "param,sex,age,M,S,L\n", "test");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("line 2"), std::string::npos);
  auto gap = sp::parse_gli_tables(
      sp::Equation::kGliGlobal2022, "param,sex,a0,a1,a2,p0,p1,q0,q1\nFEV1,M,1,2,3,4,5,6,7\n",
      "param,sex,age,M,S,L\nFEV1,M,3,0,0,0\nFEV1,M,3.5,0,0,0\n", "test");
  ASSERT_FALSE(gap.ok());
  EXPECT_NE(gap.error().message.find("line 3"), std::string::npos);
  auto eccs = sp::parse_eccs_tables("h\nFVC,M,L,1,2,3,0,no\n");
  EXPECT_FALSE(eccs.ok());  // RSD 0
}

TEST(Evaluate, ReportedValuesAgainstPredictionAndInterpretation) {
  // A session of three identical synthetic blows (FVC 6.107 L, FEV1 4.158 L, worked out in
  // test_spiro_quality.cpp) for a 40-year-old 175 cm man, GLI-2012.
  std::vector<double> blow;
  {
    // Piecewise-linear flow at 1 kHz: 0.5 s rest, 0→8 L/s in 40 ms, 8→3 in 0.5 s, 3→0.5 in
    // 1.5 s, 0.5→0.048 in 2 s, 0.048→0 in 1 s, 1 s rest.
    const double knots[][2] = {{0.5, 0.0},   {0.04, 8.0}, {0.5, 3.0}, {1.5, 0.5},
                               {2.0, 0.048}, {1.0, 0.0},  {1.0, 0.0}};
    double prev = 0.0;
    blow.push_back(0.0);
    for (const auto& k : knots) {
      const int n = static_cast<int>(std::lround(k[0] * 1000));
      for (int j = 1; j <= n; ++j) blow.push_back(prev + (k[1] - prev) * j / n);
      prev = k[1];
    }
  }
  std::vector<Eigen::Map<const Eigen::VectorXd>> views(
      3, Eigen::Map<const Eigen::VectorXd>(blow.data(), static_cast<Eigen::Index>(blow.size())));
  auto s = sp::analyse_session(views, {.sample_rate_hz = 1000.0}, {.age_years = 40.0});
  ASSERT_TRUE(s.ok()) << s.error().message;
  auto p = sp::predict(tables(), sp::Equation::kGli2012, {sp::Sex::kMale, 40.0, 175.0, 1});
  ASSERT_TRUE(p.ok());
  auto ev = sp::evaluate(*s, *p);
  ASSERT_TRUE(ev.ok()) << ev.error().message;
  EXPECT_EQ(ev->equation, sp::Equation::kGli2012);
  const sp::ParamResult* fev1 = nullptr;
  for (const auto& x : ev->params)
    if (x.param == sp::Param::kFev1) fev1 = &x;
  ASSERT_NE(fev1, nullptr);
  EXPECT_NEAR(fev1->measured, 4.158, 1e-4);
  // z from the LMS formula by hand with this row's L, M, S.
  const double z = (std::pow(4.158 / fev1->reference.m, fev1->reference.l) - 1) /
                   (fev1->reference.l * fev1->reference.s);
  EXPECT_NEAR(fev1->score.z, z, 1e-3);
  ASSERT_TRUE(ev->interpretation.has_value());
  // FEV1/FVC = 0.681 for a 40-year-old man: check the pattern against the ratio's own z.
  const sp::ParamResult* ratio = nullptr;
  for (const auto& x : ev->params)
    if (x.param == sp::Param::kFev1Fvc) ratio = &x;
  ASSERT_NE(ratio, nullptr);
  EXPECT_EQ(ev->interpretation->pattern == sp::Pattern::kObstruction ||
                ev->interpretation->pattern == sp::Pattern::kMixed,
            ratio->score.z < -1.645);
}
