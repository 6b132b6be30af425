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

// Issue 12, item 8: "NR below the audiometer's minimum … refused": "NR@-10" was averaged as
// −10 dB. A no-response at the lowest level an audiometer presents is not a result.
TEST(Audiogram, NoResponseAtTheMinimumLevelIsRefused) {
  for (int level : {-10, -20}) {
    Audiogram a = both_ears_normal();
    a.right.air[1000] = at(level, PointStatus::no_response);
    auto r = validate(a);
    ASSERT_FALSE(r.ok()) << level;
    EXPECT_TRUE(r.error().code == "no_response_at_minimum" ||
                r.error().code == "level_out_of_range")
        << r.error().code;
    EXPECT_NE(r.error().message.find("right air 1000 Hz"), std::string::npos) << r.error().message;
  }
  Audiogram a = both_ears_normal();
  a.right.air[1000] = at(-10, PointStatus::no_response);
  EXPECT_EQ(validate(a).error().code, "no_response_at_minimum");
  // A device whose range starts at 0 dB HL: NR@0 is refused, NR@-5 is beyond its range.
  AudiometerRange r0;
  r0.min_db_hl = 0;
  a.right.air[1000] = at(0, PointStatus::no_response);
  EXPECT_EQ(validate(a, r0).error().code, "no_response_at_minimum");
  a.right.air[1000] = at(100, PointStatus::no_response);
  EXPECT_TRUE(validate(a, r0).ok());
}

// Issue 12, item 8: "bone worse than air beyond a configurable margin refused".
TEST(Audiogram, BoneWorseThanAirBeyondTheMarginIsRefused) {
  struct Case {
    int air, bone;
    std::optional<int> margin;
    bool ok;
  };
  const Case cases[] = {
      {20, 30, 10, true},            // −10 dB air-bone gap: test-retest
      {20, 35, 10, false},           // −15 dB: refused
      {20, 35, 15, true},            // a wider configured margin
      {20, 21 + 4, 0, false},        // margin 0: any bone above air
      {20, 80, std::nullopt, true},  // not checked
      {60, 10, 10, true},            // a conductive loss (air worse than bone) is normal
  };
  for (const auto& c : cases) {
    Audiogram a = both_ears_normal();
    a.left.air[2000] = at(c.air);
    a.left.bone[2000] = at(c.bone);
    auto r = validate(a, {}, {c.margin});
    EXPECT_EQ(r.ok(), c.ok) << c.air << "/" << c.bone;
    if (!r.ok()) {
      EXPECT_EQ(r.error().code, "bone_worse_than_air");
      EXPECT_NE(r.error().message.find("left 2000 Hz: bone conduction"), std::string::npos)
          << r.error().message;
    }
  }
  // The default margin is 10 dB; a no-response or untested point is not compared.
  Audiogram a = both_ears_normal();
  a.left.air[2000] = at(20);
  a.left.bone[2000] = at(35);
  EXPECT_FALSE(validate(a).ok());
  a.left.air[2000] = at(90, PointStatus::no_response);
  EXPECT_TRUE(validate(a).ok());
}

}  // namespace
}  // namespace odyo::audiometry
