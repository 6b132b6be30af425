#include "station/storage/users.hpp"
#include "analysis/core/error_text.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <stdexcept>

#include "station/storage/audit.hpp"
#include "station/storage/base64.hpp"
#include "station/storage/database.hpp"

#include "analysis/core/text.hpp"

namespace odyo::station {
namespace {

std::vector<unsigned char> pbkdf2(const std::string& password,
                                  const std::vector<unsigned char>& salt, int iterations) {
  std::vector<unsigned char> out(32);
  if (PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()), salt.data(),
                        static_cast<int>(salt.size()), iterations, EVP_sha256(),
                        static_cast<int>(out.size()), out.data()) != 1) {
    throw std::runtime_error("OpenSSL PKCS5_PBKDF2_HMAC failed");
  }
  return out;
}

}  // namespace

std::string hash_password(const std::string& password, int iterations) {
  std::vector<unsigned char> salt(16);
  if (RAND_bytes(salt.data(), static_cast<int>(salt.size())) != 1)
    throw std::runtime_error("RAND_bytes failed");
  const auto h = pbkdf2(password, salt, iterations);
  return "pbkdf2-sha256$" + std::to_string(iterations) + "$" + base64_encode(salt) + "$" +
         base64_encode(h);
}

bool check_password(const std::string& password, const std::string& stored) {
  std::vector<std::string> parts;
  std::stringstream ss(stored);
  for (std::string p; std::getline(ss, p, '$');) parts.push_back(p);
  if (parts.size() != 4 || parts[0] != "pbkdf2-sha256") return false;
  int iterations = 0;
  try {
    iterations = std::stoi(parts[1]);
  } catch (const std::exception&) {
    return false;
  }
  if (iterations < 1) return false;
  const auto salt = base64_decode(parts[2]);
  const auto expected = base64_decode(parts[3]);
  const auto got = pbkdf2(password, salt, iterations);
  return expected.size() == got.size() &&
         CRYPTO_memcmp(expected.data(), got.data(), got.size()) == 0;
}

Result<std::int64_t> add_user(Database& db, const NewUser& u, int min_password_length,
                              int iterations, const std::string& actor) {
  static const std::regex name_re("[a-z][a-z0-9._-]{1,31}");
  if (!std::regex_match(u.username, name_re)) {
    return make_errorf("user_invalid",
                       "user name \"{}\" is not allowed: use 2-32 lower-case letters, digits, "
                       "'.', '_' or '-', starting with a letter",
                       u.username);
  }
  if (u.role != "technician" && u.role != "physician" && u.role != "admin") {
    return make_errorf("user_invalid",
                       "role \"{}\" is unknown; allowed: technician, physician, admin", u.role);
  }
  if (u.full_name.empty()) return make_error("user_invalid", "full name is empty");
  if (auto t = text::check_free_text(u.full_name, "full name"); !t) {
    Error e = t.error();
    e.code = "user_invalid";
    return e;
  }
  if (static_cast<int>(u.password.size()) < min_password_length) {
    return make_errorf(
        "user_invalid",
        "password too short: at least {} characters ([security].password_min_length)",
        min_password_length);
  }
  auto tx = Transaction::begin(db);
  if (!tx) return tx.error();
  auto dup = db.prepare("SELECT 1 FROM users WHERE username = ?");
  if (!dup) return dup.error();
  dup->bind(1, u.username);
  auto d = dup->step();
  if (!d) return d.error();
  if (*d) return make_errorf("user_exists", "user \"{}\" already exists", u.username);
  auto ins = db.prepare(
      "INSERT INTO users(username,full_name,role,password_hash,created_at,created_by) VALUES "
      "(?,?,?,?,?,?)");
  if (!ins) return ins.error();
  const std::string hash = hash_password(u.password, iterations);
  const std::string now = utc_now_iso();
  ins->bind(1, u.username).bind(2, u.full_name).bind(3, u.role).bind(4, hash);
  ins->bind(5, now).bind(6, actor);
  if (auto r = ins->run(); !r) return r.error();
  const auto id = db.last_insert_id();
  auto ver = db.prepare(
      "INSERT INTO user_versions(user_id,version,kind,full_name,role,password_hash,active,"
      "created_at,created_by) VALUES (?,1,'create',?,?,?,1,?,?)");
  if (!ver) return ver.error();
  ver->bind(1, id).bind(2, u.full_name).bind(3, u.role).bind(4, hash).bind(5, now).bind(6, actor);
  if (auto r = ver->run(); !r) return r.error();
  const auto version_id = db.last_insert_id();
  nlohmann::json details{{"username", u.username}, {"role", u.role}};
  if (auto r = audit_append(db, {actor, "user.add", "users", id, details.dump()}); !r)
    return r.error();
  // The account's first version is a record of its own (bound into the audit chain).
  details["version"] = 1;
  if (auto r =
          audit_append(db, {actor, "user.create", "user_versions", version_id, details.dump()});
      !r)
    return r.error();
  if (auto r = tx->commit(); !r) return r.error();
  return id;
}

namespace {
// The latest version of each user.
constexpr const char* kLatestUsers =
    "SELECT u.id, u.username, v.full_name, v.role, u.created_at, v.active, v.version, "
    "v.password_hash FROM users u JOIN user_versions v ON v.user_id = u.id "
    "AND v.version = (SELECT max(version) FROM user_versions WHERE user_id = u.id) ";

User user_row(const Statement& st) {
  User u;
  u.id = st.int64(0);
  u.username = st.text(1);
  u.full_name = st.text(2);
  u.role = st.text(3);
  u.created_at = st.text(4);
  u.active = st.int64(5) != 0;
  u.version = static_cast<int>(st.int64(6));
  u.password_hash = st.text(7);
  return u;
}
}  // namespace

Result<std::vector<User>> list_users(Database& db) {
  auto st = db.prepare(std::string(kLatestUsers) + "ORDER BY u.username");
  if (!st) return st.error();
  std::vector<User> out;
  for (;;) {
    auto r = st->step();
    if (!r) return r.error();
    if (!*r) break;
    out.push_back(user_row(*st));
  }
  return out;
}

Result<User> find_user(Database& db, const std::string& username) {
  auto st = db.prepare(std::string(kLatestUsers) + "WHERE u.username = ?");
  if (!st) return st.error();
  st->bind(1, username);
  auto r = st->step();
  if (!r) return r.error();
  if (!*r)
    return make_errorf("user_unknown", "no user \"{}\" (see `odyospiro user list`)", username);
  return user_row(*st);
}

Result<std::int64_t> count_users(Database& db) {
  auto st = db.prepare("SELECT count(*) FROM users");
  if (!st) return st.error();
  if (auto r = st->step(); !r) return r.error();
  return st->int64(0);
}

Result<std::int64_t> add_user_version(Database& db, const std::string& username,
                                      const UserChange& c, const std::string& actor) {
  if (c.role && *c.role != "technician" && *c.role != "physician" && *c.role != "admin") {
    return make_errorf("user_invalid",
                       "role \"{}\" is unknown; allowed: technician, physician, admin", *c.role);
  }
  auto tx = Transaction::begin(db);
  if (!tx) return tx.error();
  auto cur = find_user(db, username);
  if (!cur) return cur.error();
  auto prev = db.prepare("SELECT id FROM user_versions WHERE user_id = ? AND version = ?");
  if (!prev) return prev.error();
  prev->bind(1, cur->id).bind(2, cur->version);
  if (auto r = prev->step(); !r) return r.error();
  const std::int64_t prev_id = prev->int64(0);
  const std::string role = c.role.value_or(cur->role);
  const bool active = c.active.value_or(cur->active);
  auto ins = db.prepare(
      "INSERT INTO user_versions(user_id,version,supersedes_id,kind,full_name,role,password_hash,"
      "active,reason,created_at,created_by) VALUES (?,?,?,?,?,?,?,?,?,?,?)");
  if (!ins) return ins.error();
  ins->bind(1, cur->id).bind(2, cur->version + 1).bind(3, prev_id).bind(4, c.kind);
  ins->bind(5, cur->full_name).bind(6, role).bind(7, c.password_hash.value_or(cur->password_hash));
  ins->bind(8, active ? 1 : 0).bind(9, c.reason).bind(10, utc_now_iso()).bind(11, actor);
  if (auto r = ins->run(); !r) return r.error();
  const auto id = db.last_insert_id();
  nlohmann::json details{{"username", username},
                         {"user_id", cur->id},
                         {"version", cur->version + 1},
                         {"role", role},
                         {"active", active},
                         {"password_changed", c.password_hash.has_value()},
                         {"reason", c.reason}};
  if (auto r = audit_append(db, {actor, "user." + c.kind, "user_versions", id, details.dump()}); !r)
    return r.error();
  if (auto r = tx->commit(); !r) return r.error();
  return id;
}

Result<User> authenticate(Database& db, const std::string& username, const std::string& password) {
  auto u = find_user(db, username);
  if (!u || !check_password(password, u->password_hash)) {
    return make_error("auth_failed", "user name or password is wrong");
  }
  return u;
}

}  // namespace odyo::station
