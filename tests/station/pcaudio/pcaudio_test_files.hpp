#pragma once
// Variants of the shipped example calibration (config/calibration/example-tdh39-calibration.toml)
// for the bad-input tests: each test writes the example with one change into a temporary folder.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace odyo::station::pcaudio::testing {

namespace fs = std::filesystem;

inline fs::path example_calibration() {
  return fs::path(ODYO_SOURCE_DIR) / "config/calibration/example-tdh39-calibration.toml";
}

inline std::string read_text(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The example with its RETSPL path made absolute (so the copy can live anywhere).
inline std::string example_text() {
  std::string s = read_text(example_calibration());
  const std::string rel = "retspl_file = \"../audiometry/retspl.csv\"";
  const auto pos = s.find(rel);
  if (pos != std::string::npos)
    s.replace(pos, rel.size(),
              "retspl_file = \"" +
                  (fs::path(ODYO_SOURCE_DIR) / "config/audiometry/retspl.csv").string() + "\"");
  return s;
}

inline std::string replace_once(std::string s, const std::string& from, const std::string& to) {
  const auto pos = s.find(from);
  if (pos != std::string::npos) s.replace(pos, from.size(), to);
  return s;
}

inline std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (auto pos = s.find(from); pos != std::string::npos; pos = s.find(from, pos + to.size()))
    s.replace(pos, from.size(), to);
  return s;
}

// Drops the [[points]] block of (channel, frequency).
inline std::string without_point(const std::string& s, const std::string& channel, int hz) {
  const std::string key =
      "channel = \"" + channel + "\"\nfrequency_hz = " + std::to_string(hz) + "\n";
  const auto at = s.find(key);
  if (at == std::string::npos) return s;
  const auto begin = s.rfind("[[points]]", at);
  auto end = s.find("[[points]]", at);
  if (end == std::string::npos) end = s.size();
  return s.substr(0, begin) + s.substr(end);
}

class TempDir {
 public:
  TempDir() {
    static int n = 0;
    path_ = fs::temp_directory_path() /
            ("odyo-pcaudio-" + std::to_string(::getpid()) + "-" + std::to_string(++n));
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  [[nodiscard]] const fs::path& path() const { return path_; }
  fs::path write(const std::string& name, const std::string& text) const {
    const fs::path p = path_ / name;
    std::ofstream(p) << text;
    return p;
  }

 private:
  fs::path path_;
};

}  // namespace odyo::station::pcaudio::testing
