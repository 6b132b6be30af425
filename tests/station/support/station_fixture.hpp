#pragma once
// Test helpers for the station room: a fresh temporary folder per test, a way to run the
// built odyospiro command and capture what it prints, and `Station`: a database created the way
// a clinic creates one (`db migrate --admin`) with a physician and a technician, and the command
// prefixes that act as each of them (--user NAME, the password in $ODYOSPIRO_PASSWORD);
// `DemoStation`: a demo database (`odyospiro demo --json`) with the random passwords its
// accounts got, as the demo printed them once.
#include <sys/wait.h>
#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
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

  // Today's daily checks of `devices` as technician "tekniker" would record them before testing
  // (station/app/daily_checks: no test on a device without them): a 3-L syringe reading of
  // 3.01 L typed for a spirometer ("spiro-sim", "sim:spirometer", "serial:…"), a passed listening
  // check for an audiometer (any other id). Throws when a check is refused.
  void daily_checks(const std::vector<std::string>& devices) const {
    for (const auto& d : devices) {
      const bool spiro = d == "spiro-sim" || d == "sim:spirometer" || d.rfind("serial:", 0) == 0;
      const auto r = run_as(
          "tekniker",
          spiro ? "spiro syringe-check --device " + quote(d) + " --measured-l 3.01"
                : "audio listening-check --device " + quote(d) + " --pass --listener Tekniker");
      if (r.exit_code != 0) throw std::runtime_error("daily check of " + d + " failed: " + r.err);
    }
  }

  static std::string quote(const std::string& s) {
    std::string out = "'";
    for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
  }
};

#ifdef ODYO_BINARY_DIR  // the demo helpers need the built devsim (tests/CMakeLists.txt)
// A demo run: what `odyospiro demo --json` printed, and the accounts it created with their
// random passwords (printed once, under "accounts"; nowhere else).
struct DemoRun {
  CommandResult result;
  nlohmann::json report;                                       // the --json output
  std::vector<std::pair<std::string, std::string>> passwords;  // username → password

  [[nodiscard]] std::string password_of(const std::string& user) const {
    for (const auto& [n, p] : passwords)
      if (n == user) return p;
    return "not-the-password-of-" + user;
  }
  // `exe` (`<odyospiro> --config … --db …`) acting as `user` with the demo's password.
  [[nodiscard]] std::string as(const std::string& exe, const std::string& user) const {
    return "ODYOSPIRO_PASSWORD=" + Station::quote(password_of(user)) + " " + exe + " --user " +
           Station::quote(user);
  }
};

// Runs the demo on `db` (a new file: the demo creates it and its accounts) with the source
// tree's configuration and the built devsim; `extra` goes before `demo` (e.g. "--lang en").
// Throws when the demo fails.
// `run_demo_with(exe)`: the same with a command prefix of one's own (`<odyospiro> --config …
// --db …`, e.g. another configuration).
inline DemoRun run_demo_with(const std::string& exe) {
  DemoRun d;
  d.result = run_command(exe + " --json demo --devsim '" + std::string(ODYO_BINARY_DIR) +
                         "/tools/devsim/devsim'");
  if (d.result.exit_code != 0)
    throw std::runtime_error("odyospiro demo failed (" + std::to_string(d.result.exit_code) +
                             "): " + d.result.err + d.result.out);
  d.report = nlohmann::json::parse(d.result.out);
  for (const auto& a : d.report.at("accounts"))
    d.passwords.emplace_back(a.at("username").get<std::string>(),
                             a.at("password").get<std::string>());
  return d;
}
inline DemoRun run_demo(const std::filesystem::path& db, const std::string& extra = "") {
  return run_demo_with(odyospiro(db) + " " + extra);
}

// A demo database in its own temporary folder, and the command prefixes acting as its accounts
// (admin "yonetici", technician "teknisyen", physician "hekim").
// Use:  odyo::test::DemoStation demo;  run_command(demo.as("hekim") + " exam show 1");
struct DemoStation {
  TempDir dir;
  std::filesystem::path db_file;
  DemoRun run;

  explicit DemoStation(const std::string& extra = "--lang en",
                       const std::string& db_name = "demo.db")
      : db_file(dir / db_name), run(run_demo(db_file, extra)) {}

  [[nodiscard]] std::string password_of(const std::string& user) const {
    return run.password_of(user);
  }
  // `<odyospiro> --config <source config> --db <db>`, no user.
  [[nodiscard]] std::string exe() const { return odyospiro(db_file); }
  [[nodiscard]] std::string as(const std::string& user) const { return as_on(user, db_file); }
  // As `user` (with the password the demo gave them) on another file, e.g. a copy.
  [[nodiscard]] std::string as_on(const std::string& user,
                                  const std::filesystem::path& other_db) const {
    return run.as(odyospiro(other_db), user);
  }
  CommandResult run_as(const std::string& user, const std::string& args) const {
    return run_command(as(user) + " " + args);
  }
};

#endif  // ODYO_BINARY_DIR

}  // namespace odyo::test
