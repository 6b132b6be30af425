#include "drivers/audio/wav_file.hpp"

#include <array>
#include <cstring>

#include "drivers/transport/file_input.hpp"

namespace odyo::drivers::audio {
namespace {

void put_u16(std::vector<char>& b, std::uint16_t v) {
  b.push_back(static_cast<char>(v & 0xFF));
  b.push_back(static_cast<char>(v >> 8));
}
void put_u32(std::vector<char>& b, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) b.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}
std::uint32_t get_u32(const unsigned char* p) {
  return static_cast<std::uint32_t>(p[0]) | (static_cast<std::uint32_t>(p[1]) << 8) |
         (static_cast<std::uint32_t>(p[2]) << 16) | (static_cast<std::uint32_t>(p[3]) << 24);
}
std::uint16_t get_u16(const unsigned char* p) {
  return static_cast<std::uint16_t>(p[0] | (p[1] << 8));
}

std::vector<char> header(int rate, int channels, int bits, std::uint32_t data_bytes) {
  std::vector<char> h;
  const auto block = static_cast<std::uint16_t>(channels * bits / 8);
  h.insert(h.end(), {'R', 'I', 'F', 'F'});
  put_u32(h, 36 + data_bytes);
  h.insert(h.end(), {'W', 'A', 'V', 'E', 'f', 'm', 't', ' '});
  put_u32(h, 16);
  put_u16(h, 1);  // PCM
  put_u16(h, static_cast<std::uint16_t>(channels));
  put_u32(h, static_cast<std::uint32_t>(rate));
  put_u32(h, static_cast<std::uint32_t>(rate) * block);
  put_u16(h, block);
  put_u16(h, static_cast<std::uint16_t>(bits));
  h.insert(h.end(), {'d', 'a', 't', 'a'});
  put_u32(h, data_bytes);
  return h;
}

void append_samples(std::vector<char>& b, int bits, std::span<const std::int32_t> s) {
  const int bytes = bits / 8;
  for (std::int32_t v : s) {
    const auto u = static_cast<std::uint32_t>(v);
    for (int i = 4 - bytes; i < 4; ++i) b.push_back(static_cast<char>((u >> (8 * i)) & 0xFF));
  }
}

}  // namespace

IoStatus write_wav(const std::filesystem::path& file, int rate, int channels, int bits,
                   std::span<const std::int32_t> samples) {
  if (bits != 24 && bits != 32)
    return IoError{"format_refused", "WAV output is 24 or 32 bits, not " + std::to_string(bits)};
  std::vector<char> b =
      header(rate, channels, bits,
             static_cast<std::uint32_t>(samples.size()) * static_cast<std::uint32_t>(bits / 8));
  append_samples(b, bits, samples);
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  if (!out)
    return IoError{"write_failed", "cannot create " + file.string() +
                                       ": check the folder exists "
                                       "and is writable"};
  out.write(b.data(), static_cast<std::streamsize>(b.size()));
  out.close();
  if (!out) return IoError{"write_failed", "writing " + file.string() + " failed (disk full?)"};
  return {};
}

IoStatus read_wav(const std::filesystem::path& file, WavData& out) {
  std::string file_bytes;
  if (auto r = read_file_bounded(file, file_bytes, kMaxAudioFileBytes); !r) {
    if (r.error().code == "input_missing")
      return IoError{"device_missing", "cannot open " + file.string()};
    return r;
  }
  const std::vector<unsigned char> b(file_bytes.begin(), file_bytes.end());
  if (b.size() < 12 || std::memcmp(b.data(), "RIFF", 4) != 0 ||
      std::memcmp(b.data() + 8, "WAVE", 4) != 0)
    return IoError{"bad_wav", file.string() + " is not a RIFF/WAVE file"};
  std::size_t pos = 12;
  bool have_fmt = false;
  while (pos + 8 <= b.size()) {
    const unsigned char* c = b.data() + pos;
    std::size_t len = get_u32(c + 4);
    if (std::memcmp(c, "fmt ", 4) == 0) {
      if (len < 16 || pos + 8 + 16 > b.size()) return IoError{"bad_wav", "short fmt chunk"};
      const std::uint16_t tag = get_u16(c + 8);
      if (tag != 1 && tag != 0xFFFE)
        return IoError{"bad_wav", "WAV sample format " + std::to_string(tag) + " is not PCM"};
      out.channels = get_u16(c + 10);
      out.sample_rate_hz = static_cast<int>(get_u32(c + 12));
      out.bits = get_u16(c + 22);
      if (out.bits != 16 && out.bits != 24 && out.bits != 32)
        return IoError{"bad_wav", "WAV with " + std::to_string(out.bits) + "-bit samples"};
      have_fmt = true;
    } else if (std::memcmp(c, "data", 4) == 0) {
      if (!have_fmt) return IoError{"bad_wav", "data chunk before fmt chunk"};
      const std::size_t avail = b.size() - (pos + 8);
      if (len > avail) len = avail;  // length never filled in: read to end of file
      const int bytes = out.bits / 8;
      const std::size_t n = len / static_cast<std::size_t>(bytes);
      out.samples.resize(n);
      const unsigned char* d = c + 8;
      for (std::size_t i = 0; i < n; ++i) {
        std::uint32_t u = 0;
        for (int k = 0; k < bytes; ++k)
          u |= static_cast<std::uint32_t>(
                   d[i * static_cast<std::size_t>(bytes) + static_cast<std::size_t>(k)])
               << (8 * (k + 4 - bytes));
        out.samples[i] = static_cast<std::int32_t>(u);
      }
      return {};
    }
    pos += 8 + len + (len & 1U);
  }
  return IoError{"bad_wav", file.string() + " has no data chunk"};
}

IoStatus WavFileSink::open(const SinkFormat& format) {
  if (format.bits != 24 && format.bits != 32)
    return IoError{"format_refused", "WAV sink takes 24 or 32 bits"};
  format_ = format;
  out_.open(file_, std::ios::binary | std::ios::trunc);
  if (!out_) return IoError{"device_missing", "cannot create " + file_.string()};
  const auto h = header(format.sample_rate_hz, format.channels, format.bits, 0);
  out_.write(h.data(), static_cast<std::streamsize>(h.size()));
  frames_ = 0;
  return {};
}

IoStatus WavFileSink::write(std::span<const std::int32_t> interleaved) {
  if (!out_.is_open()) return IoError{"write_failed", "WAV sink is not open"};
  std::vector<char> b;
  b.reserve(interleaved.size() * 4);
  append_samples(b, format_.bits, interleaved);
  out_.write(b.data(), static_cast<std::streamsize>(b.size()));
  if (!out_) return IoError{"write_failed", "writing " + file_.string() + " failed (disk full?)"};
  frames_ += static_cast<std::int64_t>(interleaved.size()) / format_.channels;
  return {};
}

void WavFileSink::close() noexcept {
  if (!out_.is_open()) return;
  const auto data_bytes = static_cast<std::uint32_t>(frames_ * format_.channels * format_.bits / 8);
  const auto h = header(format_.sample_rate_hz, format_.channels, format_.bits, data_bytes);
  out_.seekp(0);
  out_.write(h.data(), static_cast<std::streamsize>(h.size()));
  out_.close();
}

}  // namespace odyo::drivers::audio
