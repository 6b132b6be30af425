// AlsaSink against a private ALSA configuration (no sound card on these machines): a `file` PCM
// over a `null` slave captures exactly what is played as a WAV file, so the played samples and
// their positions can be checked. Busy devices, underruns and unplugging cannot be produced with
// that PCM, so those paths are driven through the AlsaApi seam with the kernel's error codes.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <vector>

#include "drivers/audio/alsa_sink.hpp"
#include "drivers/audio/wav_file.hpp"

namespace odyo::drivers::audio {
namespace {

namespace fs = std::filesystem;

// One private ALSA configuration for the whole test program (libasound reads it on first use).
class AlsaEnv : public ::testing::Environment {
 public:
  static fs::path dir() {
    static const fs::path d = [] {
      fs::path p = fs::temp_directory_path() / ("odyo-alsa-" + std::to_string(::getpid()));
      fs::create_directories(p);
      return p;
    }();
    return d;
  }
  void SetUp() override {
    std::ofstream rc(dir() / "asoundrc");
    rc << "pcm.audiotest { type file; slave.pcm { type null }; file \""
       << (dir() / "out.wav").string()
       << "\"; format \"wav\" }\n"
       // Two channels refused: a multi plugin with a single binding takes exactly one channel.
       << "pcm.monoonly { type multi; slaves.a { pcm { type null } channels 1 } "
          "bindings.0 { slave a; channel 0 } }\n"
       << "pcm.nocard { type hw; card 7; device 0 }\n";
    rc.close();
    const std::string path = "/usr/share/alsa/alsa.conf:" + (dir() / "asoundrc").string();
    ::setenv("ALSA_CONFIG_PATH", path.c_str(), 1);
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir(), ec);
  }
};
const auto* const kEnv = ::testing::AddGlobalTestEnvironment(new AlsaEnv);

std::vector<std::int32_t> ramp_frames(int frames) {
  std::vector<std::int32_t> v;
  for (int i = 0; i < frames; ++i) {
    v.push_back((i + 1) * 256);   // left: a counter (24-bit content, low byte zero)
    v.push_back(-(i + 1) * 256);  // right: its negative
  }
  return v;
}

// The output latency by sample position: the file PCM writes a frame to its file only once a
// whole buffer has followed it (like a sound card, which plays a frame a buffer after it was
// written), and reports no snd_pcm_delay of its own; output_latency_frames() is then the buffer.
TEST(AlsaSink, OutputLatencyIsTheBufferTheFileLagsBehind) {
  const fs::path out = AlsaEnv::dir() / "out.wav";
  fs::remove(out);
  AlsaSink sink("audiotest");
  ASSERT_TRUE(sink.open({48000, 2, 24}).ok());
  // 200 ms of buffer asked for; ALSA may round it to its period multiple.
  const std::int64_t buffer = sink.buffer_frames();
  EXPECT_NEAR(static_cast<double>(buffer), 9600.0, 960.0);
  EXPECT_EQ(sink.output_latency_frames(), 0);  // nothing written: nothing ahead
  const auto a = ramp_frames(480);             // the audiometer's 10 ms chunks
  for (int i = 0; i < 50; ++i) ASSERT_TRUE(sink.write(a).ok());
  const std::int64_t written = sink.frames_written();
  ASSERT_EQ(written, 24000);
  const auto data_bytes = static_cast<std::int64_t>(fs::file_size(out)) - 44;  // 44-byte header
  EXPECT_EQ(written - data_bytes / 8, buffer) << "frames written but not yet in the file";
  EXPECT_EQ(sink.output_latency_frames(), buffer);
  std::cout << "file PCM: buffer " << buffer << " frames = " << static_cast<double>(buffer) / 48.0
            << " ms output latency\n";
  sink.close();
}

TEST(AlsaSink, FilePcmCapturesExactlyWhatWasPlayedInOrder) {
  const fs::path out = AlsaEnv::dir() / "out.wav";
  fs::remove(out);
  {
    AlsaSink sink("audiotest");
    ASSERT_TRUE(sink.open({48000, 2, 24}).ok());
    const auto a = ramp_frames(4800);
    ASSERT_TRUE(sink.write(a).ok());
    ASSERT_TRUE(sink.write(a).ok());
    EXPECT_EQ(sink.frames_written(), 9600);
    ASSERT_TRUE(sink.drain().ok());
    sink.close();
  }
  WavData w;
  auto st = read_wav(out, w);
  ASSERT_TRUE(st.ok()) << st.error().message;
  EXPECT_EQ(w.sample_rate_hz, 48000);
  EXPECT_EQ(w.channels, 2);
  EXPECT_EQ(w.bits, 32);  // S32_LE on the wire
  ASSERT_EQ(w.frames(), 9600);
  // Sample position = frame index: frame 4800 is the first frame of the second write.
  EXPECT_EQ(w.samples[0], 256);
  EXPECT_EQ(w.samples[1], -256);
  EXPECT_EQ(w.samples[2 * 4799], 4800 * 256);
  EXPECT_EQ(w.samples[2 * 4800], 256);
  EXPECT_EQ(w.samples[2 * 9599 + 1], -4800 * 256);
}

TEST(AlsaSink, MissingDeviceIsReportedAsMissing) {
  for (const char* name : {"nosuchpcm", "nocard"}) {
    AlsaSink sink(name);
    auto st = sink.open({48000, 2, 24});
    ASSERT_FALSE(st.ok()) << name;
    EXPECT_EQ(st.error().code, "device_missing") << name << ": " << st.error().message;
    EXPECT_NE(st.error().message.find("plug it in"), std::string::npos);
  }
}

TEST(AlsaSink, DeviceRefusingTheChannelCountIsReportedNotConverted) {
  AlsaSink sink("monoonly");
  auto st = sink.open({48000, 2, 24});
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, "format_refused") << st.error().message;
  EXPECT_NE(st.error().message.find("2 channels"), std::string::npos) << st.error().message;
}

TEST(AlsaSink, SixteenBitsIsRefused) {
  AlsaSink sink("audiotest");
  auto st = sink.open({48000, 2, 16});
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, "format_refused");
}

TEST(AlsaSink, BusyDeviceIsReportedAsBusy) {
  AlsaApi api = real_alsa_api();
  api.open = [](_snd_pcm**, const char*, int, int) { return -EBUSY; };
  AlsaSink sink("audiotest", api);
  auto st = sink.open({48000, 2, 24});
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, "device_busy");
  EXPECT_NE(st.error().message.find("Another program"), std::string::npos);
}

TEST(AlsaSink, UnderrunMidToneIsReportedAndStopsTheWrite) {
  static int calls = 0;
  calls = 0;
  AlsaApi api = real_alsa_api();
  // First chunk accepted partly, then the device runs dry.
  api.writei = [](_snd_pcm*, const void*, unsigned long frames) -> long {  // NOLINT
    return ++calls == 1 ? static_cast<long>(frames / 2) : -EPIPE;          // NOLINT
  };
  AlsaSink sink("audiotest", api);
  ASSERT_TRUE(sink.open({48000, 2, 24}).ok());
  auto st = sink.write(ramp_frames(1000));
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, "underrun");
  EXPECT_NE(st.error().message.find("repeat"), std::string::npos);
  EXPECT_EQ(sink.frames_written(), 500);
  EXPECT_EQ(calls, 2);  // no retry with the rest of the tone
}

TEST(AlsaSink, DeviceDisappearingMidToneIsReportedAsGone) {
  AlsaApi api = real_alsa_api();
  api.writei = [](_snd_pcm*, const void*, unsigned long) -> long { return -ENODEV; };  // NOLINT
  AlsaSink sink("audiotest", api);
  ASSERT_TRUE(sink.open({48000, 2, 24}).ok());
  auto st = sink.write(ramp_frames(10));
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, "device_gone");
}

TEST(WavFile, TwentyFourBitRoundTripKeepsEverySample) {
  const fs::path f = AlsaEnv::dir() / "rt24.wav";
  const auto a = ramp_frames(100);
  ASSERT_TRUE(write_wav(f, 48000, 2, 24, a).ok());
  EXPECT_EQ(fs::file_size(f), 44U + 100U * 2U * 3U);
  WavData w;
  ASSERT_TRUE(read_wav(f, w).ok());
  EXPECT_EQ(w.bits, 24);
  EXPECT_EQ(w.samples, a);
}

}  // namespace
}  // namespace odyo::drivers::audio
