// capture_pcm against ALSA's `file` PCM read as a capture device: its `infile` (raw S32_LE mono)
// is what the "microphone" records, over a `null` slave, in a private ALSA config
// (ALSA_CONFIG_PATH) — verified on these machines, which have no sound card.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <vector>

#include "drivers/audio/alsa_capture.hpp"

namespace fs = std::filesystem;
using odyo::drivers::audio::capture_pcm;

namespace {

class AlsaCapture : public ::testing::Test {
 protected:
  void SetUp() override {
    std::random_device rd;
    dir_ = fs::temp_directory_path() / ("odyo-capture-" + std::to_string(rd()));
    fs::create_directories(dir_);
    // A recognisable ramp of sample values, 2 s at 48 kHz, wrapping around the 32-bit range
    // (computed unsigned: modulo 2^32, no signed overflow; C++20 converts to int32 modulo 2^32).
    recorded_.resize(96000);
    for (std::size_t i = 0; i < recorded_.size(); ++i)
      recorded_[i] =
          static_cast<std::int32_t>(static_cast<std::uint32_t>(i) * 65536U - 0x40000000U);
    std::ofstream(dir_ / "mic.raw", std::ios::binary)
        .write(reinterpret_cast<const char*>(recorded_.data()),  // NOLINT: raw bytes
               static_cast<std::streamsize>(recorded_.size() * 4));
    std::ofstream(dir_ / "asoundrc")
        << "pcm.mictest { type file; slave.pcm { type null }; file \"/dev/null\"; infile \""
        << (dir_ / "mic.raw").string() << "\"; format \"raw\" }\n";
    const std::string path = "/usr/share/alsa/alsa.conf:" + (dir_ / "asoundrc").string();
    ::setenv("ALSA_CONFIG_PATH", path.c_str(), 1);
  }
  void TearDown() override {
    ::unsetenv("ALSA_CONFIG_PATH");
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  fs::path dir_;
  std::vector<std::int32_t> recorded_;
};

}  // namespace

TEST_F(AlsaCapture, ReadsExactlyTheInfileSamples) {
  std::vector<std::int32_t> got;
  auto s = capture_pcm("mictest", 48000, 12000, got);
  ASSERT_TRUE(s.ok()) << s.error().message;
  ASSERT_EQ(got.size(), 12000u);
  for (std::size_t i = 0; i < got.size(); ++i) {
    ASSERT_EQ(got[i], recorded_[i]) << i;
  }
}

TEST_F(AlsaCapture, ReadsMoreThanOneBuffer) {
  // 1.5 s: more than the 0.5 s buffer, so the capture is read period by period (one request for
  // everything would make the file plugin return silence).
  std::vector<std::int32_t> got;
  auto s = capture_pcm("mictest", 48000, 72000, got);
  ASSERT_TRUE(s.ok()) << s.error().message;
  ASSERT_EQ(got.size(), 72000u);
  for (std::size_t i = 0; i < got.size(); ++i) {
    ASSERT_EQ(got[i], recorded_[i]) << i;
  }
}

TEST_F(AlsaCapture, MissingDeviceIsReported) {
  std::vector<std::int32_t> got{1, 2, 3};
  auto s = capture_pcm("nosuchmic", 48000, 4800, got);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, "device_missing") << s.error().message;
  EXPECT_NE(s.error().message.find("nosuchmic"), std::string::npos);
  EXPECT_TRUE(got.empty());
}
