#pragma once
// AlsaSink: plays interleaved S32_LE stereo frames on a named ALSA PCM (libasound2), the PCM named
// for the pc-audiometer device in config/station.toml. Opens non-blocking (so a busy device is
// reported at once instead of hanging), then writes blocking. Never resamples: a device that
// will not take the exact rate, channel count and sample format is refused ("format_refused"),
// because a resampled or converted tone is not the calibrated tone.
// An underrun (-EPIPE) or a device that goes away (-ENODEV, -ESTRPIPE, -EIO) mid-tone is
// reported and the stream is stopped: the caller pauses the test; the tone is never "continued".
// Tests: an ALSA `type file` PCM over a `null` slave in a private config (ALSA_CONFIG_PATH)
// captures exactly what is played (tests/drivers/audio).
// Threading: one instance per thread; RAII owns the snd_pcm_t.

#include <cstdint>
#include <span>
#include <string>

#include "drivers/audio/audio_sink.hpp"

struct _snd_pcm;  // NOLINT(bugprone-reserved-identifier): libasound's opaque type

namespace odyo::drivers::audio {

// The libasound calls AlsaSink makes that can fail in ways a test cannot provoke with the file
// PCM (busy device, underrun, unplug): replaceable for tests, the real functions by default.
struct AlsaApi {
  int (*open)(_snd_pcm** pcm, const char* name, int stream, int mode);
  long (*writei)(_snd_pcm* pcm, const void* buffer,
                 unsigned long frames);  // NOLINT(google-runtime-int)
};
AlsaApi real_alsa_api();

// Maps a negative errno from libasound to an IoError with a message saying what to do.
IoError alsa_error(int err, const std::string& pcm_name, const std::string& during);

class AlsaSink final : public AudioSink {
 public:
  explicit AlsaSink(std::string pcm_name, AlsaApi api = real_alsa_api());
  ~AlsaSink() override;

  IoStatus open(const SinkFormat& format) override;
  IoStatus write(std::span<const std::int32_t> interleaved) override;
  IoStatus drain() override;
  void close() noexcept override;
  [[nodiscard]] std::int64_t frames_written() const override { return frames_; }
  // Frames written but not yet played (snd_pcm_delay), 0 if unknown.
  [[nodiscard]] std::int64_t delay_frames() const;
  // The buffer the device was configured with (snd_pcm_hw_params_get_buffer_size), in frames.
  [[nodiscard]] std::int64_t buffer_frames() const { return buffer_frames_; }
  // snd_pcm_delay() when the device reports one (> 0); otherwise, once a whole buffer has been
  // written, the configured buffer: a PCM that holds a buffer but reports no delay (ALSA's `file`
  // plugin over `null` writes each frame to its file only when a buffer's worth has followed it)
  // still delays the frame by that much. Before the first buffer is full, what was written.
  [[nodiscard]] std::int64_t output_latency_frames() const override;
  [[nodiscard]] const std::string& pcm_name() const { return name_; }

 private:
  std::string name_;
  AlsaApi api_;
  _snd_pcm* pcm_ = nullptr;
  SinkFormat format_{};
  std::int64_t frames_ = 0;
  std::int64_t buffer_frames_ = 0;
};

}  // namespace odyo::drivers::audio
