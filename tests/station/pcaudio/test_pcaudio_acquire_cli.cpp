// `odyospiro acquire audio --device pc:…`: the refusals that come before any tone is played, each
// through the built command on a real SQLite station database with the ALSA file PCM configured.
// (The search itself, through a umockdev HID button, is tests/station/pcaudio_umockdev.)
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/station/pcaudio/pcaudio_station_files.hpp"

namespace odyo::station::pcaudio {
namespace {

using namespace testing;

constexpr const char* kAcquire = "acquire audio --device pc:audiotest --worker 3001 ";

void expect_refused(const odyo::test::CommandResult& r, const std::string& what) {
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find(what), std::string::npos) << r.err;
}

// Nothing was played (the PCM was never opened) and no exam was stored.
void expect_nothing_done(const PcStation& s) {
  EXPECT_FALSE(fs::exists(s.wav));
  auto exams = s.run("--json exam list");
  ASSERT_EQ(exams.exit_code, 0) << exams.err;
  EXPECT_TRUE(nlohmann::json::parse(exams.out).empty()) << exams.out;
}

TEST(PcaudioAcquireCli, ExampleCalibrationIsNeverUsedForAWorker) {
  PcStation s(example_text());
  ASSERT_TRUE(s.add_worker());
  ASSERT_EQ(s.listening_check(true).exit_code, 0);
  expect_refused(s.run(kAcquire), "is an example calibration");
  expect_nothing_done(s);
}

TEST(PcaudioAcquireCli, ExpiredCalibrationIsRefused) {
  // Calibrated 2024-06-03, valid 12 months: expired on 2025-06-03, before any day this runs.
  PcStation s(replace_once(replace_once(example_text(), "example = true", "example = false"),
                           "date = 2026-11-02", "date = 2024-06-03"));
  ASSERT_TRUE(s.add_worker());
  ASSERT_EQ(s.listening_check(true).exit_code, 0);
  const auto r = s.run(kAcquire);
  expect_refused(r, "expired on 2025-06-03");
  EXPECT_NE(r.err.find("odyospiro audio calibrate"), std::string::npos) << r.err;
  expect_nothing_done(s);
}

TEST(PcaudioAcquireCli, NoListeningCheckTodayIsRefused) {
  PcStation s;
  ASSERT_TRUE(s.add_worker());
  const auto r = s.run(kAcquire);
  expect_refused(r, "no daily listening check today");
  EXPECT_NE(r.err.find("audio listening-check --pass"), std::string::npos) << r.err;
  expect_nothing_done(s);
}

TEST(PcaudioAcquireCli, ConfiguredDeviceIdIsThePcAudiometer) {
  // --device pc-audio: the [[devices]] entry of kind pc-audiometer (uri pc:audiotest) — the same
  // checks run (here: no listening check yet).
  PcStation s;
  ASSERT_TRUE(s.add_worker());
  expect_refused(s.run("acquire audio --device pc-audio --worker 3001"),
                 "no daily listening check today");
  expect_nothing_done(s);
}

TEST(PcaudioAcquireCli, FailedListeningCheckIsRefused) {
  PcStation s;
  ASSERT_TRUE(s.add_worker());
  ASSERT_EQ(s.listening_check(false).exit_code, 0);
  expect_refused(s.run(kAcquire), "crackle in the left earphone");
  expect_nothing_done(s);
}

TEST(PcaudioAcquireCli, CalibrationMissingAFrequencyIsRefused) {
  PcStation s(without_point(replace_once(example_text(), "example = true", "example = false"),
                            "left", 3000));
  ASSERT_TRUE(s.add_worker());
  const auto r = s.run(kAcquire);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("3000"), std::string::npos) << r.err;
  expect_nothing_done(s);
}

TEST(PcaudioAcquireCli, UnknownWorkerIsRefusedBeforeAnyTone) {
  PcStation s;
  ASSERT_EQ(s.listening_check(true).exit_code, 0);
  const auto r = s.run("acquire audio --device pc:audiotest --worker 9999");
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("9999"), std::string::npos) << r.err;
  expect_nothing_done(s);
}

TEST(PcaudioAcquireCli, FrequenciesWithoutTheSpeechFrequenciesAreRefusedBeforeTesting) {
  // The exam's speech-frequency average (500/1000/2000 Hz by default) could not be computed
  // after the whole test: refused before it starts.
  PcStation s;
  ASSERT_TRUE(s.add_worker());
  ASSERT_EQ(s.listening_check(true).exit_code, 0);
  const auto r = s.run(std::string(kAcquire) + "--frequencies 1000,4000,500");
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("2000 Hz is missing from --frequencies"), std::string::npos) << r.err;
  expect_nothing_done(s);
}

TEST(PcaudioAcquireCli, MissingButtonIsReportedWithWhatToDo) {
  // Everything valid, but /dev/hidraw0 does not exist here (no umockdev): refused before the
  // PCM is opened.
  PcStation s;
  ASSERT_TRUE(s.add_worker());
  ASSERT_EQ(s.listening_check(true).exit_code, 0);
  const auto r = s.run(kAcquire);
  expect_refused(r, "plug the USB button in");
  expect_nothing_done(s);
}

}  // namespace
}  // namespace odyo::station::pcaudio
