// `odyospiro acquire audio --device pc:… --ambient …`: the ambient-noise check runs before the
// first tone; a band over its limit refuses the test (exit 4, nothing played or stored) unless
// --ambient-override gives a reason. Levels by hand with --mic-calibration-db 94: a sine of peak
// amplitude A reads 20·log10(A) + 94 dB SPL; the station's limits are OSHA D-1 (the default).
// The stored result of a quiet room is checked end to end in tests/station/pcaudio_umockdev.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/station/pcaudio/ambient_test_files.hpp"
#include "tests/station/pcaudio/pcaudio_station_files.hpp"

namespace odyo::station::pcaudio {
namespace {

using namespace testing;
namespace amb = odyo::test::ambient;

constexpr const char* kAcquire = "acquire audio --device pc:audiotest --worker 3001 ";

void expect_nothing_done(const PcStation& s) {
  EXPECT_FALSE(fs::exists(s.wav));  // the PCM was never opened: no tone played
  auto exams = s.run("--json exam list");
  ASSERT_EQ(exams.exit_code, 0) << exams.err;
  EXPECT_TRUE(nlohmann::json::parse(exams.out).empty()) << exams.out;
}

struct AmbientStation : PcStation {
  fs::path loud = dir.path() / "loud.wav";
  fs::path quiet = dir.path() / "quiet.wav";
  AmbientStation() {
    // Loud: 0.01 at 2 kHz = −40 dBFS → 54 dB SPL, D-1 allows 47. Quiet: 0.001 at 1 kHz → 34.
    EXPECT_TRUE(amb::write_mono_wav(loud, amb::sines({{0.01, 2000}}, 2.0)));
    EXPECT_TRUE(amb::write_mono_wav(quiet, amb::sines({{0.001, 1000}}, 2.0)));
    EXPECT_TRUE(add_worker());
    EXPECT_EQ(listening_check(true).exit_code, 0);
  }
};

TEST(PcaudioAcquireAmbient, LoudRoomIsRefusedNamingBandLevelAndLimit) {
  AmbientStation s;
  const auto r =
      s.run(std::string(kAcquire) + "--ambient '" + s.loud.string() + "' --mic-calibration-db 94");
  EXPECT_EQ(r.exit_code, 4) << r.out << r.err;
  EXPECT_NE(r.err.find("too loud: 2000 Hz band: 54.0 dB SPL, limit 47.0 dB SPL (osha-d1)"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("--ambient-override"), std::string::npos) << r.err;
  expect_nothing_done(s);
}

TEST(PcaudioAcquireAmbient, OverrideWarnsAndGoesOnToTheDevices) {
  // With a reason the check no longer stops the test: the warning names the band and the reason,
  // and the command goes on to open the button (missing here without umockdev: exit 2).
  AmbientStation s;
  const auto r = s.run(std::string(kAcquire) + "--ambient '" + s.loud.string() +
                       "' --mic-calibration-db 94 --ambient-override 'generator outside, "
                       "urgent pre-placement exam'");
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("WARNING: ambient noise above the limit (2000 Hz band: 54.0 dB SPL"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("reason: generator outside, urgent pre-placement exam"), std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("plug the USB button in"), std::string::npos) << r.err;
  expect_nothing_done(s);
}

TEST(PcaudioAcquireAmbient, QuietRoomPassesOnToTheDevices) {
  AmbientStation s;
  const auto r =
      s.run(std::string(kAcquire) + "--ambient '" + s.quiet.string() + "' --mic-calibration-db 94");
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;  // no button here
  EXPECT_EQ(r.err.find("ambient"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("plug the USB button in"), std::string::npos) << r.err;
}

TEST(PcaudioAcquireAmbient, BadAmbientInputIsRefusedBeforeAnyTone) {
  AmbientStation s;
  auto no_cal = s.run(std::string(kAcquire) + "--ambient '" + s.quiet.string() + "'");
  EXPECT_EQ(no_cal.exit_code, 1);
  EXPECT_NE(no_cal.err.find("--ambient needs --mic-calibration-db"), std::string::npos)
      << no_cal.err;
  auto no_ambient = s.run(std::string(kAcquire) + "--ambient-override 'why not'");
  EXPECT_EQ(no_ambient.exit_code, 1);
  EXPECT_NE(no_ambient.err.find("go with --ambient"), std::string::npos) << no_ambient.err;
  auto missing = s.run(std::string(kAcquire) + "--ambient '" +
                       (s.dir.path() / "none.wav").string() + "' --mic-calibration-db 94");
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("none.wav"), std::string::npos) << missing.err;
  // Only the PC audiometer runs the check itself.
  auto frye = s.run("acquire audio --device audio-sim --worker 3001 --ambient '" +
                    s.quiet.string() + "' --mic-calibration-db 94");
  EXPECT_EQ(frye.exit_code, 1);
  EXPECT_NE(frye.err.find("PC audiometer (pc:…) only"), std::string::npos) << frye.err;
  expect_nothing_done(s);
}

}  // namespace
}  // namespace odyo::station::pcaudio
