#include "drivers/audio/alsa_sink.hpp"

#include <alsa/asoundlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace odyo::drivers::audio {
namespace {

int real_open(snd_pcm_t** pcm, const char* name, int stream, int mode) {
  return snd_pcm_open(pcm, name, static_cast<snd_pcm_stream_t>(stream), mode);
}
long real_writei(snd_pcm_t* pcm, const void* buf, unsigned long frames) {  // NOLINT
  return snd_pcm_writei(pcm, buf, frames);
}

}  // namespace

AlsaApi real_alsa_api() {
  return AlsaApi{&real_open, &real_writei};
}

IoError alsa_error(int err, const std::string& pcm, const std::string& during) {
  const std::string what = "ALSA PCM \"" + pcm + "\" (" + during + "): " + snd_strerror(err);
  switch (-err) {
    case ENOENT:
    case ENODEV:
    case ENXIO:
      if (during == "open")
        return {"device_missing", what +
                                      ". The audio interface is not there: plug it in, or fix "
                                      "the device's PCM name in station.toml"};
      return {"device_gone", what +
                                 ". The audio interface disappeared: the test is paused; plug "
                                 "it back in and repeat the presentation"};
    case EBUSY:
    case EAGAIN:
      return {"device_busy", what +
                                 ". Another program is using the audio interface: close it "
                                 "(or stop its sound server) and try again"};
    case EPIPE:
      return {"underrun", what +
                              ". The interface ran out of samples mid-tone, so the tone was "
                              "not what was asked: the presentation is void and the test is "
                              "paused; close other programs and repeat it"};
    case ESTRPIPE:
    case EIO:
      return {"device_gone", what +
                                 ". The interface was suspended or removed mid-tone: the "
                                 "test is paused; reconnect and repeat the presentation"};
    case EINVAL:
      if (during == "format")
        return {"format_refused", what +
                                      ". The device does not accept 48 kHz, 2 channels, "
                                      "32-bit samples without conversion; use another "
                                      "interface or its hw: device"};
      break;
    default:
      break;
  }
  return {"write_failed", what};
}

AlsaSink::AlsaSink(std::string pcm_name, AlsaApi api) : name_(std::move(pcm_name)), api_(api) {}

AlsaSink::~AlsaSink() {
  close();
}

IoStatus AlsaSink::open(const SinkFormat& f) {
  close();
  if (f.bits != 24 && f.bits != 32)
    return IoError{"format_refused", "sample depth " + std::to_string(f.bits) +
                                         " bits: the audiometer plays 24 or 32 bits only"};
  snd_pcm_t* pcm = nullptr;
  int rc = api_.open(&pcm, name_.c_str(), SND_PCM_STREAM_PLAYBACK, SND_PCM_NONBLOCK);
  if (rc < 0) return alsa_error(rc, name_, "open");
  pcm_ = pcm;
  snd_pcm_nonblock(pcm_, 0);  // blocking writes from here on
  snd_pcm_hw_params_t* hw = nullptr;
  snd_pcm_hw_params_alloca(&hw);
  auto refuse = [&](int err, const std::string& what) -> IoStatus {
    IoError e = alsa_error(err < 0 ? err : -EINVAL, name_, "format");
    e.code = "format_refused";
    e.message = "ALSA PCM \"" + name_ + "\" refuses " + what + " (" + snd_strerror(err) +
                "); the audiometer needs it exactly (no conversion): use another interface or "
                "its hw: device";
    close();
    return e;
  };
  if ((rc = snd_pcm_hw_params_any(pcm_, hw)) < 0) return refuse(rc, "any configuration");
  if ((rc = snd_pcm_hw_params_set_rate_resample(pcm_, hw, 0)) < 0)
    return refuse(rc, "no resampling");
  if ((rc = snd_pcm_hw_params_set_access(pcm_, hw, SND_PCM_ACCESS_RW_INTERLEAVED)) < 0)
    return refuse(rc, "interleaved access");
  if ((rc = snd_pcm_hw_params_set_format(pcm_, hw, SND_PCM_FORMAT_S32_LE)) < 0)
    return refuse(rc, "32-bit samples (S32_LE)");
  if ((rc = snd_pcm_hw_params_set_channels(pcm_, hw, static_cast<unsigned>(f.channels))) < 0)
    return refuse(rc, std::to_string(f.channels) + " channels");
  if ((rc = snd_pcm_hw_params_set_rate(pcm_, hw, static_cast<unsigned>(f.sample_rate_hz), 0)) < 0)
    return refuse(rc, std::to_string(f.sample_rate_hz) + " Hz");
  unsigned buffer_us = 200000;  // 200 ms of buffer: no underrun from a busy scheduler
  int dir = 0;
  snd_pcm_hw_params_set_buffer_time_near(pcm_, hw, &buffer_us, &dir);
  if ((rc = snd_pcm_hw_params(pcm_, hw)) < 0) return refuse(rc, "the hardware parameters");
  snd_pcm_uframes_t buffer = 0;
  buffer_frames_ =
      snd_pcm_hw_params_get_buffer_size(hw, &buffer) < 0 ? 0 : static_cast<std::int64_t>(buffer);
  if ((rc = snd_pcm_prepare(pcm_)) < 0) {
    IoError e = alsa_error(rc, name_, "prepare");
    close();
    return e;
  }
  format_ = f;
  frames_ = 0;
  return {};
}

IoStatus AlsaSink::write(std::span<const std::int32_t> interleaved) {
  if (pcm_ == nullptr) return IoError{"write_failed", "ALSA PCM \"" + name_ + "\" is not open"};
  const auto ch = static_cast<std::size_t>(format_.channels);
  std::size_t done = 0;
  const std::size_t total = interleaved.size() / ch;
  while (done < total) {
    const long n = api_.writei(pcm_, interleaved.data() + done * ch, total - done);  // NOLINT
    if (n == -EAGAIN || n == -EINTR) continue;
    if (n < 0) {
      IoError e = alsa_error(static_cast<int>(n), name_, "write");
      // Stop the stream: whatever was queued is dropped, nothing plays on with a wrong level.
      snd_pcm_drop(pcm_);
      snd_pcm_prepare(pcm_);
      return e;
    }
    done += static_cast<std::size_t>(n);
    frames_ += n;
  }
  return {};
}

IoStatus AlsaSink::drain() {
  if (pcm_ == nullptr) return {};
  const int rc = snd_pcm_drain(pcm_);
  if (rc < 0) {
    IoError e = alsa_error(rc, name_, "drain");
    snd_pcm_prepare(pcm_);
    return e;
  }
  snd_pcm_prepare(pcm_);  // ready for the next presentation
  return {};
}

std::int64_t AlsaSink::delay_frames() const {
  if (pcm_ == nullptr) return 0;
  snd_pcm_sframes_t d = 0;
  if (snd_pcm_delay(pcm_, &d) < 0) return 0;
  return d;
}

std::int64_t AlsaSink::output_latency_frames() const {
  if (pcm_ == nullptr) return 0;
  if (const auto d = delay_frames(); d > 0) return d;
  return std::min(frames_, buffer_frames_);
}

void AlsaSink::close() noexcept {
  if (pcm_ != nullptr) {
    snd_pcm_drain(pcm_);
    snd_pcm_close(pcm_);
    pcm_ = nullptr;
  }
}

}  // namespace odyo::drivers::audio
