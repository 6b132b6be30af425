// `odyospiro audio calibrate`: plays each reference tone of the template through the ALSA PCM
// (here a private `file` PCM) and reads the technician's SPL readings from stdin; the new file
// must load, carry S = M − D from those readings, and the played tones must be the reference
// tones (one per channel and frequency, in order, at −30 dBFS peak on the right channel only).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>

#include "analysis/audiometry/tone/measure.hpp"
#include "drivers/audio/wav_file.hpp"
#include "station/pcaudio/calibration.hpp"
#include "tests/station/pcaudio/pcaudio_test_files.hpp"

namespace odyo::station::pcaudio {
namespace {

using namespace std::chrono;
using namespace testing;
namespace tone = audiometry::tone;

int run(const TempDir& dir, const std::string& args, const std::string& stdin_text) {
  std::ofstream(dir.path() / "stdin.txt") << stdin_text;
  std::ofstream(dir.path() / "asoundrc")
      << "pcm.calib { type file; slave.pcm { type null }; file \""
      << (dir.path() / "played.wav").string() << "\"; format \"wav\" }\n";
  const std::string cmd =
      "ALSA_CONFIG_PATH='/usr/share/alsa/alsa.conf:" + (dir.path() / "asoundrc").string() + "' '" +
      ODYOSPIRO_EXE + "' --lang en audio calibrate " + args + " <'" +
      (dir.path() / "stdin.txt").string() + "' >'" + (dir.path() / "out.txt").string() + "' 2>'" +
      (dir.path() / "err.txt").string() + "'";
  const int rc = std::system(cmd.c_str());
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

TEST(PcaudioCalibrateCli, ReadingsBecomeANewValidCalibration) {
  TempDir dir;
  // Template: the shipped example (22 points: 11 frequencies × 2 channels).
  const auto out = dir.path() / "new-calibration.toml";
  std::string readings;
  // One reading per point, in file order: left 125…8000, then right. Reading = 80 + k/10 dB.
  for (int k = 0; k < 22; ++k) readings += std::to_string(80.0 + k / 10.0) + "\n";
  const int rc =
      run(dir,
          "--template '" + example_calibration().string() + "' --device calib --output '" +
              out.string() + "' --technician 'Test Technician' --duration-ms 500 " +
              "--today 2026-11-23",
          readings);
  ASSERT_EQ(rc, 0) << read_text(dir.path() / "err.txt");
  auto cal = load_calibration(out, year_month_day{year{2026}, month{11}, day{23}});
  ASSERT_TRUE(cal.ok()) << cal.error().message;
  EXPECT_FALSE(cal->example);
  EXPECT_EQ(cal->technician, "Test Technician");
  EXPECT_EQ(to_iso(cal->date), "2026-11-23");
  ASSERT_EQ(cal->points.size(), 22U);
  // First point (left 125 Hz): M = 80.0 at D = −30 → S = 110.0; the 5th (left 1000 Hz):
  // M = 80.4 → S = 110.4; the 12th (right 125 Hz): M = 81.1 → S = 111.1.
  EXPECT_NEAR(cal->point(audiometry::Ear::left, 125)->sensitivity_db, 110.0, 1e-9);
  EXPECT_NEAR(cal->point(audiometry::Ear::left, 1000)->sensitivity_db, 110.4, 1e-9);
  EXPECT_NEAR(cal->point(audiometry::Ear::right, 125)->sensitivity_db, 111.1, 1e-9);

  // What was played: 22 tones of 500 ms back to back (24000 frames each), each on one channel
  // at −30 dBFS peak.
  drivers::audio::WavData w;
  ASSERT_TRUE(drivers::audio::read_wav(dir.path() / "played.wav", w).ok());
  ASSERT_EQ(w.frames(), 22 * 24000);
  tone::StereoFrames f(w.frames(), 2);
  for (Eigen::Index i = 0; i < f.rows(); ++i)
    for (Eigen::Index c = 0; c < 2; ++c)
      f(i, c) = static_cast<double>(w.samples[static_cast<std::size_t>(i * 2 + c)]) / 2147483648.0;
  // Tone 5 = left 1000 Hz: 0.25 s of plateau from 100 ms into it.
  const auto left_1k = f.col(0).segment(4 * 24000 + 4800, 12000);
  EXPECT_NEAR(20.0 * std::log10(tone::component_amplitude(left_1k, 1000.0, 48000.0)), -30.0, 0.1);
  EXPECT_EQ(tone::peak_abs(f.col(1).segment(0, 11 * 24000)), 0.0);  // right silent while left plays
  EXPECT_EQ(tone::peak_abs(f.col(0).segment(11 * 24000, 11 * 24000)), 0.0);
}

TEST(PcaudioCalibrateCli, MissingOrNonsenseReadingWritesNothing) {
  TempDir dir;
  const auto out = dir.path() / "new.toml";
  const std::string args = "--template '" + example_calibration().string() +
                           "' --device calib --output '" + out.string() +
                           "' --duration-ms 500 --today 2026-11-23";
  EXPECT_NE(run(dir, args, "80\n81\n"), 0);  // stdin ends after two readings
  EXPECT_NE(read_text(dir.path() / "err.txt").find("no reading given"), std::string::npos);
  EXPECT_FALSE(fs::exists(out));
  EXPECT_NE(run(dir, args, "80\nloud\n"), 0);
  EXPECT_NE(read_text(dir.path() / "err.txt").find("not a dB SPL reading"), std::string::npos);
  EXPECT_FALSE(fs::exists(out));
  // A device that is not there.
  const std::string bad = "--template '" + example_calibration().string() +
                          "' --device nosuchpcm --output '" + out.string() + "' --today 2026-11-23";
  EXPECT_EQ(run(dir, bad, "80\n"), 2);
  EXPECT_NE(read_text(dir.path() / "err.txt").find("plug it in"), std::string::npos);
}

}  // namespace
}  // namespace odyo::station::pcaudio
