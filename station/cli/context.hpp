#pragma once
// Shared state of one odyospiro invocation: global options, the configuration and the database,
// both opened lazily so that commands which need neither (e.g. `spiro analyze`) never touch them.
// Single-threaded: used only by the command line's thread.

#include <CLI/CLI.hpp>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "analysis/core/result.hpp"
#include "station/config/config.hpp"
#include "station/core/i18n.hpp"
#include "station/storage/users.hpp"

namespace odyo::station {

class Database;

struct GlobalOptions {
  std::string config_path;  // --config (else $ODYOSPIRO_CONFIG, else config/station.toml)
  std::string db_path;      // --db overrides [station].database
  std::string language;     // --lang tr|en overrides $ODYOSPIRO_LANG and [station].language
  std::string user;         // --user: who is acting, proven by a password (station/auth/)
  bool json = false;        // --json: machine-readable output on stdout
};

class CliContext {
 public:
  CliContext();
  ~CliContext();
  CliContext(const CliContext&) = delete;
  CliContext& operator=(const CliContext&) = delete;

  GlobalOptions opts;

  // Loaded on first use; an invalid config is reported by `fail` and the command exits.
  Result<const StationConfig*> config();
  // Opened (and migrated) on first use, and the acting user proven (--user and a password,
  // station/auth/login.hpp); every command that reads or writes personal data goes through here.
  Result<Database*> db();
  // The proven acting user (logs in through db() if not done yet).
  Result<const User*> actor();
  // db() and the proven user must have one of `roles` to do `what` (refusal audited).
  Result<Database*> db_as(std::initializer_list<std::string_view> roles, std::string_view what);
  // Proves the acting user on a database opened some other way (`db verify` opens without
  // migrating) and checks the role, as db_as does.
  Result<const User*> prove_on(Database& other, std::initializer_list<std::string_view> roles,
                               std::string_view what);
  // The database without a login: only for creating a new database with its first admin
  // (`db migrate --admin`) and the demo's own database. `create`: make the file if missing.
  Result<Database*> db_without_login(bool create);

  [[nodiscard]] bool json() const { return opts.json; }
  [[nodiscard]] bool turkish() const;  // output language
  // The output language's catalogue: --lang, else $ODYOSPIRO_LANG, else [station].language
  // (Turkish until the configuration is read).
  [[nodiscard]] const i18n::Catalog& catalog() const;
  // An English text (a literal: the catalogue test extracts it) in the output language.
  [[nodiscard]] const char* tr(const char* english) const {
    return catalog().tr(english);  // i18n: the caller's literal
  }
  // An English template with {} filled by `args`, in the output language.
  template <typename... Args>
  [[nodiscard]] std::string trf(const char* english, const Args&... args) const {
    return catalog().trf(english, args...);  // i18n: the caller's literal
  }
  // An error's message in the output language.
  [[nodiscard]] std::string message(const Error& e) const { return catalog().localize(e); }

  std::ostream& out();  // stdout
  std::ostream& err();  // stderr

  // Prints the error (to stderr, or as {"error":{code,message}} on stdout with --json) and
  // returns the exit code to use (1 for input errors, 2 for configuration/database errors).
  int fail(const Error& e, int exit_code = 1);

  // The progress of a long run as one line on stderr, rewritten ("\r"), when `asked`
  // (--progress) or stderr is a terminal: the callback to hand the use case (empty: nothing is
  // shown). `english` is a template of done and total, e.g. "qc: {} of {} exams". end_progress()
  // ends the line when one was shown.
  std::function<void(std::int64_t, std::int64_t)> progress_line(bool asked, const char* english);
  void end_progress();

  // The exit code a command's callback sets.
  int exit_code = 0;

 private:
  bool progress_shown_ = false;
  std::optional<StationConfig> config_;
  std::unique_ptr<Database> db_;
  std::optional<User> actor_;
};

// Each command group registers its subcommands on the app; the list is in commands.cpp.
void register_all_commands(CLI::App& app, CliContext& ctx);

}  // namespace odyo::station
