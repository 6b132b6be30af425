// Audiogram model validation: standard frequencies, device range and step, missing ear.
#include "analysis/audiometry/audiogram.hpp"

#include <gtest/gtest.h>

namespace odyo::audiometry {
namespace {

ThresholdPoint at(int level, PointStatus s = PointStatus::measured) {
  ThresholdPoint p;
  p.level_db_hl = level;
  p.status = s;
  return p;
}

Audiogram both_ears_normal() {
  Audiogram a;
  for (int hz : {500, 1000, 2000, 3000, 4000, 6000, 8000}) {
    a.right.air[hz] = at(10);
    a.left.air[hz] = at(15);
  }
  return a;
}

TEST(Audiogram, ValidAudiogramPasses) {
  Audiogram a = both_ears_normal();
  a.right.bone[1000] = at(5);
  a.left.air[125] = at(-10);                            // lowest level of the range
  a.left.air[250] = at(120, PointStatus::no_response);  // NR at the maximum
  a.left.air[16000] = at(60);                           // extended high frequency
  a.right.air[750] = at(0, PointStatus::not_tested);    // not tested: level not checked
  EXPECT_TRUE(validate(a).ok());
}

TEST(Audiogram, UnknownFrequencyIsRejected) {
  Audiogram a = both_ears_normal();
  a.right.air[1234] = at(20);
  auto r = validate(a);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "unknown_frequency");
  EXPECT_NE(r.error().message.find("right air 1234 Hz"), std::string::npos) << r.error().message;
}

TEST(Audiogram, BoneAt8kHzIsNotAStandardFrequency) {
  Audiogram a = both_ears_normal();
  a.left.bone[8000] = at(20);  // bone conduction stops at 4 kHz
  auto r = validate(a);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "unknown_frequency");
}

TEST(Audiogram, LevelOffTheStepIsRejected) {
  Audiogram a = both_ears_normal();
  a.left.air[2000] = at(27);
  auto r = validate(a);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "level_off_step");
  EXPECT_NE(r.error().message.find("27 dB HL"), std::string::npos);
}

TEST(Audiogram, NegativeLevelsOnTheStepAreAccepted) {
  Audiogram a = both_ears_normal();
  a.left.air[2000] = at(-5);
  EXPECT_TRUE(validate(a).ok());
  a.left.air[2000] = at(-7);
  EXPECT_EQ(validate(a).error().code, "level_off_step");
}

TEST(Audiogram, LevelBeyondTheRangeIsRejected) {
  Audiogram a = both_ears_normal();
  a.right.air[4000] = at(125);
  EXPECT_EQ(validate(a).error().code, "level_out_of_range");
  a.right.air[4000] = at(-15);
  EXPECT_EQ(validate(a).error().code, "level_out_of_range");
}

TEST(Audiogram, PerFrequencyDeviceMaximumApplies) {
  AudiometerRange tdh39;  // Resonance R25C manual: 125 Hz 80, 8 kHz 100 dB HL
  tdh39.max_db_hl_at_hz = {{125, 80}, {8000, 100}};
  Audiogram a = both_ears_normal();
  a.right.air[8000] = at(100);
  EXPECT_TRUE(validate(a, tdh39).ok());
  a.right.air[8000] = at(105);
  auto r = validate(a, tdh39);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "level_out_of_range");
  EXPECT_NE(r.error().message.find("-10…100"), std::string::npos) << r.error().message;
}

TEST(Audiogram, MaskingLevelIsValidatedToo) {
  Audiogram a = both_ears_normal();
  ThresholdPoint p = at(50);
  p.masking_db_hl = 63;
  a.right.air[1000] = p;
  EXPECT_EQ(validate(a).error().code, "level_off_step");
  a.right.air[1000].masking_db_hl = 60;
  EXPECT_TRUE(validate(a).ok());
}

TEST(Audiogram, MissingEarIsRejected) {
  Audiogram a = both_ears_normal();
  a.left.air.clear();
  auto r = validate(a);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "missing_ear");
  EXPECT_NE(r.error().message.find("left"), std::string::npos);
}

TEST(Audiogram, EarWithOnlyNotTestedPointsCountsAsMissing) {
  Audiogram a = both_ears_normal();
  a.right.air.clear();
  a.right.air[1000] = at(0, PointStatus::not_tested);
  EXPECT_EQ(validate(a).error().code, "missing_ear");
}

}  // namespace
}  // namespace odyo::audiometry
