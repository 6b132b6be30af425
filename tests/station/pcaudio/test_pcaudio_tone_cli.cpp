// `odyospiro audio tone` end to end: the built command writes the WAV the ALSA sink would play;
// the test reads it back and measures it. Expected levels are worked out from the example
// calibration by hand (right 1 kHz: S = 111.5 dB, RETSPL 7 dB).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <string>

#include "analysis/audiometry/tone/measure.hpp"
#include "drivers/audio/wav_file.hpp"
#include "tests/station/pcaudio/pcaudio_test_files.hpp"

namespace odyo::station::pcaudio {
namespace {

using namespace testing;
namespace tone = audiometry::tone;

struct Run {
  int exit_code = -1;
  std::string out;
  std::string err;
};

Run odyospiro(const TempDir& dir, const std::string& args) {
  const auto out = dir.path() / "stdout.txt";
  const auto err = dir.path() / "stderr.txt";
  const std::string cmd = std::string("'") + ODYOSPIRO_EXE + "' --lang en " + args + " >'" +
                          out.string() + "' 2>'" + err.string() + "'";
  const int rc = std::system(cmd.c_str());
  Run r;
  r.exit_code = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
  r.out = read_text(out);
  r.err = read_text(err);
  return r;
}

std::string tone_args(const fs::path& cal, const fs::path& wav, const std::string& extra) {
  return "audio tone --calibration '" + cal.string() + "' --output '" + wav.string() + "' " + extra;
}

tone::StereoFrames to_frames(const drivers::audio::WavData& w) {
  tone::StereoFrames f(w.frames(), 2);
  for (Eigen::Index i = 0; i < f.rows(); ++i)
    for (Eigen::Index c = 0; c < 2; ++c)
      f(i, c) = static_cast<double>(w.samples[static_cast<std::size_t>(i * 2 + c)]) / 2147483648.0;
  return f;
}

TEST(PcaudioToneCli, WritesTheCalibratedPresentationWithSilenceAround) {
  TempDir dir;
  const auto wav = dir.path() / "t.wav";
  auto r = odyospiro(dir, tone_args(example_calibration(), wav,
                                    "--ear right --hz 1000 --level-db-hl 40 --duration-ms 1000"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  drivers::audio::WavData w;
  ASSERT_TRUE(drivers::audio::read_wav(wav, w).ok());
  EXPECT_EQ(w.sample_rate_hz, 48000);
  EXPECT_EQ(w.channels, 2);
  EXPECT_EQ(w.bits, 24);
  ASSERT_EQ(w.frames(), 9600 + 48000 + 9600);  // 200 ms + 1 s + 200 ms
  const auto f = to_frames(w);
  EXPECT_EQ(tone::peak_abs(f.col(0)), 0.0);             // left silent
  EXPECT_EQ(tone::peak_abs(f.col(1).head(9600)), 0.0);  // 200 ms of silence
  EXPECT_EQ(tone::peak_abs(f.col(1).tail(9600)), 0.0);
  EXPECT_GT(tone::peak_abs(f.col(1).segment(9600 + 2400, 100)), 0.0);  // tone on by 50 ms
  // D = 40 + 7 − 111.5 = −64.5 dBFS peak, measured on 0.5 s of plateau (whole cycles).
  const double a = tone::component_amplitude(f.col(1).segment(9600 + 4800, 24000), 1000.0, 48000.0);
  EXPECT_NEAR(20.0 * std::log10(a), -64.5, 0.1);
  auto hz = tone::estimate_frequency_hz(f.col(1).segment(9600 + 4800, 24000), 48000.0);
  ASSERT_TRUE(hz.ok());
  EXPECT_NEAR(*hz, 1000.0, 10.0);  // ANSI S3.6 type 1: ±1 %

  // 5 dB up: exactly 5 dB more within 0.1 dB.
  const auto wav2 = dir.path() / "t45.wav";
  r = odyospiro(dir, tone_args(example_calibration(), wav2,
                               "--ear right --hz 1000 --level-db-hl 45 --duration-ms 1000"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  drivers::audio::WavData w2;
  ASSERT_TRUE(drivers::audio::read_wav(wav2, w2).ok());
  const auto f2 = to_frames(w2);
  const double a2 =
      tone::component_amplitude(f2.col(1).segment(9600 + 4800, 24000), 1000.0, 48000.0);
  EXPECT_NEAR(20.0 * std::log10(a2 / a), 5.0, 0.1);
}

TEST(PcaudioToneCli, PulsedAndThirtyTwoBitOutput) {
  TempDir dir;
  const auto wav = dir.path() / "p.wav";
  auto r = odyospiro(dir, tone_args(example_calibration(), wav,
                                    "--ear left --hz 2000 --level-db-hl 30 --duration-ms 1000 "
                                    "--pulsed --bits 32 --json"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("\"tone_start_frame\": 9600"), std::string::npos) << r.out;
  drivers::audio::WavData w;
  ASSERT_TRUE(drivers::audio::read_wav(wav, w).ok());
  EXPECT_EQ(w.bits, 32);
  const auto f = to_frames(w);
  // 1000 ms holds 1 + floor((1000 − 279) / 450) = 2 pulses of 279 ms with a 171 ms gap: the
  // middle of the gap (9600 + 13392 + 4104 frames) is silent, the middle of each pulse is not.
  EXPECT_EQ(tone::peak_abs(f.col(0).segment(9600 + 13392 + 3000, 2000)), 0.0);
  EXPECT_GT(tone::peak_abs(f.col(0).segment(9600 + 6000, 200)), 0.0);
  EXPECT_GT(tone::peak_abs(f.col(0).segment(9600 + 21600 + 6000, 200)), 0.0);
  EXPECT_EQ(tone::peak_abs(f.col(1)), 0.0);
}

TEST(PcaudioToneCli, BadInputsAreRefusedWithAClearMessage) {
  TempDir dir;
  const auto wav = dir.path() / "x.wav";
  struct Case {
    std::string args;
    std::string expect;
  };
  const Case cases[] = {
      {"--ear right --hz 1234 --level-db-hl 40", "1234 Hz is not calibrated"},
      {"--ear right --hz 10000 --level-db-hl 40", "10000 Hz is not calibrated"},
      {"--ear right --hz 1000 --level-db-hl 105", "above the calibrated maximum of 100"},
      {"--ear right --hz 1000 --level-db-hl -15", "below −10 dB HL"},
      {"--ear middle --hz 1000 --level-db-hl 40", "--ear must be left or right"},
      {"--ear right --hz 1000 --level-db-hl 40 --pulsed --warble", "not both"},
  };
  for (const auto& c : cases) {
    auto r = odyospiro(dir, tone_args(example_calibration(), wav, c.args));
    EXPECT_NE(r.exit_code, 0) << c.args;
    EXPECT_NE(r.err.find(c.expect), std::string::npos) << c.args << "\n" << r.err;
    EXPECT_FALSE(fs::exists(wav)) << c.args;
  }
}

TEST(PcaudioToneCli, BadCalibrationFilesAreRefused) {
  TempDir dir;
  const auto wav = dir.path() / "x.wav";
  struct Case {
    std::string name;
    std::string text;
    std::string expect;
  };
  const Case cases[] = {
      {"future.toml", replace_once(example_text(), "date = 2026-11-02", "date = 2099-01-01"),
       "is after today"},
      {"missing.toml", without_point(example_text(), "right", 8000),
       "right channel has no calibration point at 8000 Hz"},
      {"mono.toml", replace_once(example_text(), "channels = 2", "channels = 1"),
       "exactly 2 channels"},
      {"tdh50.toml",
       replace_all(example_text(), "transducer = \"TDH-39\"", "transducer = \"TDH-50\""),
       "transducer \"TDH-50\""},
  };
  for (const auto& c : cases) {
    const auto cal = dir.write(c.name, c.text);
    auto r = odyospiro(dir, tone_args(cal, wav, "--ear right --hz 1000 --level-db-hl 40"));
    EXPECT_EQ(r.exit_code, 2) << c.name << "\n" << r.err;
    EXPECT_NE(r.err.find(c.expect), std::string::npos) << c.name << "\n" << r.err;
    EXPECT_FALSE(fs::exists(wav)) << c.name;
  }
}

TEST(PcaudioToneCli, WarnsBeforeALevelAboveOneHundredDecibels) {
  TempDir dir;
  const auto cal = dir.write(
      "loud.toml", replace_all(example_text(), "measured_spl_db = 82.0", "measured_spl_db = 92.0"));
  const auto wav = dir.path() / "loud.wav";
  auto r = odyospiro(dir, tone_args(cal, wav, "--ear left --hz 1000 --level-db-hl 105"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("WARNING: tone above 100 dB HL"), std::string::npos) << r.err;
  r = odyospiro(dir, tone_args(cal, wav, "--ear left --hz 1000 --level-db-hl 100"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err.find("WARNING"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace odyo::station::pcaudio
