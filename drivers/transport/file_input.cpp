#include "drivers/transport/file_input.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>

namespace odyo::drivers {
namespace {

// Closes the descriptor on every path.
struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace

std::string describe_bytes(std::uint64_t bytes) {
  if (bytes >= 1024ull * 1024 && bytes % (1024ull * 1024) == 0)
    return std::to_string(bytes / (1024ull * 1024)) + " MiB";
  if (bytes >= 1024 && bytes % 1024 == 0) return std::to_string(bytes / 1024) + " KiB";
  return std::to_string(bytes) + " bytes";
}

IoStatus read_file_bounded(const std::filesystem::path& file, std::string& out,
                           std::uint64_t max_bytes) {
  out.clear();
  Fd f{::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY)};
  if (f.fd < 0) {
    return IoError{"input_missing", "cannot read " + file.string() + " (" + std::strerror(errno) +
                                        "); check the path"};
  }
  struct stat st {};
  if (::fstat(f.fd, &st) == 0) {
    if (S_ISDIR(st.st_mode))
      return IoError{"input_missing", file.string() + " is a folder, not a file; give a file"};
    if (S_ISREG(st.st_mode) && static_cast<std::uint64_t>(st.st_size) > max_bytes) {
      return IoError{"input_too_large",
                     file.string() + " is " +
                         describe_bytes(static_cast<std::uint64_t>(st.st_size)) +
                         ", more than the limit of " + describe_bytes(max_bytes) +
                         " for an input file; check that this is the right file"};
    }
    if (S_ISREG(st.st_mode)) out.reserve(static_cast<std::size_t>(st.st_size));
  }
  std::array<char, 65536> buf{};
  for (;;) {
    const ssize_t n = ::read(f.fd, buf.data(), buf.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      const std::string why = std::strerror(errno);
      out.clear();
      return IoError{"input_read_failed", "reading " + file.string() + " failed: " + why};
    }
    if (n == 0) break;
    if (out.size() + static_cast<std::uint64_t>(n) > max_bytes) {
      out.clear();
      out.shrink_to_fit();
      return IoError{
          "input_too_large",
          file.string() + " goes on beyond the limit of " + describe_bytes(max_bytes) +
              " for an input file (a device or an endless stream?); give a regular file"};
    }
    out.append(buf.data(), static_cast<std::size_t>(n));
  }
  return {};
}

}  // namespace odyo::drivers
