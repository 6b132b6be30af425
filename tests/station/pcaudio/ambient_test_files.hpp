#pragma once
// Recordings for the ambient-noise tests: sines of known amplitude written as a 48 kHz mono
// 32-bit WAV (what a USB measurement microphone delivers), or as the raw S32_LE stream that an
// ALSA `file` PCM's `infile` hands to a capture.
#include <cmath>
#include <cstdint>
#include <cstring>
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

namespace odyo::test::ambient {

// A 48 kHz mono WAV written byte by byte (not through the station's writer): 16-bit integer PCM
// (WAVE_FORMAT_PCM), or 32-bit float with a WAVE_FORMAT_EXTENSIBLE header (KSDATAFORMAT_SUBTYPE_
// IEEE_FLOAT), as sound-card software and measurement microphones write them.
inline bool write_wav_by_hand(const std::filesystem::path& file, const std::vector<double>& x,
                              bool float_extensible) {
  std::vector<unsigned char> b;
  auto u16 = [&](unsigned v) {
    b.push_back(static_cast<unsigned char>(v & 0xFF));
    b.push_back(static_cast<unsigned char>((v >> 8) & 0xFF));
  };
  auto u32 = [&](std::uint32_t v) {
    for (int i = 0; i < 4; ++i) b.push_back(static_cast<unsigned char>((v >> (8 * i)) & 0xFF));
  };
  auto tag = [&](const char* t) { b.insert(b.end(), t, t + 4); };
  const unsigned bytes = float_extensible ? 4 : 2;
  const auto data_bytes = static_cast<std::uint32_t>(x.size() * bytes);
  const std::uint32_t fmt_len = float_extensible ? 40 : 16;
  tag("RIFF");
  u32(4 + 8 + fmt_len + 8 + data_bytes);
  tag("WAVE");
  tag("fmt ");
  u32(fmt_len);
  u16(float_extensible ? 0xFFFE : 1);
  u16(1);
  u32(48000);
  u32(48000 * bytes);
  u16(bytes);
  u16(bytes * 8);
  if (float_extensible) {
    u16(22);          // cbSize
    u16(32);          // valid bits
    u32(0x4);         // channel mask: front centre
    u32(0x00000003);  // GUID 00000003-0000-0010-8000-00aa00389b71 (IEEE float)
    u16(0x0000);
    u16(0x0010);
    for (unsigned char c : {0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71}) b.push_back(c);
  }
  tag("data");
  u32(data_bytes);
  for (double v : x) {
    if (float_extensible) {
      const float f = static_cast<float>(v);
      std::uint32_t w = 0;
      std::memcpy(&w, &f, 4);
      u32(w);
    } else {
      u16(static_cast<unsigned>(
          static_cast<std::uint16_t>(static_cast<std::int16_t>(std::lround(v * 32767.0)))));
    }
  }
  std::ofstream out(file, std::ios::binary);
  out.write(reinterpret_cast<const char*>(b.data()),  // NOLINT: raw bytes
            static_cast<std::streamsize>(b.size()));
  return static_cast<bool>(out);
}

inline std::vector<double> sine(double amplitude, double frequency_hz, double seconds) {
  const auto n = static_cast<std::size_t>(seconds * 48000.0);
  std::vector<double> out(n);
  for (std::size_t i = 0; i < n; ++i)
    out[i] = amplitude *
             std::sin(2.0 * std::numbers::pi * frequency_hz * static_cast<double>(i) / 48000.0);
  return out;
}

}  // namespace odyo::test::ambient
