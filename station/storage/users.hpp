#pragma once
// Users and roles (technician, physician, admin). Passwords are stored as PBKDF2-HMAC-SHA256
// (OpenSSL) with a random 16-byte salt: "pbkdf2-sha256$<iterations>$<salt b64>$<hash b64>".
// Thread-safety: the Database's owning thread.

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
// The user if the password is right; otherwise an error that does not say which part was wrong.
Result<User> authenticate(Database& db, const std::string& username, const std::string& password);

}  // namespace odyo::station
