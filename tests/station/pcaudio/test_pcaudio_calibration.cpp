// Calibration file loading and validation (station/pcaudio/calibration.hpp) and the dB HL →
// digital level mapping it feeds. Expected numbers are worked out by hand from the example file
// and config/audiometry/retspl.csv (TDH-39 on the IEC 60318-3 coupler).
#include <gtest/gtest.h>

#include <chrono>

#include "analysis/audiometry/tone/levels.hpp"
#include "station/pcaudio/calibration.hpp"
#include "tests/station/pcaudio/pcaudio_test_files.hpp"

namespace odyo::station::pcaudio {
namespace {

using namespace std::chrono;
using namespace testing;
namespace tone = audiometry::tone;

constexpr year_month_day kToday{year{2026}, month{11}, day{23}};

TEST(PcaudioCalibration, ExampleLoadsWithSensitivitiesAndRetspl) {
  auto cal = load_calibration(example_calibration(), kToday);
  ASSERT_TRUE(cal.ok()) << cal.error().message;
  EXPECT_TRUE(cal->example);
  EXPECT_EQ(cal->channels, 2);
  EXPECT_EQ(cal->points.size(), 22U);  // 11 frequencies × 2 channels
  const auto* p = cal->point(Ear::left, 1000);
  ASSERT_NE(p, nullptr);
  // −30 dBFS read 82 dB SPL → S = 112 dB; TDH-39 RETSPL at 1 kHz = 7 dB.
  EXPECT_DOUBLE_EQ(p->sensitivity_db, 112.0);
  EXPECT_DOUBLE_EQ(p->retspl_db, 7.0);
  EXPECT_DOUBLE_EQ(cal->point(Ear::right, 1000)->sensitivity_db, 111.5);
  EXPECT_DOUBLE_EQ(cal->point(Ear::left, 6000)->retspl_db, 15.5);
  EXPECT_EQ(to_iso(expiry_date(*cal, 12)), "2027-11-02");
}

TEST(PcaudioCalibration, DecibelsHearingLevelToDigitalLevel) {
  auto cal = load_calibration(example_calibration(), kToday);
  ASSERT_TRUE(cal.ok());
  const auto table = cal->levels();
  // Left 1 kHz, 40 dB HL: D = 40 + 7 − 112 = −65 dBFS; amplitude 10^(−65/20) = 5.6234e-4.
  auto t = tone::plan_tone(table, Ear::left, 1000, 40.0);
  ASSERT_TRUE(t.ok());
  EXPECT_DOUBLE_EQ(t->digital_level_dbfs, -65.0);
  EXPECT_NEAR(t->peak_amplitude, 5.6234133e-4, 1e-10);
  EXPECT_FALSE(t->needs_warning);
  // Right 4 kHz, 0 dB HL: D = 0 + 9.5 − 113.5 = −104 dBFS.
  t = tone::plan_tone(table, Ear::right, 4000, 0.0);
  ASSERT_TRUE(t.ok());
  EXPECT_DOUBLE_EQ(t->digital_level_dbfs, -104.0);
  // Limits at left 1 kHz: max floor5(−1 − 7 + 112 = 104) = 100; min max(−10, ceil5(−115 − 7 +
  // 112 = −10)) = −10. At 125 Hz: max floor5(−1 − 45 + 115 = 69) = 65.
  auto l = tone::level_limits(table, Ear::left, 1000);
  ASSERT_TRUE(l.ok());
  EXPECT_DOUBLE_EQ(l->max_db_hl, 100.0);
  EXPECT_DOUBLE_EQ(l->min_db_hl, -10.0);
  EXPECT_DOUBLE_EQ(tone::level_limits(table, Ear::left, 125)->max_db_hl, 65.0);
}

TEST(PcaudioCalibration, LevelsOutsideTheCalibratedRangeAreRefused) {
  auto cal = load_calibration(example_calibration(), kToday);
  ASSERT_TRUE(cal.ok());
  const auto table = cal->levels();
  auto t = tone::plan_tone(table, Ear::left, 1000, 105.0);
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.error().code, "level_out_of_range");
  EXPECT_NE(t.error().message.find("calibrated maximum of 100"), std::string::npos);
  t = tone::plan_tone(table, Ear::left, 1000, -15.0);
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.error().code, "level_out_of_range");
  EXPECT_NE(t.error().message.find("below −10 dB HL"), std::string::npos);
  t = tone::plan_tone(table, Ear::left, 1234, 40.0);
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.error().code, "unsupported_frequency");
  t = tone::plan_tone(table, Ear::left, 10000, 40.0);  // not calibrated (extended range)
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.error().code, "unsupported_frequency");
}

TEST(PcaudioCalibration, WarningAboveOneHundredDecibels) {
  // A louder interface (S + 10 dB everywhere) reaches 110 dB HL at 1 kHz.
  TempDir dir;
  std::string s = replace_all(example_text(), "measured_spl_db = 82.0", "measured_spl_db = 92.0");
  auto cal = load_calibration(dir.write("loud.toml", s), kToday);
  ASSERT_TRUE(cal.ok()) << cal.error().message;
  auto t = tone::plan_tone(cal->levels(), Ear::left, 1000, 105.0);
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_TRUE(t->needs_warning);
  EXPECT_FALSE(tone::plan_tone(cal->levels(), Ear::left, 1000, 100.0)->needs_warning);
}

TEST(PcaudioCalibration, DateInTheFutureIsRefused) {
  TempDir dir;
  auto f = dir.write("future.toml",
                     replace_once(example_text(), "date = 2026-11-02", "date = 2026-11-24"));
  auto cal = load_calibration(f, kToday);
  ASSERT_FALSE(cal.ok());
  EXPECT_EQ(cal.error().code, "calibration_in_future");
  EXPECT_NE(cal.error().message.find("2026-11-24"), std::string::npos);
  EXPECT_NE(cal.error().message.find("station clock"), std::string::npos);
}

TEST(PcaudioCalibration, MissingFrequencyIsRefused) {
  TempDir dir;
  auto f = dir.write("missing.toml", without_point(example_text(), "left", 4000));
  auto cal = load_calibration(f, kToday);
  ASSERT_FALSE(cal.ok());
  EXPECT_EQ(cal.error().code, "calibration_missing_frequency");
  EXPECT_NE(cal.error().message.find("left channel has no calibration point at 4000 Hz"),
            std::string::npos)
      << cal.error().message;
  // An optional frequency calibrated on one channel only is missing on the other.
  f = dir.write("lopsided.toml", without_point(example_text(), "right", 750));
  cal = load_calibration(f, kToday);
  ASSERT_FALSE(cal.ok());
  EXPECT_EQ(cal.error().code, "calibration_missing_frequency");
  EXPECT_NE(cal.error().message.find("750"), std::string::npos);
}

TEST(PcaudioCalibration, WrongChannelCountIsRefused) {
  TempDir dir;
  auto f = dir.write("mono.toml", replace_once(example_text(), "channels = 2", "channels = 1"));
  auto cal = load_calibration(f, kToday);
  ASSERT_FALSE(cal.ok());
  EXPECT_EQ(cal.error().code, "calibration_channel_count");
  EXPECT_NE(cal.error().message.find("exactly 2 channels"), std::string::npos);
  f = dir.write("third.toml",
                replace_once(example_text(), "channel = \"right\"", "channel = \"centre\""));
  cal = load_calibration(f, kToday);
  ASSERT_FALSE(cal.ok());
  EXPECT_EQ(cal.error().code, "calibration_channel_count");
}

TEST(PcaudioCalibration, UnknownTransducerAndMissingRetsplAreRefused) {
  TempDir dir;
  auto f = dir.write("tdh50.toml", replace_once(example_text(), "transducer = \"TDH-39\"",
                                                "transducer = \"TDH-50\""));
  auto cal = load_calibration(f, kToday);
  ASSERT_FALSE(cal.ok());
  EXPECT_EQ(cal.error().code, "unknown_transducer");
  EXPECT_NE(cal.error().message.find("TDH-50"), std::string::npos);
  // The wrong coupler for the transducer is just as unknown (a RETSPL is valid only with it).
  f = dir.write("coupler.toml",
                replace_once(example_text(), "coupler = \"IEC 60318-3 (NBS 9-A) 6 cm3 coupler\"",
                             "coupler = \"IEC 60318-1 ear simulator\""));
  cal = load_calibration(f, kToday);
  ASSERT_FALSE(cal.ok());
  EXPECT_EQ(cal.error().code, "unknown_transducer");
  // DD45: the table has 1 kHz only, so 125 Hz (the first point) has no reference level.
  f = dir.write("dd45.toml",
                replace_all(example_text(), "transducer = \"TDH-39\"", "transducer = \"DD45\""));
  cal = load_calibration(f, kToday);
  ASSERT_FALSE(cal.ok());
  EXPECT_EQ(cal.error().code, "retspl_missing_frequency");
  EXPECT_NE(cal.error().message.find("DD45"), std::string::npos);
}

TEST(PcaudioCalibration, ExpiredCalibrationRefusesTesting) {
  auto cal = load_calibration(example_calibration(), kToday);
  ASSERT_TRUE(cal.ok());
  EXPECT_TRUE(check_expiry(*cal, year_month_day{year{2027}, month{11}, day{2}}, 12).ok());
  auto e = check_expiry(*cal, year_month_day{year{2027}, month{11}, day{3}}, 12);
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error().code, "calibration_expired");
  EXPECT_NE(e.error().message.find("audio calibrate"), std::string::npos);
  EXPECT_FALSE(check_expiry(*cal, year_month_day{year{2027}, month{5}, day{3}}, 6).ok());
}

TEST(PcaudioCalibration, MalformedFilesNameTheKey) {
  TempDir dir;
  auto cal = load_calibration(dir.path() / "nope.toml", kToday);
  ASSERT_FALSE(cal.ok());
  EXPECT_EQ(cal.error().code, "calibration_missing");
  auto f = dir.write("notoml.toml", "this is = = not toml");
  EXPECT_EQ(load_calibration(f, kToday).error().code, "calibration_invalid");
  f = dir.write("bits.toml", replace_once(example_text(), "bits = 24", "bits = 16"));
  cal = load_calibration(f, kToday);
  ASSERT_FALSE(cal.ok());
  EXPECT_NE(cal.error().message.find("interface.bits"), std::string::npos);
  f = dir.write("thd.toml", replace_once(example_text(), "thd_percent = 0.2", "thd_percent = 4.0"));
  EXPECT_EQ(load_calibration(f, kToday).error().code, "calibration_distortion");
  f = dir.write("ramp.toml", replace_once(example_text(), "ramp_ms = 50.0", "ramp_ms = 25.0"));
  cal = load_calibration(f, kToday);
  ASSERT_FALSE(cal.ok());
  EXPECT_NE(cal.error().message.find("tone.ramp_ms"), std::string::npos);
}

}  // namespace
}  // namespace odyo::station::pcaudio
