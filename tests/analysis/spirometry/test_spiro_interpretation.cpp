// ATS/ERS 2022 interpretation: patterns, severity by z, conditional change score, yearly decline.
#include <gtest/gtest.h>

#include <cmath>

#include "analysis/spirometry/interpretation.hpp"

namespace sp = odyo::spirometry;

TEST(Interpretation, PatternsAtTheLln) {
  EXPECT_EQ(sp::interpret(-1.0, -1.0, -1.0)->pattern, sp::Pattern::kNormal);
  EXPECT_EQ(sp::interpret(-1.0, -1.0, -1.64)->pattern, sp::Pattern::kNormal);
  EXPECT_EQ(sp::interpret(-1.0, -1.0, -1.65)->pattern, sp::Pattern::kObstruction);
  EXPECT_EQ(sp::interpret(-2.0, -2.0, 0.0)->pattern, sp::Pattern::kPossibleRestriction);
  EXPECT_EQ(sp::interpret(-2.0, -1.0, 0.0)->pattern, sp::Pattern::kPrism);
  EXPECT_EQ(sp::interpret(-3.0, -2.0, -2.0)->pattern, sp::Pattern::kMixed);
  EXPECT_FALSE(sp::interpret(std::nan(""), 0, 0).ok());
}

TEST(Interpretation, SeverityByFev1Z) {
  EXPECT_EQ(sp::interpret(-2.4, -1.0, -2.0)->severity, sp::Severity::kMild);
  EXPECT_EQ(sp::interpret(-2.6, -1.0, -2.0)->severity, sp::Severity::kModerate);
  EXPECT_EQ(sp::interpret(-3.9, -1.0, -2.0)->severity, sp::Severity::kModerate);
  EXPECT_EQ(sp::interpret(-4.1, -1.0, -2.0)->severity, sp::Severity::kSevere);
  EXPECT_EQ(sp::interpret(0.0, 0.0, 0.0)->severity, sp::Severity::kNone);
  auto t = sp::interpret(-2.6, -1.0, -2.0);
  EXPECT_NE(t->text_en.find("moderate"), std::string::npos);
  EXPECT_NE(t->text_tr.find("orta"), std::string::npos);
}

TEST(ChangeScore, ConditionalChangeScoreFromStanojevic2022) {
  // Age 10 at the first test, 1 year between: r = 0.642 − 0.04 + 0.20 = 0.802;
  // z1 = −1, z2 = −3: (−3 + 0.802)/√(1 − 0.802²) = −2.198/0.59733 = −3.6797.
  auto c = sp::conditional_change_score(-1.0, -3.0, 1.0, 10.0);
  ASSERT_TRUE(c.ok());
  EXPECT_NEAR(c->r, 0.802, 1e-12);
  EXPECT_NEAR(c->score, -2.198 / std::sqrt(1 - 0.802 * 0.802), 1e-9);
  EXPECT_TRUE(c->significant_decline);
  auto same = sp::conditional_change_score(-1.0, -0.9, 1.0, 10.0);
  EXPECT_FALSE(same->significant_decline || same->significant_increase);
  // Adults: r ≥ 1, the model does not apply → a clear error, not a number.
  auto adult = sp::conditional_change_score(-1.0, -2.0, 1.0, 40.0);
  ASSERT_FALSE(adult.ok());
  EXPECT_EQ(adult.error().code, "change_score_not_applicable");
}

TEST(ChangeScore, YearlyDeclineForAdults) {
  // 4.00 → 3.30 L in 1 year: 17.5 % > 15 %.
  auto d = sp::fev1_yearly_decline(4.00, 3.30, 1.0);
  ASSERT_TRUE(d.ok());
  EXPECT_NEAR(d->pct_per_year, 17.5, 1e-9);
  EXPECT_TRUE(d->excessive);
  EXPECT_FALSE(sp::fev1_yearly_decline(4.00, 3.50, 1.0)->excessive);  // 12.5 %
  EXPECT_FALSE(sp::fev1_yearly_decline(4.00, 3.50, 0.0).ok());
}
