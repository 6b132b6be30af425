#include "station/core/atomic_file.hpp"

#include <fstream>
#include <system_error>

#include "analysis/core/error_text.hpp"

namespace odyo::station {

Result<void> rename_into_place(const std::filesystem::path& tmp,
                               const std::filesystem::path& path) {
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    std::filesystem::remove(tmp, ec);
    return make_errorf("file_unwritable", "{}: cannot write the file: {}", path.string(),
                       ec.message());
  }
  return {};
}

Result<void> write_file_atomically(const std::filesystem::path& path, std::string_view content) {
  std::filesystem::path tmp = path;
  tmp += ".tmp";
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    if (!f.write(content.data(), static_cast<std::streamsize>(content.size())) || !f.flush()) {
      std::error_code ec;
      std::filesystem::remove(tmp, ec);
      return make_errorf("file_unwritable",
                         "{}: cannot write the file (check the folder exists and is writable)",
                         path.string());
    }
  }
  return rename_into_place(tmp, path);
}

}  // namespace odyo::station
