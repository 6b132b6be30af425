#pragma once
// Test helpers for the station room: a fresh temporary folder per test and a way to run the
// built odyospiro command and capture what it prints.
#include <sys/wait.h>
#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>

namespace odyo::test {

// A new empty folder under the system temp dir, removed at the end of the test.
class TempDir {
 public:
  TempDir() {
    std::random_device rd;
    path_ = std::filesystem::temp_directory_path() /
            ("odyo-test-" + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  [[nodiscard]] const std::filesystem::path& path() const { return path_; }
  [[nodiscard]] std::filesystem::path operator/(const std::string& name) const {
    return path_ / name;
  }
  // Writes `bytes` exactly to a file of this folder and returns its path.
  [[nodiscard]] std::string write(const std::string& name, const std::string& bytes) const {
    const auto p = path_ / name;
    std::ofstream(p, std::ios::binary) << bytes;
    return p.string();
  }

 private:
  std::filesystem::path path_;
};

struct CommandResult {
  int exit_code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};

// Runs a shell command line; stdout and stderr are captured separately.
inline CommandResult run_command(const std::string& cmdline) {
  static int counter = 0;
  const auto errfile =
      std::filesystem::temp_directory_path() /
      ("odyo-stderr-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
  CommandResult r;
  const std::string full = cmdline + " 2>" + errfile.string();
  FILE* p = ::popen(full.c_str(), "r");
  if (p == nullptr) return r;
  std::array<char, 4096> buf{};
  size_t n = 0;
  while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
  const int status = ::pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  if (FILE* f = std::fopen(errfile.c_str(), "r"); f != nullptr) {
    while ((n = std::fread(buf.data(), 1, buf.size(), f)) > 0) r.err.append(buf.data(), n);
    std::fclose(f);
  }
  std::filesystem::remove(errfile);
  return r;
}

// The built odyospiro with the source tree's configuration and a database in `db`.
inline std::string odyospiro(const std::filesystem::path& db) {
  return std::string(ODYOSPIRO_EXE) + " --config " + ODYO_SOURCE_DIR +
         "/config/station.toml --db " + db.string();
}

}  // namespace odyo::test
