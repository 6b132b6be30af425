#pragma once
// Records a block of samples from an ALSA capture PCM (libasound2): the USB measurement
// microphone of the ambient-noise check. Mono, S32_LE (left-justified), interleaved, at the
// asked rate without resampling (a resampled recording is not the calibrated one); a microphone
// that only delivers 16 or 24 bits is opened through ALSA's `plughw:` device, which widens the
// samples without changing their scale. Errors use the AudioSink codes (audio_sink.hpp):
// device_missing, device_busy, format_refused, device_gone, read_failed (anything else),
// plus "overrun" when the device overflowed mid-recording (the recording is void).
// Tests: an ALSA `type file` PCM with an `infile` (raw S32_LE) over a `null` slave, in a private
// config (ALSA_CONFIG_PATH), is read as a capture device (tests/drivers/audio).
// Threading: a plain function; blocks for the recording's duration on real hardware.

#include <cstdint>
#include <string>
#include <vector>

#include "drivers/transport/io_error.hpp"

namespace odyo::drivers::audio {

// Records `frames` mono frames at `sample_rate_hz` from the PCM `pcm_name` into `out`
// (left-justified 32-bit words).
IoStatus capture_pcm(const std::string& pcm_name, int sample_rate_hz, std::int64_t frames,
                     std::vector<std::int32_t>& out);

}  // namespace odyo::drivers::audio
