#pragma once
// Test helpers for the station room: a fresh temporary folder per test, a way to run the
// built odyospiro command and capture what it prints, and `Station`: a database created the way
// a clinic creates one (`db migrate --admin`) with a physician and a technician, and the command
// prefixes that act as each of them (--user NAME, the password in $ODYOSPIRO_PASSWORD).
#include <sys/wait.h>
#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

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

// A new station database with three accounts (passwords below):
//   admin    (admin)       created by `db migrate --admin admin`
//   hekim    (physician)   added by the admin
//   tekniker (technician)  added by the admin
// Use:  odyo::test::Station st;  run_command(st.as("hekim") + " exam list");
// `as(name)` is the command prefix
//   ODYOSPIRO_PASSWORD='<password>' <odyospiro> --config <config> --db <db> --user <name>
// (unknown names get a wrong password: useful for refusal tests). `add_user` adds more accounts.
struct Station {
  static constexpr const char* kAdminPassword = "admin-parola-2026";
  static constexpr const char* kPhysicianPassword = "hekim-parola-2026";
  static constexpr const char* kTechnicianPassword = "tekniker-parola-2026";

  TempDir dir;
  std::filesystem::path db_file;
  std::filesystem::path config;
  std::vector<std::pair<std::string, std::string>> passwords;  // name → password

  // `config`: the station.toml to use (default: the source tree's); `db_name` inside `dir`.
  explicit Station(std::filesystem::path config_file = std::filesystem::path(ODYO_SOURCE_DIR) /
                                                       "config/station.toml",
                   const std::string& db_name = "station.db")
      : db_file(dir / db_name), config(std::move(config_file)) {
    const auto r = run_command("ODYOSPIRO_PASSWORD=" + quote(kAdminPassword) + " " + exe() +
                               " db migrate --admin admin --name 'Station Admin'");
    if (r.exit_code != 0) throw std::runtime_error("db migrate --admin failed: " + r.err);
    passwords.emplace_back("admin", kAdminPassword);
    add_user("hekim", "physician", kPhysicianPassword, "Dr. Hekim");
    add_user("tekniker", "technician", kTechnicianPassword, "Tekniker");
  }

  // The command without any user: `<odyospiro> --config … --db …`.
  [[nodiscard]] std::string exe() const {
    return "'" + std::string(ODYOSPIRO_EXE) + "' --config " + quote(config.string()) + " --db " +
           quote(db_file.string());
  }
  [[nodiscard]] std::string password_of(const std::string& user) const {
    for (const auto& [n, p] : passwords)
      if (n == user) return p;
    return "not-the-password-of-" + user;
  }
  // The command acting as `user` with their password (or with `password`).
  [[nodiscard]] std::string as(const std::string& user) const {
    return as(user, password_of(user));
  }
  [[nodiscard]] std::string as(const std::string& user, const std::string& password) const {
    return "ODYOSPIRO_PASSWORD=" + quote(password) + " " + exe() + " --user " + quote(user);
  }
  // As `user` (with their password) on another database file, e.g. a backup copy.
  [[nodiscard]] std::string as_on(const std::string& user,
                                  const std::filesystem::path& other_db) const {
    return "ODYOSPIRO_PASSWORD=" + quote(password_of(user)) + " '" + std::string(ODYOSPIRO_EXE) +
           "' --config " + quote(config.string()) + " --db " + quote(other_db.string()) +
           " --user " + quote(user);
  }
  // As `user` on this database, but with another station.toml (e.g. a changed setting).
  [[nodiscard]] std::string as_with_config(const std::string& user,
                                           const std::filesystem::path& other_config) const {
    return "ODYOSPIRO_PASSWORD=" + quote(password_of(user)) + " '" + std::string(ODYOSPIRO_EXE) +
           "' --config " + quote(other_config.string()) + " --db " + quote(db_file.string()) +
           " --user " + quote(user);
  }
  CommandResult run_as(const std::string& user, const std::string& args) const {
    return run_command(as(user) + " " + args);
  }
  // Adds an account through `user add` as the admin; throws when it fails.
  void add_user(const std::string& name, const std::string& role, const std::string& password,
                const std::string& full_name = "") {
    const auto r = run_command("ODYOSPIRO_NEW_PASSWORD=" + quote(password) + " " + as("admin") +
                               " user add " + quote(name) + " --name " +
                               quote(full_name.empty() ? name : full_name) + " --role " + role);
    if (r.exit_code != 0) throw std::runtime_error("user add " + name + " failed: " + r.err);
    passwords.emplace_back(name, password);
  }

  static std::string quote(const std::string& s) {
    std::string out = "'";
    for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
  }
};

}  // namespace odyo::test
