#pragma once
// AudioSink: where the computer-driven audiometer's samples go — the ALSA PCM named in the
// station config (alsa_sink.hpp) or a WAV file (wav_file.hpp). Samples are interleaved stereo
// signed 32-bit words, left-justified (24-bit content has the low byte zero).
// Errors are drivers::IoError values with stable codes:
//   "device_missing"  the PCM does not exist / cannot be found        → fix config, plug it in
//   "device_busy"     another program holds the device                → close it, retry
//   "format_refused"  the device will not take 48 kHz / 2 ch / S32 or S24 → choose another device
//   "underrun"        the device ran dry mid-tone: the tone was wrong → repeat the presentation
//   "device_gone"     the device disappeared while playing            → plug it back, recalibrate
//   "write_failed"    anything else, the message says what
// Threading: one instance is used by one thread at a time.

#include <cstdint>
#include <span>
#include <string>

#include "drivers/transport/io_error.hpp"

namespace odyo::drivers::audio {

struct SinkFormat {
  int sample_rate_hz = 48000;
  int channels = 2;
  int bits = 24;  // 24 (S24 in a 32-bit word on the wire: S32_LE with zero low byte) or 32
};

class AudioSink {
 public:
  virtual ~AudioSink() = default;
  AudioSink() = default;
  AudioSink(const AudioSink&) = delete;
  AudioSink& operator=(const AudioSink&) = delete;

  virtual IoStatus open(const SinkFormat& format) = 0;
  // Plays (or stores) interleaved frames; blocks until all are accepted by the device.
  virtual IoStatus write(std::span<const std::int32_t> interleaved) = 0;
  // Waits until everything written has been played.
  virtual IoStatus drain() = 0;
  virtual void close() noexcept = 0;
  // Frames accepted since open(): the sample position of the next frame (the tone clock).
  [[nodiscard]] virtual std::int64_t frames_written() const = 0;
  // Output latency: how many frames written before now are still to be played, i.e. how long
  // after it is written the next frame leaves the output. 0 for a sink that plays nothing (file).
  [[nodiscard]] virtual std::int64_t output_latency_frames() const { return 0; }
};

}  // namespace odyo::drivers::audio
