#pragma once
// WAV (RIFF, PCM) files of interleaved 32-bit-container samples: what `odyospiro audio tone`
// writes (exactly what the ALSA sink would play) and what tests read back from ALSA's `file` PCM.
// Thread-safety: plain functions / one owner per WavFileSink.

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <vector>

#include "drivers/audio/audio_sink.hpp"

namespace odyo::drivers::audio {

struct WavData {
  int sample_rate_hz = 0;
  int channels = 0;
  int bits = 0;                       // bits per sample in the file: 16, 24 or 32
  std::vector<std::int32_t> samples;  // interleaved, left-justified to 32 bits
  [[nodiscard]] std::int64_t frames() const {
    return channels == 0 ? 0 : static_cast<std::int64_t>(samples.size()) / channels;
  }
};

// Writes `samples` (left-justified 32-bit words) as 24-bit packed or 32-bit PCM.
IoStatus write_wav(const std::filesystem::path& file, int sample_rate_hz, int channels, int bits,
                   std::span<const std::int32_t> samples);
// Reads a PCM WAV (16/24/32-bit integer). Tolerates a header whose data length was never filled
// in (a writer killed mid-stream, or ALSA's file plugin before close): reads to end of file.
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
  std::ofstream out_;
  SinkFormat format_{};
  std::int64_t frames_ = 0;
};

}  // namespace odyo::drivers::audio
