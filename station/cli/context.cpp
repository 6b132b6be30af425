#include "station/cli/context.hpp"

#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <nlohmann/json.hpp>

#include "station/auth/login.hpp"
#include "station/auth/password_input.hpp"
#include "station/core/oplog.hpp"
#include "station/storage/database.hpp"
#include "station/storage/file_modes.hpp"

namespace odyo::station {
namespace {
// Every command that touches the database proves its user (off only while tests were moved).
constexpr bool kEnforceLogin = true;
}  // namespace

CliContext::CliContext() = default;
CliContext::~CliContext() = default;

Result<const StationConfig*> CliContext::config() {
  if (!config_) {
    auto c = load_config(resolve_config_path(opts.config_path));
    if (!c) return c.error();
    config_ = std::move(c.value());
  }
  return &*config_;
}

Result<Database*> CliContext::db_without_login(bool create) {
  if (!db_) {
    std::filesystem::path file = opts.db_path;
    if (file.empty()) {
      auto c = config();
      if (!c) return c.error();
      file = (*c)->database;
    }
    // A database everyone may read is refused before anything is read from it.
    if (auto r = refuse_world_readable(file); !r) return r.error();
    OpenOptions oo{.create = create};
    if (auto c = config(); c) oo.data_group = (*c)->data_group;
    auto d = Database::open(file, oo);
    if (!d) return d.error();
    db_ = std::move(d.value());
  }
  return db_.get();
}

Result<Database*> CliContext::db() {
  // Only `db migrate --admin` (and the demo) create a database: it needs its first admin.
  auto d = db_without_login(false);
  if (!d) {
    if (d.error().code != "db_missing") return d.error();
    return make_errorf("db_missing",
                       "{}: no database here; create it with its first admin: `odyospiro db "
                       "migrate --admin NAME`",
                       d.error().message.substr(0, d.error().message.find(':')));
  }
  if (!actor_ && kEnforceLogin) {
    auto cfg = config();
    if (!cfg) return cfg.error();
    auto u = log_in(**d, LoginPolicy::from(**cfg), opts.user,
                    read_password(trf("odyospiro: password for {}: ", opts.user)));
    if (!u) return u.error();
    actor_ = *u;
    opts.user = u->username;
  }
  return d;
}

Result<const User*> CliContext::prove_on(Database& other,
                                         std::initializer_list<std::string_view> roles,
                                         std::string_view what) {
  if (!kEnforceLogin) return make_error(kAuthFailed, "not enforced");
  auto cfg = config();
  if (!cfg) return cfg.error();
  auto u = log_in(other, LoginPolicy::from(**cfg), opts.user,
                  read_password(trf("odyospiro: password for {}: ", opts.user)));
  if (!u) return u.error();
  if (auto r = require_role(other, *u, roles, what); !r) return r.error();
  actor_ = *u;
  opts.user = u->username;
  return &*actor_;
}

Result<const User*> CliContext::actor() {
  if (auto d = db(); !d) return d.error();
  if (!actor_) return make_error(kAuthFailed, "no proven user");
  return &*actor_;
}

Result<Database*> CliContext::db_as(std::initializer_list<std::string_view> roles,
                                    std::string_view what) {
  auto d = db();
  if (!d) return d.error();
  if (!kEnforceLogin) return d;
  auto u = actor();
  if (!u) return u.error();
  if (auto r = require_role(**d, **u, roles, what); !r) return r.error();
  return d;
}

bool CliContext::turkish() const {
  return catalog().turkish();
}

namespace {
std::string output_language(const std::string& option, const StationConfig* config) {
  if (!option.empty()) return option;
  if (const char* env = std::getenv("ODYOSPIRO_LANG"); env != nullptr && *env != '\0') return env;
  return config != nullptr ? config->language : std::string(i18n::kLanguages[0]);
}
}  // namespace

const i18n::Catalog& CliContext::catalog() const {
  return i18n::catalog(output_language(opts.language, config_ ? &*config_ : nullptr));
}

std::ostream& CliContext::out() {
  return std::cout;
}
std::ostream& CliContext::err() {
  return std::cerr;
}

std::function<void(std::int64_t, std::int64_t)> CliContext::progress_line(bool asked,
                                                                          const char* english) {
  if (!asked && ::isatty(STDERR_FILENO) != 1) return {};
  return [this, english](std::int64_t done, std::int64_t total) {
    progress_shown_ = true;
    err() << "\r" << trf(english, done, total) << std::flush;  // i18n: the caller's literal
  };
}

void CliContext::end_progress() {
  if (progress_shown_) err() << "\n";
  progress_shown_ = false;
}

int CliContext::fail(const Error& e, int code) {
  oplog::error(e.code, e.message);
  if (opts.json) {
    std::cout << nlohmann::json{{"error", {{"code", e.code}, {"message", message(e)}}}}.dump(2)
              << "\n";
  }
  if (is_auth_error(e)) code = kAuthExitCode;
  std::cerr << "odyospiro: " << tr("error") << ": " << message(e) << "\n";
  exit_code = code;
  return code;
}

}  // namespace odyo::station
