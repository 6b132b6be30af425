#pragma once
// Users and roles (technician, physician, admin). Passwords are stored as PBKDF2-HMAC-SHA256
// (OpenSSL) with a random 16-byte salt: "pbkdf2-sha256$<iterations>$<salt b64>$<hash b64>".
// A user's state is versioned (schema v6, table user_versions): the users row is the identity,
// every change of role, password or state is a new version, never an edit. Reads return the
// latest version. Who may change what, and logging in, is station/auth/.
// Thread-safety: the Database's owning thread.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "analysis/core/result.hpp"

namespace odyo::station {

class Database;

struct User {
  std::int64_t id = 0;
  std::string username;
  std::string full_name;
  std::string role;
  std::string created_at;
  bool active = true;
  int version = 1;
  std::string password_hash;  // never printed
};

std::string hash_password(const std::string& password, int iterations);
bool check_password(const std::string& password, const std::string& stored);

struct NewUser {
  std::string username;
  std::string full_name;
  std::string role;
  std::string password;
};

Result<std::int64_t> add_user(Database& db, const NewUser& u, int min_password_length,
                              int iterations, const std::string& actor);
Result<std::vector<User>> list_users(Database& db);
Result<User> find_user(Database& db, const std::string& username);
// One change of an account: a new version with the given fields changed (others carried over).
struct UserChange {
  std::string kind;                          // role | passwd | deactivate
  std::optional<std::string> role;           // technician | physician | admin
  std::optional<std::string> password_hash;  // from hash_password
  std::optional<bool> active;
  std::string reason;
};
// Appends the version and its audit row (action "user.<kind>") in one transaction.
Result<std::int64_t> add_user_version(Database& db, const std::string& username,
                                      const UserChange& change, const std::string& actor);
// Number of users (any state); 0 on a new database.
Result<std::int64_t> count_users(Database& db);

// The user if the password is right; otherwise an error that does not say which part was wrong.
// Only checks the password: logging in (deactivated users, lock-out, audit) is station/auth/.
Result<User> authenticate(Database& db, const std::string& username, const std::string& password);

}  // namespace odyo::station
