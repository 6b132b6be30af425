#include "station/storage/users.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <stdexcept>

#include "station/storage/audit.hpp"
#include "station/storage/database.hpp"

#include "analysis/core/text.hpp"

namespace odyo::station {
namespace {

std::string b64(const unsigned char* p, size_t n) {
  std::string out(4 * ((n + 2) / 3) + 1, '\0');
  const int len =
      EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), p, static_cast<int>(n));
  out.resize(static_cast<size_t>(len));
  return out;
}

std::vector<unsigned char> unb64(const std::string& s) {
  std::vector<unsigned char> out(3 * s.size() / 4 + 3);
  const int len = EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(s.data()),
                                  static_cast<int>(s.size()));
  if (len < 0) return {};
  size_t n = static_cast<size_t>(len);
  if (!s.empty() && s.back() == '=') --n;
  if (s.size() > 1 && s[s.size() - 2] == '=') --n;
  out.resize(n);
  return out;
}

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
  return "pbkdf2-sha256$" + std::to_string(iterations) + "$" + b64(salt.data(), salt.size()) + "$" +
         b64(h.data(), h.size());
}

bool check_password(const std::string& password, const std::string& stored) {
  std::vector<std::string> parts;
  std::stringstream ss(stored);
  for (std::string p; std::getline(ss, p, '$');) parts.push_back(p);
  if (parts.size() != 4 || parts[0] != "pbkdf2-sha256") return false;
  const int iterations = std::stoi(parts[1]);
  const auto salt = unb64(parts[2]);
  const auto expected = unb64(parts[3]);
  const auto got = pbkdf2(password, salt, iterations);
  return expected.size() == got.size() &&
         CRYPTO_memcmp(expected.data(), got.data(), got.size()) == 0;
}

Result<std::int64_t> add_user(Database& db, const NewUser& u, int min_password_length,
                              int iterations, const std::string& actor) {
  static const std::regex name_re("[a-z][a-z0-9._-]{1,31}");
  if (!std::regex_match(u.username, name_re)) {
    return make_error(
        "user_invalid",
        "user name \"" + u.username +
            "\" is not allowed: use 2-32 lower-case letters, digits, '.', '_' or '-', "
            "starting with a letter");
  }
  if (u.role != "technician" && u.role != "physician" && u.role != "admin") {
    return make_error("user_invalid",
                      "role \"" + u.role + "\" is unknown; allowed: technician, physician, admin");
  }
  if (u.full_name.empty()) return make_error("user_invalid", "full name is empty");
  if (auto t = text::check_free_text(u.full_name, "full name"); !t)
    return make_error("user_invalid", t.error().message);
  if (static_cast<int>(u.password.size()) < min_password_length) {
    return make_error("user_invalid", "password too short: at least " +
                                          std::to_string(min_password_length) +
                                          " characters ([security].password_min_length)");
  }
  auto tx = Transaction::begin(db);
  if (!tx) return tx.error();
  auto dup = db.prepare("SELECT 1 FROM users WHERE username = ?");
  if (!dup) return dup.error();
  dup->bind(1, u.username);
  auto d = dup->step();
  if (!d) return d.error();
  if (*d) return make_error("user_exists", "user \"" + u.username + "\" already exists");
  auto ins = db.prepare(
      "INSERT INTO users(username,full_name,role,password_hash,created_at,created_by) VALUES "
      "(?,?,?,?,?,?)");
  if (!ins) return ins.error();
  ins->bind(1, u.username)
      .bind(2, u.full_name)
      .bind(3, u.role)
      .bind(4, hash_password(u.password, iterations));
  ins->bind(5, utc_now_iso()).bind(6, actor);
  if (auto r = ins->run(); !r) return r.error();
  const auto id = db.last_insert_id();
  nlohmann::json details{{"username", u.username}, {"role", u.role}};
  if (auto r = audit_append(db, {actor, "user.add", "users", id, details.dump()}); !r)
    return r.error();
  if (auto r = tx->commit(); !r) return r.error();
  return id;
}

Result<std::vector<User>> list_users(Database& db) {
  auto st =
      db.prepare("SELECT id, username, full_name, role, created_at FROM users ORDER BY username");
  if (!st) return st.error();
  std::vector<User> out;
  for (;;) {
    auto r = st->step();
    if (!r) return r.error();
    if (!*r) break;
    out.push_back({st->int64(0), st->text(1), st->text(2), st->text(3), st->text(4)});
  }
  return out;
}

Result<User> find_user(Database& db, const std::string& username) {
  auto st =
      db.prepare("SELECT id, username, full_name, role, created_at FROM users WHERE username = ?");
  if (!st) return st.error();
  st->bind(1, username);
  auto r = st->step();
  if (!r) return r.error();
  if (!*r)
    return make_error("user_unknown", "no user \"" + username + "\" (see `odyospiro user list`)");
  return User{st->int64(0), st->text(1), st->text(2), st->text(3), st->text(4)};
}

Result<User> authenticate(Database& db, const std::string& username, const std::string& password) {
  auto st = db.prepare("SELECT password_hash FROM users WHERE username = ?");
  if (!st) return st.error();
  st->bind(1, username);
  auto r = st->step();
  if (!r) return r.error();
  if (!*r || !check_password(password, st->text(0))) {
    return make_error("auth_failed", "user name or password is wrong");
  }
  return find_user(db, username);
}

}  // namespace odyo::station
