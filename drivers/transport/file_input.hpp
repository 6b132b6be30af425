#pragma once
// One bounded reader for every file the station takes as input (a flow CSV, an audiogram or
// evaluation JSON, a device record, a configuration or rule table, a WAV): it never reads more
// than a limit, so `--input /dev/zero` (or a FIFO, or a huge file given by mistake) ends with a
// clear error naming the file and the limit instead of reading forever.
// Thread-safety: pure function of the file system; callable from any thread.

#include <cstdint>
#include <filesystem>
#include <string>

#include "drivers/transport/io_error.hpp"

namespace odyo::drivers {

// Default limit: far above any flow session (30 s × 1 kHz × 8 manoeuvres ≈ 2.5 MB of CSV), any
// audiogram, device record, rule or reference table of this station.
inline constexpr std::uint64_t kMaxInputFileBytes = 64ull * 1024 * 1024;
// WAV recordings of the test room (audio ambient --input): 600 s at 48 kHz, 2 × 32 bit ≈ 230 MB.
inline constexpr std::uint64_t kMaxAudioFileBytes = 256ull * 1024 * 1024;

// Reads the whole of `file` into `out` (bytes as they are). Errors: "input_missing" (cannot be
// opened, or is a folder), "input_too_large" (more than `max_bytes`: the message names the file
// and the limit; `out` is left empty), "input_read_failed".
IoStatus read_file_bounded(const std::filesystem::path& file, std::string& out,
                           std::uint64_t max_bytes = kMaxInputFileBytes);

// "64 MiB", "1.5 kB": the limit as a person reads it.
std::string describe_bytes(std::uint64_t bytes);

}  // namespace odyo::drivers
