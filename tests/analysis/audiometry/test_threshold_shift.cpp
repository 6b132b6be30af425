// STS, age correction, recordability and baseline revision. Expected values worked by hand
// (rules: reference/audiometry/README.md §2–3; tables: config/audiometry/, the shipped copies).
#include "analysis/audiometry/threshold_shift.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <vector>

namespace odyo::audiometry {
namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

AgeCorrectionTable load(const char* file, const char* name) {
  auto t = AgeCorrectionTable::parse_csv(
      slurp(std::string(ODYO_SOURCE_DIR) + "/config/audiometry/" + file), name);
  if (!t.ok()) ADD_FAILURE() << t.error().message;
  return std::move(t).value();
}
const AgeCorrectionTable& osha() {
  static const AgeCorrectionTable t = load("osha_appendix_f_age_correction.csv", "osha");
  return t;
}
const AgeCorrectionTable& msha() {
  static const AgeCorrectionTable t = load("msha_part62_age_correction_2k3k4k.csv", "msha");
  return t;
}

// 2/3/4 kHz thresholds (plus 1 kHz, not used by STS).
ThresholdCurve c234(int t2k, int t3k, int t4k) {
  ThresholdCurve c;
  c[1000].level_db_hl = 10;
  c[2000].level_db_hl = t2k;
  c[3000].level_db_hl = t3k;
  c[4000].level_db_hl = t4k;
  return c;
}

TEST(AgeTable, ShippedTablesParseAndSpan20To60) {
  EXPECT_EQ(osha().min_age(), 20);
  EXPECT_EQ(osha().max_age(), 60);
  EXPECT_EQ(msha().min_age(), 20);
  EXPECT_EQ(msha().max_age(), 60);
  // Cells read off the CSV rows "M,27,5,4,6,7,11" and "F,60,14,12,16,17,22".
  EXPECT_EQ(*osha().value_db(Sex::male, 27, 4000), 7);
  EXPECT_EQ(*osha().value_db(Sex::female, 60, 6000), 22);
}

TEST(AgeTable, OshaAndMshaDifferAtWomen51At3kHz) {
  // README [!]: OSHA F-2 = 12, MSHA 62-4 = 11.
  EXPECT_EQ(*osha().value_db(Sex::female, 51, 3000), 12);
  EXPECT_EQ(*msha().value_db(Sex::female, 51, 3000), 11);
  // Woman 50 → 51: OSHA allowance at 3 kHz 12 − 11 = 1; MSHA 11 − 11 = 0.
  const auto base = c234(10, 10, 10);
  const auto now = c234(10, 10, 10);
  AgeContext o{&osha(), Sex::female, 50, 51};
  AgeContext m{&msha(), Sex::female, 50, 51};
  EXPECT_EQ((*threshold_shift(base, now, &o).value().allowance_db)[1], 1);
  EXPECT_EQ((*threshold_shift(base, now, &m).value().allowance_db)[1], 0);
}

TEST(AgeTable, AgesAreClampedTo20And60) {
  EXPECT_EQ(*osha().value_db(Sex::male, 17, 3000), *osha().value_db(Sex::male, 20, 3000));
  EXPECT_EQ(*osha().value_db(Sex::male, 70, 3000), 23);    // the "60 or older" row
  EXPECT_FALSE(osha().value_db(Sex::male, 30, 500).ok());  // no 500 Hz column
}

TEST(AgeTable, BadCsvIsRejectedWithTheLine) {
  auto missing = AgeCorrectionTable::parse_csv("sex,age,hz2000,hz3000\nM,20,1,2\nF,20,1,2\n", "x");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("4000 Hz"), std::string::npos);
  auto falling = AgeCorrectionTable::parse_csv(
      "sex,age,hz2000,hz3000,hz4000\nM,20,3,4,5\nM,21,3,3,5\nF,20,1,1,1\nF,21,1,1,1\n", "x");
  ASSERT_FALSE(falling.ok());
  EXPECT_NE(falling.error().message.find("line 3"), std::string::npos) << falling.error().message;
  auto sex = AgeCorrectionTable::parse_csv("sex,age,hz2000,hz3000,hz4000\nX,20,3,4,5\n", "x");
  ASSERT_FALSE(sex.ok());
  EXPECT_NE(sex.error().message.find("M or F"), std::string::npos);
  auto gap = AgeCorrectionTable::parse_csv(
      "sex,age,hz2000,hz3000,hz4000\nM,20,3,4,5\nM,22,3,4,5\nF,20,1,1,1\nF,21,1,1,1\n", "x");
  ASSERT_FALSE(gap.ok());
  EXPECT_NE(gap.error().message.find("consecutive"), std::string::npos);
}

TEST(Sts, RegulationExampleMan27To32) {
  // App. F example: baseline at 27, now 32 → allowances at 2/3/4 kHz: M32 − M27 =
  // (5−4, 7−6, 10−7) = 1, 1, 3. Shifts 10/10/20 → mean 13.33 (STS); corrected
  // (9 + 9 + 17) / 3 = 11.67 (still STS).
  AgeContext age{&osha(), Sex::male, 27, 32};
  auto s = threshold_shift(c234(5, 10, 10), c234(15, 20, 30), &age);
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(*s->allowance_db, (std::array<int, 3>{1, 1, 3}));
  EXPECT_NEAR(s->mean_shift_db, 40.0 / 3.0, 1e-9);
  EXPECT_TRUE(s->sts);
  EXPECT_NEAR(*s->mean_shift_corrected_db, 35.0 / 3.0, 1e-9);
  EXPECT_TRUE(*s->sts_corrected);
  EXPECT_EQ(s->age_table, "osha");
}

TEST(Sts, ReferenceWorkedExampleWoman30To55) {
  // README §2.2: baseline 10/15/15, now 20/30/30; raw mean 13.3 → STS; allowances F55 − F30 =
  // (11−6, 14−5, 14−5) = 5/9/9; corrected 5/6/6 → mean 5.67 → no STS; current mean 26.67 ≥ 25:
  // recordable only without age correction.
  AgeContext age{&osha(), Sex::female, 30, 55};
  auto s = threshold_shift(c234(10, 15, 15), c234(20, 30, 30), &age);
  ASSERT_TRUE(s.ok());
  EXPECT_TRUE(s->sts);
  EXPECT_EQ(*s->allowance_db, (std::array<int, 3>{5, 9, 9}));
  EXPECT_NEAR(*s->mean_shift_corrected_db, 17.0 / 3.0, 1e-9);
  EXPECT_FALSE(*s->sts_corrected);
  EXPECT_NEAR(s->current_mean_db_hl, 80.0 / 3.0, 1e-9);
  EXPECT_TRUE(s->recordable_uncorrected);
  EXPECT_FALSE(*s->recordable_corrected);
  EXPECT_FALSE(s->recordable());  // the age-corrected decision is the one reported
}

TEST(Sts, BoundaryAt10dB) {
  // Shifts 5/10/15 → mean exactly 10 → STS.
  EXPECT_TRUE(threshold_shift(c234(10, 10, 10), c234(15, 20, 25)).value().sts);
  // Shifts 5/10/10 → 8.33 → no STS.
  EXPECT_FALSE(threshold_shift(c234(10, 10, 10), c234(15, 20, 20)).value().sts);
  // A 10 dB improvement is not a shift.
  EXPECT_FALSE(threshold_shift(c234(20, 20, 20), c234(10, 10, 10)).value().sts);
}

TEST(Sts, RecordableNeedsStsAndMean25InTheSameEar) {
  // Baseline 10/15/20, now 20/25/30: shifts 10/10/10 → STS; current mean 25 → recordable.
  auto yes = threshold_shift(c234(10, 15, 20), c234(20, 25, 30)).value();
  EXPECT_TRUE(yes.sts);
  EXPECT_NEAR(yes.current_mean_db_hl, 25.0, 1e-9);
  EXPECT_TRUE(yes.recordable());
  // Baseline 5/10/15, now 15/25/30: shifts 10/15/15 → STS; current mean 23.33 < 25 → not.
  auto no = threshold_shift(c234(5, 10, 15), c234(15, 25, 30)).value();
  EXPECT_TRUE(no.sts);
  EXPECT_FALSE(no.recordable());
  // Both ears: STS in the left, ≥ 25 only in the right → not recordable (README §3: same ear).
  Audiogram base, now;
  base.right.air = c234(30, 30, 30);
  now.right.air = c234(30, 30, 30);  // mean 30 but no shift
  base.left.air = c234(0, 0, 5);
  now.left.air = c234(10, 15, 10);  // shift 10/15/5 = 10 → STS, mean 11.67
  auto r = threshold_shift(base, now);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->sts_any());
  EXPECT_FALSE(r->recordable());
}

TEST(Sts, BaselineNoResponseOrMissingFrequencyIsAnError) {
  auto base = c234(10, 10, 10);
  base[3000].status = PointStatus::no_response;
  auto r = threshold_shift(base, c234(10, 10, 10));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "baseline_no_response");
  auto cur = c234(10, 10, 10);
  cur.erase(4000);
  auto m = threshold_shift(c234(10, 10, 10), cur);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().code, "frequency_not_tested");
  EXPECT_NE(m.error().message.find("current"), std::string::npos);
}

TEST(Sts, CurrentAgeBelowBaselineAgeIsAnError) {
  AgeContext age{&osha(), Sex::male, 40, 30};
  EXPECT_EQ(threshold_shift(c234(10, 10, 10), c234(10, 10, 10), &age).error().code, "bad_age");
}

TEST(BaselineRevision, PersistentShiftProposesTheBestOfTheLatestTwo) {
  // Baseline 10/10/10 (mean 10). Later: [15/15/15 (shift 5), 20/20/20 (shift 10, mean 20),
  // 25/25/25 (shift 15, mean 25)] → latest two both STS → persistent; best mean 20 → index 1.
  const auto base = c234(10, 10, 10);
  std::vector<ThresholdCurve> later{c234(15, 15, 15), c234(20, 20, 20), c234(25, 25, 25)};
  auto p = propose_baseline_revision(base, later);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->reason, RevisionReason::persistent_shift);
  EXPECT_EQ(p->new_baseline_index, 1);
  EXPECT_NEAR(p->new_baseline_mean_db_hl, 20.0, 1e-9);
}

TEST(BaselineRevision, ShiftNotConfirmedGivesNoProposal) {
  // Latest two: 25/25/25 (STS) then 15/15/15 (shift 5) → not persistent.
  const auto base = c234(10, 10, 10);
  std::vector<ThresholdCurve> later{c234(25, 25, 25), c234(15, 15, 15)};
  EXPECT_EQ(propose_baseline_revision(base, later).value().reason, RevisionReason::none);
  // A single later audiogram can never show persistence (count 2).
  std::vector<ThresholdCurve> one{c234(40, 40, 40)};
  EXPECT_EQ(propose_baseline_revision(base, one).value().reason, RevisionReason::none);
}

TEST(BaselineRevision, PersistentImprovement) {
  // Baseline 30/30/30. Later 20/20/20 (−10) and 15/20/20 (−11.67, mean 18.33) → improvement;
  // best mean 18.33 → index 1.
  const auto base = c234(30, 30, 30);
  std::vector<ThresholdCurve> later{c234(20, 20, 20), c234(15, 20, 20)};
  auto p = propose_baseline_revision(base, later).value();
  EXPECT_EQ(p.reason, RevisionReason::improvement);
  EXPECT_EQ(p.new_baseline_index, 1);
  EXPECT_NEAR(p.new_baseline_mean_db_hl, 55.0 / 3.0, 1e-9);
  // An improvement of 5 dB (25/25/25) on the latest is below the 10 dB default → none.
  std::vector<ThresholdCurve> small{c234(20, 20, 20), c234(25, 25, 25)};
  EXPECT_EQ(propose_baseline_revision(base, small).value().reason, RevisionReason::none);
}

}  // namespace
}  // namespace odyo::audiometry
