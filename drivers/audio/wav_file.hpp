#pragma once
// WAV files through libsndfile: what `odyospiro audio tone` writes (exactly what the ALSA sink
// would play), what tests read back from ALSA's `file` PCM, and the measurement microphone's
// recordings `audio ambient` reads (integer PCM or float, plain or WAVE_FORMAT_EXTENSIBLE).
// Thread-safety: plain functions / one owner per WavFileSink.

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <vector>

#include "drivers/audio/audio_sink.hpp"

struct sf_private_tag;  // libsndfile's SNDFILE (sndfile.h)

namespace odyo::drivers::audio {

struct WavData {
  int sample_rate_hz = 0;
  int channels = 0;
  int bits = 0;                       // bits per sample in the file: 16, 24, 32 (or 64 float)
  bool floating_point = false;        // the file holds floats (full scale ±1.0)
  std::vector<std::int32_t> samples;  // interleaved, full scale = 32-bit full scale
  [[nodiscard]] std::int64_t frames() const {
    return channels == 0 ? 0 : static_cast<std::int64_t>(samples.size()) / channels;
  }
};

// Writes `samples` (left-justified 32-bit words) as 24-bit packed or 32-bit PCM.
IoStatus write_wav(const std::filesystem::path& file, int sample_rate_hz, int channels, int bits,
                   std::span<const std::int32_t> samples);
// Reads a WAV (16/24/32-bit integer or 32/64-bit float, WAVE_FORMAT_PCM/IEEE_FLOAT/EXTENSIBLE):
// every sample as a 32-bit word of the same fraction of full scale.
IoStatus read_wav(const std::filesystem::path& file, WavData& out);

// AudioSink writing a WAV file (header fixed up on close).
class WavFileSink final : public AudioSink {
 public:
  explicit WavFileSink(std::filesystem::path file) : file_(std::move(file)) {}
  ~WavFileSink() override { close(); }
  IoStatus open(const SinkFormat& format) override;
  IoStatus write(std::span<const std::int32_t> interleaved) override;
  IoStatus drain() override { return {}; }
  void close() noexcept override;
  [[nodiscard]] std::int64_t frames_written() const override { return frames_; }

 private:
  std::filesystem::path file_;
  ::sf_private_tag* file_handle_ = nullptr;  // libsndfile's SNDFILE, owned
  SinkFormat format_{};
  std::int64_t frames_ = 0;
};

}  // namespace odyo::drivers::audio
