#include "drivers/audio/alsa_capture.hpp"

#include <alsa/asoundlib.h>

#include <algorithm>
#include <cerrno>
#include <memory>

#include "drivers/audio/alsa_sink.hpp"  // alsa_error

namespace odyo::drivers::audio {
namespace {

struct PcmCloser {
  void operator()(snd_pcm_t* p) const noexcept { snd_pcm_close(p); }
};

}  // namespace

IoStatus capture_pcm(const std::string& pcm_name, int sample_rate_hz, std::int64_t frames,
                     std::vector<std::int32_t>& out) {
  out.clear();
  snd_pcm_t* raw = nullptr;
  int rc = snd_pcm_open(&raw, pcm_name.c_str(), SND_PCM_STREAM_CAPTURE, SND_PCM_NONBLOCK);
  if (rc < 0) return alsa_error(rc, pcm_name, "open");
  std::unique_ptr<snd_pcm_t, PcmCloser> pcm(raw);
  snd_pcm_nonblock(pcm.get(), 0);  // blocking reads from here on
  rc = snd_pcm_set_params(pcm.get(), SND_PCM_FORMAT_S32_LE, SND_PCM_ACCESS_RW_INTERLEAVED, 1,
                          static_cast<unsigned>(sample_rate_hz), 0, 500000);
  if (rc < 0)
    return IoError{"format_refused",
                   "ALSA capture PCM \"" + pcm_name + "\" refuses mono 32-bit samples at " +
                       std::to_string(sample_rate_hz) + " Hz (" + snd_strerror(rc) +
                       "); use the microphone's plughw: device, or a microphone that records at "
                       "that rate"};
  // Read a period at a time: ALSA's file plugin cannot serve a request larger than its buffer
  // from its infile (it logs an error and returns silence), and a real device is read in
  // periods anyway.
  snd_pcm_uframes_t buffer_frames = 0;
  snd_pcm_uframes_t period_frames = 0;
  if (snd_pcm_get_params(pcm.get(), &buffer_frames, &period_frames) < 0 || period_frames == 0)
    period_frames = 1024;
  out.resize(static_cast<std::size_t>(frames));
  std::int64_t done = 0;
  while (done < frames) {
    const auto want =
        std::min<std::int64_t>(frames - done, static_cast<std::int64_t>(period_frames));
    const auto n =
        snd_pcm_readi(pcm.get(), out.data() + done, static_cast<snd_pcm_uframes_t>(want));
    if (n == -EAGAIN || n == -EINTR) continue;
    if (n == -EPIPE) {
      out.clear();
      return IoError{"overrun", "ALSA capture PCM \"" + pcm_name +
                                    "\" overflowed mid-recording: samples were lost, so the "
                                    "levels would be wrong; close other programs and measure "
                                    "again"};
    }
    if (n < 0) {
      out.clear();
      IoError e = alsa_error(static_cast<int>(n), pcm_name, "read");
      if (e.code == "write_failed") e.code = "read_failed";
      return e;
    }
    done += n;
  }
  return {};
}

}  // namespace odyo::drivers::audio
