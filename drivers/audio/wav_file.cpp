// WAV in and out through libsndfile: integer PCM (16/24/32-bit), 32/64-bit float and
// WAVE_FORMAT_EXTENSIBLE headers are read by the library, not by hand.
#include "drivers/audio/wav_file.hpp"

#include <sndfile.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>

#include "drivers/transport/file_input.hpp"

namespace odyo::drivers::audio {
namespace {

struct SndfileCloser {
  void operator()(SNDFILE* f) const noexcept { sf_close(f); }
};
using SndfilePtr = std::unique_ptr<SNDFILE, SndfileCloser>;

int subformat_for_bits(int bits) {
  return bits == 24 ? SF_FORMAT_PCM_24 : bits == 32 ? SF_FORMAT_PCM_32 : 0;
}

// A file's bytes, read once by read_file_bounded, served to libsndfile's virtual I/O.
struct MemoryFile {
  std::string bytes;
  sf_count_t pos = 0;
};

MemoryFile& mem_of(void* user) {
  return *static_cast<MemoryFile*>(user);
}

SF_VIRTUAL_IO memory_io() {
  SF_VIRTUAL_IO io{};
  io.get_filelen = [](void* u) -> sf_count_t {
    return static_cast<sf_count_t>(mem_of(u).bytes.size());
  };
  io.seek = [](sf_count_t offset, int whence, void* u) -> sf_count_t {
    MemoryFile& m = mem_of(u);
    const auto size = static_cast<sf_count_t>(m.bytes.size());
    sf_count_t to = whence == SEEK_SET   ? offset
                    : whence == SEEK_CUR ? m.pos + offset
                                         : size + offset;
    m.pos = std::clamp<sf_count_t>(to, 0, size);
    return m.pos;
  };
  io.read = [](void* ptr, sf_count_t count, void* u) -> sf_count_t {
    MemoryFile& m = mem_of(u);
    const auto size = static_cast<sf_count_t>(m.bytes.size());
    const sf_count_t n = std::clamp<sf_count_t>(size - m.pos, 0, count);
    std::memcpy(ptr, m.bytes.data() + m.pos, static_cast<std::size_t>(n));
    m.pos += n;
    return n;
  };
  io.write = [](const void*, sf_count_t, void*) -> sf_count_t { return 0; };  // read-only
  io.tell = [](void* u) -> sf_count_t { return mem_of(u).pos; };
  return io;
}

}  // namespace

IoStatus write_wav(const std::filesystem::path& file, int rate, int channels, int bits,
                   std::span<const std::int32_t> samples) {
  WavFileSink sink(file);
  SinkFormat f{};
  f.sample_rate_hz = rate;
  f.channels = channels;
  f.bits = bits;
  if (auto s = sink.open(f); !s) return s;
  if (auto s = sink.write(samples); !s) return s;
  sink.close();
  return {};
}

IoStatus read_wav(const std::filesystem::path& file, WavData& out) {
  // Through the one bounded reader (256 MiB for WAVs; /dev/zero, FIFOs and huge files are
  // refused naming the file and the limit), then libsndfile decodes the bytes in memory.
  MemoryFile mem;
  if (auto r = read_file_bounded(file, mem.bytes, kMaxAudioFileBytes); !r) {
    if (r.error().code == "input_missing")
      return IoError{"device_missing", "cannot open " + file.string() + ": no such file"};
    return r;
  }
  SF_VIRTUAL_IO vio = memory_io();
  SF_INFO info{};
  SndfilePtr f(sf_open_virtual(&vio, SFM_READ, &info, &mem));
  if (!f)
    return IoError{"bad_wav",
                   "cannot read " + file.string() + " as a sound file: " + sf_strerror(nullptr)};
  out = WavData{};
  out.sample_rate_hz = info.samplerate;
  out.channels = info.channels;
  const int sub = info.format & SF_FORMAT_SUBMASK;
  switch (sub) {
    case SF_FORMAT_PCM_16:
      out.bits = 16;
      break;
    case SF_FORMAT_PCM_24:
      out.bits = 24;
      break;
    case SF_FORMAT_PCM_32:
      out.bits = 32;
      break;
    case SF_FORMAT_FLOAT:
      out.bits = 32;
      out.floating_point = true;
      break;
    case SF_FORMAT_DOUBLE:
      out.bits = 64;
      out.floating_point = true;
      break;
    default:
      return IoError{"bad_wav", file.string() +
                                    ": sample format is not 16/24/32-bit integer PCM or "
                                    "32/64-bit float"};
  }
  if (info.frames < 0 || info.channels <= 0)
    return IoError{"bad_wav", file.string() + ": no samples"};
  const auto n = static_cast<std::size_t>(info.frames) * static_cast<std::size_t>(info.channels);
  out.samples.resize(n);
  sf_count_t got = 0;
  if (out.floating_point) {
    // Floats as stored (full scale ±1.0), mapped to 32-bit words of the same fraction of full
    // scale. (libsndfile's own float→int scaling normalises to the file's peak: not a level.)
    std::vector<double> x(n);
    got = sf_readf_double(f.get(), x.data(), info.frames);
    for (std::size_t i = 0; i < n; ++i) {
      const double v = std::clamp(x[i] * 2147483648.0, -2147483648.0, 2147483647.0);
      out.samples[i] = static_cast<std::int32_t>(std::lround(v));
    }
  } else {
    got = sf_readf_int(f.get(), out.samples.data(), info.frames);
  }
  if (got < 0) return IoError{"bad_wav", file.string() + ": " + sf_strerror(f.get())};
  out.samples.resize(static_cast<std::size_t>(got) * static_cast<std::size_t>(info.channels));
  return {};
}

IoStatus WavFileSink::open(const SinkFormat& format) {
  if (format.bits != 24 && format.bits != 32)
    return IoError{"format_refused",
                   "WAV output is 24 or 32 bits, not " + std::to_string(format.bits)};
  close();
  format_ = format;
  SF_INFO info{};
  info.samplerate = format.sample_rate_hz;
  info.channels = format.channels;
  info.format = SF_FORMAT_WAV | subformat_for_bits(format.bits);
  file_handle_ = sf_open(file_.c_str(), SFM_WRITE, &info);
  if (file_handle_ == nullptr)
    return IoError{"write_failed", "cannot create " + file_.string() + ": " + sf_strerror(nullptr) +
                                       " (check the folder exists and is writable)"};
  frames_ = 0;
  return {};
}

IoStatus WavFileSink::write(std::span<const std::int32_t> interleaved) {
  if (file_handle_ == nullptr) return IoError{"write_failed", "WAV sink is not open"};
  const auto frames = static_cast<sf_count_t>(interleaved.size()) / format_.channels;
  if (sf_writef_int(file_handle_, interleaved.data(), frames) != frames)
    return IoError{"write_failed", "writing " + file_.string() +
                                       " failed (disk full?): " + sf_strerror(file_handle_)};
  frames_ += frames;
  return {};
}

void WavFileSink::close() noexcept {
  if (file_handle_ == nullptr) return;
  sf_close(file_handle_);  // writes the header's lengths
  file_handle_ = nullptr;
}

}  // namespace odyo::drivers::audio
