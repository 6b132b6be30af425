#include "station/auth/login.hpp"
#include "analysis/core/error_text.hpp"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <nlohmann/json.hpp>
#include <vector>

#include "station/config/config.hpp"
#include "station/storage/audit.hpp"
#include "station/storage/database.hpp"

namespace odyo::station {
namespace {

std::string iso_minutes_ago(int minutes_ago) {
  const auto then = std::chrono::system_clock::now() - std::chrono::minutes(minutes_ago);
  const std::time_t t = std::chrono::system_clock::to_time_t(then);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.000Z", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

// Wrong passwords for `u` since the later of the lock window's start and the account's latest
// version (an admin's password reset starts a new count), and the time of the last one.
Result<std::pair<int, std::string>> recent_failures(Database& db, const User& u,
                                                    const LoginPolicy& p) {
  auto since = db.prepare("SELECT max(created_at) FROM user_versions WHERE user_id = ?");
  if (!since) return since.error();
  since->bind(1, u.id);
  if (auto r = since->step(); !r) return r.error();
  std::string from = iso_minutes_ago(p.lockout_minutes);
  if (const std::string v = since->text(0); v > from) from = v;
  auto st = db.prepare(
      "SELECT count(*), coalesce(max(at),'') FROM audit_log WHERE action = 'auth.failed' AND "
      "json_extract(details,'$.username') = ? AND json_extract(details,'$.reason') = "
      "'wrong_password' AND at > ?");
  if (!st) return st.error();
  st->bind(1, u.username).bind(2, from);
  if (auto r = st->step(); !r) return r.error();
  return std::make_pair(static_cast<int>(st->int64(0)), st->text(1));
}

}  // namespace

Error role_name(std::string_view role) {
  return Error{{}, std::string(role), std::string(role)};
}

Error task_name(std::string_view what) {
  return Error{{}, std::string(what), std::string(what)};
}

LoginPolicy LoginPolicy::from(const StationConfig& cfg) {
  return {cfg.max_failed_logins, cfg.lockout_minutes};
}

bool is_auth_error(const Error& e) {
  return e.code == kAuthFailed || e.code == kAuthNoUser || e.code == kAuthLocked ||
         e.code == kAuthInactive || e.code == kAuthRole;
}

Result<void> audit_refusal(Database& db, const std::string& username, const std::string& reason,
                           std::string_view channel, std::optional<std::int64_t> user_id) {
  auto tx = Transaction::begin(db);
  if (!tx) return tx.error();
  nlohmann::json details{{"username", username}, {"reason", reason}, {"channel", channel}};
  if (auto r = audit_append(db, {"?", "auth.failed", "users", user_id, details.dump()}); !r)
    return r.error();
  return tx->commit();
}

Result<User> log_in(Database& db, const LoginPolicy& policy, const std::string& username,
                    const std::optional<std::string>& password, std::string_view channel) {
  const auto refuse = [&](const std::string& reason, std::optional<std::int64_t> id,
                          const char* code, Error message) -> Result<User> {
    if (auto r = audit_refusal(db, username, reason, channel, id); !r) return r.error();
    message.code = code;
    return message;
  };
  if (username.empty()) {
    return refuse("no_user", std::nullopt, kAuthNoUser,
                  make_error({},
                             "say who is acting: --user NAME, with the password in "
                             "$ODYOSPIRO_PASSWORD or typed at the prompt"));
  }
  const Error wrong = make_errorf({},
                                  "login refused for \"{}\": unknown user or wrong password (an "
                                  "admin adds users with `odyospiro user add`)",
                                  username);
  if (!password) {
    return refuse("no_password", std::nullopt, kAuthFailed,
                  make_errorf({},
                              "login refused for \"{}\": no password; set $ODYOSPIRO_PASSWORD or "
                              "run on a terminal to be asked",
                              username));
  }
  auto u = find_user(db, username);
  if (!u) {
    if (u.error().code != "user_unknown") return u.error();
    return refuse("unknown_user", std::nullopt, kAuthFailed, wrong);
  }
  auto failures = recent_failures(db, *u, policy);
  if (!failures) return failures.error();
  if (failures->first >= policy.max_failed_logins) {
    return refuse(
        "locked", u->id, kAuthLocked,
        make_errorf({},
                    "user \"{}\" is locked after {} wrong passwords (last at {}); try "
                    "again {} minutes after it, or ask an admin to reset the password "
                    "(`odyospiro user passwd {}`)",
                    username, failures->first, failures->second, policy.lockout_minutes, username));
  }
  if (!check_password(*password, u->password_hash)) {
    return refuse("wrong_password", u->id, kAuthFailed, wrong);
  }
  if (!u->active) {
    return refuse("deactivated", u->id, kAuthInactive,
                  make_errorf({}, "user \"{}\" is deactivated; ask an admin", username));
  }
  return u;
}

Result<void> require_role(Database& db, const User& user,
                          std::initializer_list<std::string_view> roles, std::string_view what) {
  return require_role(db, user, std::vector<std::string>(roles.begin(), roles.end()), what);
}

Result<void> require_role(Database& db, const User& user, const std::vector<std::string>& roles,
                          std::string_view what) {
  std::string allowed;
  std::optional<Error> allowed_text;  // the same, translatable ("technician or physician")
  for (const auto& r : roles) {
    if (user.role == r) return {};
    allowed += (allowed.empty() ? "" : " or ") + std::string(r);
    allowed_text =
        allowed_text ? make_errorf({}, "{} or {}", *allowed_text, role_name(r)) : role_name(r);
  }
  auto tx = Transaction::begin(db);
  if (!tx) return tx.error();
  nlohmann::json details{
      {"username", user.username}, {"role", user.role}, {"command", what}, {"needs", allowed}};
  if (auto r = audit_append(db, {user.username, "auth.denied", "users", user.id, details.dump()});
      !r)
    return r.error();
  if (auto r = tx->commit(); !r) return r.error();
  return make_errorf(kAuthRole, "only a {} may {}; \"{}\" is {}",
                     allowed_text ? *allowed_text : Error{}, task_name(what), user.username,
                     role_name(user.role));
}

}  // namespace odyo::station
