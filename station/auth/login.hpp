#pragma once
// Who is acting: the ONE place that proves a user (the command line and the web pages call it).
// A user is proven by name and password against the latest version of the account; a wrong
// password, an unknown or deactivated user, a missing password or a locked account is refused
// and the refusal is written to the audit log (action "auth.failed", actor "?", the name and the
// reason in the details). Wrong passwords counted within `lockout_minutes` lock the account once
// they reach `max_failed_logins`, until the lock expires or an admin resets the password.
// Role checks are made against the proven user and a refusal is audited ("auth.denied").
// Thread-safety: the Database's owning thread.

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/core/result.hpp"
#include "station/core/i18n.hpp"
#include "station/storage/users.hpp"

namespace odyo::station {

class Database;
struct StationConfig;

struct LoginPolicy {
  int max_failed_logins = 5;
  int lockout_minutes = 15;
  static LoginPolicy from(const StationConfig& cfg);
};

// Error codes of refusals (the command line exits with kAuthExitCode for each).
inline constexpr const char* kAuthFailed = "auth_failed";      // no/wrong password, unknown user
inline constexpr const char* kAuthNoUser = "auth_no_user";     // no --user given
inline constexpr const char* kAuthLocked = "auth_locked";      // too many wrong passwords
inline constexpr const char* kAuthInactive = "auth_inactive";  // deactivated account
inline constexpr const char* kAuthRole = "auth_role";          // proven, but not allowed
inline constexpr int kAuthExitCode = 5;
bool is_auth_error(const Error& e);

// `password` empty optional: none was given (refused). `channel` says where the attempt came
// from ("cli", "web") for the audit row.
Result<User> log_in(Database& db, const LoginPolicy& policy, const std::string& username,
                    const std::optional<std::string>& password, std::string_view channel = "cli");

// A role ("technician", "physician", "admin") or a task (`what` below, marked N_ where it is
// written) as a value of a message that is translated where it is shown.
Error role_name(std::string_view role);
Error task_name(std::string_view what);
inline constexpr const char* kRoleNames[] = {N_("technician"), N_("physician"), N_("admin")};

// The proven user may do `what` only with one of `roles`; a refusal is audited.
Result<void> require_role(Database& db, const User& user,
                          std::initializer_list<std::string_view> roles, std::string_view what);
Result<void> require_role(Database& db, const User& user, const std::vector<std::string>& roles,
                          std::string_view what);

// Audits a refused attempt (used by log_in; public for callers that refuse before it, e.g. a
// password that could not be read).
Result<void> audit_refusal(Database& db, const std::string& username, const std::string& reason,
                           std::string_view channel, std::optional<std::int64_t> user_id = {});

}  // namespace odyo::station
