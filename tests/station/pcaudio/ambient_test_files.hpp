#pragma once
// Recordings for the ambient-noise tests: sines of known amplitude written as a 48 kHz mono
// 32-bit WAV (what a USB measurement microphone delivers), or as the raw S32_LE stream that an
// ALSA `file` PCM's `infile` hands to a capture.
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <numbers>
#include <utility>
#include <vector>

#include "drivers/audio/wav_file.hpp"

namespace odyo::test::ambient {

// Sum of sines {(amplitude, frequency_hz)}, `seconds` long at 48 kHz, as left-justified words.
inline std::vector<std::int32_t> sines(std::initializer_list<std::pair<double, double>> tones,
                                       double seconds) {
  const auto n = static_cast<std::size_t>(seconds * 48000.0);
  std::vector<std::int32_t> out(n);
  for (std::size_t i = 0; i < n; ++i) {
    double x = 0;
    for (auto [a, f] : tones)
      x += a * std::sin(2.0 * std::numbers::pi * f * static_cast<double>(i) / 48000.0);
    out[i] = static_cast<std::int32_t>(std::lround(x * 2147483647.0));
  }
  return out;
}

inline bool write_mono_wav(const std::filesystem::path& file,
                           const std::vector<std::int32_t>& samples) {
  return drivers::audio::write_wav(file, 48000, 1, 32, samples).ok();
}

inline void write_raw(const std::filesystem::path& file, const std::vector<std::int32_t>& samples) {
  std::ofstream(file, std::ios::binary)
      .write(reinterpret_cast<const char*>(samples.data()),  // NOLINT: raw S32_LE bytes
             static_cast<std::streamsize>(samples.size() * sizeof(std::int32_t)));
}

}  // namespace odyo::test::ambient
