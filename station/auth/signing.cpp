#include "station/auth/signing.hpp"
#include "analysis/core/error_text.hpp"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

#include "station/auth/login.hpp"
#include "station/storage/audit.hpp"
#include "station/storage/base64.hpp"
#include "station/storage/database.hpp"
#include "station/storage/hash.hpp"

namespace odyo::station {
namespace {

using Bytes = std::vector<unsigned char>;
constexpr const char* kSealFormat = "pbkdf2-sha256-aes-256-gcm";
constexpr const char* kSignaturePurpose = "odyospiro result signature v1";

struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct MdFree {
  void operator()(EVP_MD_CTX* p) const { EVP_MD_CTX_free(p); }
};
struct CipherFree {
  void operator()(EVP_CIPHER_CTX* p) const { EVP_CIPHER_CTX_free(p); }
};
struct PctxFree {
  void operator()(EVP_PKEY_CTX* p) const { EVP_PKEY_CTX_free(p); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;

Error crypto_error(const std::string& what) {
  return make_errorf("crypto", "OpenSSL: {} failed", what);
}

Bytes random_bytes(std::size_t n) {
  Bytes b(n);
  if (RAND_bytes(b.data(), static_cast<int>(n)) != 1) throw std::runtime_error("RAND_bytes failed");
  return b;
}

Bytes derive(const std::string& password, const Bytes& salt, int iterations) {
  Bytes key(32);
  if (PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()), salt.data(),
                        static_cast<int>(salt.size()), iterations, EVP_sha256(),
                        static_cast<int>(key.size()), key.data()) != 1)
    throw std::runtime_error("PKCS5_PBKDF2_HMAC failed");
  return key;
}

std::string aad_for(const std::string& username, const std::string& public_b64) {
  return "odyospiro signing key|" + username + "|" + public_b64;
}

// AES-256-GCM under a key derived from the password; the result is one text field.
std::string seal(const Bytes& secret, const std::string& password, const std::string& aad,
                 int iterations) {
  const Bytes salt = random_bytes(16);
  const Bytes iv = random_bytes(12);
  const Bytes key = derive(password, salt, iterations);
  std::unique_ptr<EVP_CIPHER_CTX, CipherFree> c(EVP_CIPHER_CTX_new());
  Bytes ct(secret.size() + 16);
  Bytes tag(16);
  int len = 0;
  int total = 0;
  if (!c || EVP_EncryptInit_ex(c.get(), EVP_aes_256_gcm(), nullptr, key.data(), iv.data()) != 1 ||
      EVP_EncryptUpdate(c.get(), nullptr, &len, reinterpret_cast<const unsigned char*>(aad.data()),
                        static_cast<int>(aad.size())) != 1 ||
      EVP_EncryptUpdate(c.get(), ct.data(), &len, secret.data(), static_cast<int>(secret.size())) !=
          1)
    throw std::runtime_error("AES-256-GCM encryption failed");
  total = len;
  if (EVP_EncryptFinal_ex(c.get(), ct.data() + total, &len) != 1 ||
      EVP_CIPHER_CTX_ctrl(c.get(), EVP_CTRL_GCM_GET_TAG, 16, tag.data()) != 1)
    throw std::runtime_error("AES-256-GCM encryption failed");
  total += len;
  ct.resize(static_cast<std::size_t>(total));
  return std::string(kSealFormat) + "$" + std::to_string(iterations) + "$" + base64_encode(salt) +
         "$" + base64_encode(iv) + "$" + base64_encode(ct) + "$" + base64_encode(tag);
}

Result<Bytes> unseal(const std::string& sealed, const std::string& password,
                     const std::string& aad) {
  std::vector<std::string> parts;
  std::stringstream ss(sealed);
  for (std::string p; std::getline(ss, p, '$');) parts.push_back(p);
  const auto bad = make_error("key_locked",
                              "the signing key does not open with this password (wrong password, "
                              "or the key was made under an earlier password)");
  if (parts.size() != 6 || parts[0] != kSealFormat) return bad;
  int iterations = 0;
  try {
    iterations = std::stoi(parts[1]);
  } catch (const std::exception&) {
    return bad;
  }
  const Bytes salt = base64_decode(parts[2]);
  const Bytes iv = base64_decode(parts[3]);
  const Bytes ct = base64_decode(parts[4]);
  Bytes tag = base64_decode(parts[5]);
  if (iterations < 1 || salt.empty() || iv.size() != 12 || tag.size() != 16) return bad;
  const Bytes key = derive(password, salt, iterations);
  std::unique_ptr<EVP_CIPHER_CTX, CipherFree> c(EVP_CIPHER_CTX_new());
  Bytes out(ct.size() + 16);
  int len = 0;
  int total = 0;
  if (!c || EVP_DecryptInit_ex(c.get(), EVP_aes_256_gcm(), nullptr, key.data(), iv.data()) != 1 ||
      EVP_DecryptUpdate(c.get(), nullptr, &len, reinterpret_cast<const unsigned char*>(aad.data()),
                        static_cast<int>(aad.size())) != 1 ||
      EVP_DecryptUpdate(c.get(), out.data(), &len, ct.data(), static_cast<int>(ct.size())) != 1)
    return bad;
  total = len;
  if (EVP_CIPHER_CTX_ctrl(c.get(), EVP_CTRL_GCM_SET_TAG, 16, tag.data()) != 1 ||
      EVP_DecryptFinal_ex(c.get(), out.data() + total, &len) != 1)
    return bad;
  total += len;
  out.resize(static_cast<std::size_t>(total));
  return out;
}

Result<Bytes> ed25519_sign(const Bytes& private_raw, const std::string& message) {
  Pkey k(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, private_raw.data(),
                                      private_raw.size()));
  if (!k) return crypto_error("Ed25519 private key");
  std::unique_ptr<EVP_MD_CTX, MdFree> md(EVP_MD_CTX_new());
  std::size_t n = 64;
  Bytes sig(n);
  if (!md || EVP_DigestSignInit(md.get(), nullptr, nullptr, nullptr, k.get()) != 1 ||
      EVP_DigestSign(md.get(), sig.data(), &n,
                     reinterpret_cast<const unsigned char*>(message.data()), message.size()) != 1)
    return crypto_error("Ed25519 signing");
  sig.resize(n);
  return sig;
}

bool ed25519_verify(const Bytes& public_raw, const Bytes& sig, const std::string& message) {
  if (public_raw.size() != 32 || sig.size() != 64) return false;
  Pkey k(
      EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, public_raw.data(), public_raw.size()));
  if (!k) return false;
  std::unique_ptr<EVP_MD_CTX, MdFree> md(EVP_MD_CTX_new());
  return md && EVP_DigestVerifyInit(md.get(), nullptr, nullptr, nullptr, k.get()) == 1 &&
         EVP_DigestVerify(md.get(), sig.data(), sig.size(),
                          reinterpret_cast<const unsigned char*>(message.data()),
                          message.size()) == 1;
}

struct ResultRow {
  std::int64_t id = 0;
  std::int64_t exam_id = 0;
  int version = 0;
  std::string kind;
  std::string payload;
  std::string content_sha256;
};

Result<ResultRow> load_result(Database& db, const char* where, std::int64_t id) {
  auto st = db.prepare(std::string("SELECT id, exam_id, version, kind, payload, content_sha256 "
                                   "FROM results WHERE ") +
                       where);
  if (!st) return st.error();
  st->bind(1, id);
  auto r = st->step();
  if (!r) return r.error();
  if (!*r) return make_error("result_unknown", "no result");
  return ResultRow{st->int64(0), st->int64(1), static_cast<int>(st->int64(2)),
                   st->text(3),  st->text(4),  st->text(5)};
}

// What a physician signs: canonical JSON (sorted keys, no spaces).
std::string signed_content(const ResultRow& r, const std::string& signer,
                           const std::string& signed_at, std::int64_t key_id) {
  nlohmann::json payload = nlohmann::json::parse(r.payload, nullptr, false);
  if (payload.is_discarded()) payload = r.payload;
  return nlohmann::json{{"purpose", kSignaturePurpose},
                        {"result_id", r.id},
                        {"exam_id", r.exam_id},
                        {"result_version", r.version},
                        {"kind", r.kind},
                        {"content_sha256", r.content_sha256},
                        {"payload", payload},
                        {"signer", signer},
                        {"signed_at", signed_at},
                        {"key_id", key_id}}
      .dump();
}

}  // namespace

Result<std::int64_t> create_signing_key(Database& db, const User& user, const std::string& password,
                                        int pbkdf2_iterations, const std::string& actor) {
  std::unique_ptr<EVP_PKEY_CTX, PctxFree> pc(EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, nullptr));
  EVP_PKEY* raw = nullptr;
  if (!pc || EVP_PKEY_keygen_init(pc.get()) != 1 || EVP_PKEY_keygen(pc.get(), &raw) != 1)
    return crypto_error("Ed25519 key generation");
  Pkey k(raw);
  Bytes priv(32);
  Bytes pub(32);
  std::size_t np = priv.size();
  std::size_t nu = pub.size();
  if (EVP_PKEY_get_raw_private_key(k.get(), priv.data(), &np) != 1 ||
      EVP_PKEY_get_raw_public_key(k.get(), pub.data(), &nu) != 1)
    return crypto_error("Ed25519 key export");
  const std::string pub_b64 = base64_encode(pub);
  const std::string sealed =
      seal(priv, password, aad_for(user.username, pub_b64), pbkdf2_iterations);
  OPENSSL_cleanse(priv.data(), priv.size());
  auto tx = Transaction::begin(db);
  if (!tx) return tx.error();
  auto ins = db.prepare(
      "INSERT INTO user_keys(user_id,algorithm,public_key,private_key_enc,created_at,created_by) "
      "VALUES (?,'ed25519',?,?,?,?)");
  if (!ins) return ins.error();
  ins->bind(1, user.id).bind(2, pub_b64).bind(3, sealed).bind(4, utc_now_iso()).bind(5, actor);
  if (auto r = ins->run(); !r) return r.error();
  const auto id = db.last_insert_id();
  nlohmann::json details{
      {"username", user.username}, {"algorithm", "ed25519"}, {"public_key", pub_b64}};
  if (auto r = audit_append(db, {actor, "user.key", "user_keys", id, details.dump()}); !r)
    return r.error();
  if (auto r = tx->commit(); !r) return r.error();
  return id;
}

Result<std::vector<unsigned char>> open_private_key(Database& db, std::int64_t key_id,
                                                    const std::string& password) {
  auto st = db.prepare(
      "SELECT u.username, k.public_key, k.private_key_enc FROM user_keys k JOIN users u ON u.id = "
      "k.user_id WHERE k.id = ?");
  if (!st) return st.error();
  st->bind(1, key_id);
  auto r = st->step();
  if (!r) return r.error();
  if (!*r) return make_errorf("key_unknown", "no signing key {}", key_id);
  return unseal(st->text(2), password, aad_for(st->text(0), st->text(1)));
}

Result<SignOutcome> sign_exam_result(Database& db, const User& signer, const std::string& password,
                                     std::int64_t exam_id, int pbkdf2_iterations,
                                     const InSignTransaction& in_transaction) {
  if (signer.role != "physician" || !signer.active) {
    return make_errorf("auth_role", "only an active physician may sign results; \"{}\" is {}",
                       signer.username, role_name(signer.role));
  }
  auto res = load_result(db, "exam_id = ? ORDER BY version DESC LIMIT 1", exam_id);
  if (!res) {
    if (res.error().code == "result_unknown")
      return make_errorf("result_unknown",
                         "exam {} has no result to sign (see `odyospiro exam list`)", exam_id);
    return res.error();
  }
  if (sha256_hex(res->payload) != res->content_sha256) {
    return make_errorf("result_tampered",
                       "result {} does not match its stored hash; run `odyospiro db verify` "
                       "before signing",
                       res->id);
  }
  auto tx = Transaction::begin(db);
  if (!tx) return tx.error();
  auto dup = db.prepare("SELECT id FROM signatures WHERE result_id = ? AND signer = ?");
  if (!dup) return dup.error();
  dup->bind(1, res->id).bind(2, signer.username);
  if (auto r = dup->step(); !r) {
    return r.error();
  } else if (*r) {
    return make_errorf("already_signed", "result {} (exam {}, version {}) is already signed by {}",
                       res->id, exam_id, res->version, signer.username);
  }
  SignOutcome out;
  out.result_id = res->id;
  out.result_version = res->version;
  // The newest key the password opens; none (first signature, or the password was reset): a new
  // one.
  auto keys = db.prepare("SELECT id FROM user_keys WHERE user_id = ? ORDER BY id DESC");
  if (!keys) return keys.error();
  keys->bind(1, signer.id);
  Bytes priv;
  for (;;) {
    auto r = keys->step();
    if (!r) return r.error();
    if (!*r) break;
    auto k = open_private_key(db, keys->int64(0), password);
    if (k) {
      out.key_id = keys->int64(0);
      priv = std::move(*k);
      break;
    }
  }
  if (out.key_id == 0) {
    auto id = create_signing_key(db, signer, password, pbkdf2_iterations, signer.username);
    if (!id) return id.error();
    auto k = open_private_key(db, *id, password);
    if (!k) return k.error();
    out.key_id = *id;
    out.new_key = true;
    priv = std::move(*k);
  }
  const std::string at = utc_now_iso();
  auto sig = ed25519_sign(priv, signed_content(*res, signer.username, at, out.key_id));
  OPENSSL_cleanse(priv.data(), priv.size());
  if (!sig) return sig.error();
  auto ins = db.prepare(
      "INSERT INTO signatures(result_id,signer,signed_at,content_sha256,key_id,signature) VALUES "
      "(?,?,?,?,?,?)");
  if (!ins) return ins.error();
  ins->bind(1, res->id).bind(2, signer.username).bind(3, at).bind(4, res->content_sha256);
  ins->bind(5, out.key_id).bind(6, base64_encode(*sig));
  if (auto r = ins->run(); !r) return r.error();
  out.signature_id = db.last_insert_id();
  nlohmann::json details{{"result_id", res->id},
                         {"exam_id", exam_id},
                         {"version", res->version},
                         {"content_sha256", res->content_sha256},
                         {"key_id", out.key_id}};
  if (auto r = audit_append(
          db, {signer.username, "result.sign", "signatures", out.signature_id, details.dump()});
      !r)
    return r.error();
  if (in_transaction) {
    if (auto r = in_transaction(db, out); !r) return r.error();
  }
  if (auto r = tx->commit(); !r) return r.error();
  return out;
}

Result<SignOutcome> sign_exam_result_again(Database& db, const User& signer,
                                           const std::optional<std::string>& password,
                                           std::int64_t exam_id, int pbkdf2_iterations,
                                           std::string_view channel,
                                           const InSignTransaction& in_transaction) {
  if (!password || !check_password(*password, signer.password_hash)) {
    (void)audit_refusal(db, signer.username, password ? "wrong_password" : "no_password", channel,
                        signer.id);
    return make_error(kAuthFailed, "signature refused: the password given again does not match");
  }
  return sign_exam_result(db, signer, *password, exam_id, pbkdf2_iterations, in_transaction);
}

Result<void> verify_signature(Database& db, std::int64_t signature_id) {
  auto st = db.prepare(
      "SELECT result_id, signer, signed_at, content_sha256, key_id, signature FROM signatures "
      "WHERE id = ?");
  if (!st) return st.error();
  st->bind(1, signature_id);
  auto r = st->step();
  if (!r) return r.error();
  if (!*r) return make_errorf("signature_unknown", "signature {}: no such signature", signature_id);
  const std::int64_t result_id = st->int64(0);
  const std::string signer = st->text(1);
  const std::string at = st->text(2);
  const std::string hash = st->text(3);
  const auto key_id = st->opt_int64(4);
  const auto sig_b64 = st->opt_text(5);
  const Error on =
      make_errorf({}, "signature {} on result {} (by {})", signature_id, result_id, signer);
  const auto bad = [&](const Error& what) {
    return make_errorf("signature_invalid", "{}: {}", on, what);
  };
  if (!key_id || !sig_b64)
    return bad(make_error(
        {}, "carries no cryptographic signature: not made by the station's `exam sign`"));
  auto key = db.prepare(
      "SELECT u.username, k.public_key, k.user_id FROM user_keys k JOIN users u ON u.id = "
      "k.user_id WHERE k.id = ?");
  if (!key) return key.error();
  key->bind(1, *key_id);
  auto kr = key->step();
  if (!kr) return kr.error();
  if (!*kr) return bad(make_errorf({}, "its signing key {} does not exist", *key_id));
  if (key->text(0) != signer)
    return bad(make_errorf({}, "made with the key of {}, not of the signer", key->text(0)));
  const Bytes pub = base64_decode(key->text(1));
  const std::int64_t user_id = key->int64(2);
  auto res = load_result(db, "id = ?", result_id);
  if (!res) return bad(make_error({}, "the signed result does not exist"));
  if (res->content_sha256 != hash || sha256_hex(res->payload) != hash)
    return bad(make_error({}, "the result is no longer what the physician signed"));
  if (!ed25519_verify(pub, base64_decode(*sig_b64), signed_content(*res, signer, at, *key_id)))
    return bad(make_error({}, "the signature does not verify against the signer's public key"));
  auto role = db.prepare(
      "SELECT role, active FROM user_versions WHERE user_id = ? AND created_at <= ? ORDER BY "
      "version DESC LIMIT 1");
  if (!role) return role.error();
  role->bind(1, user_id).bind(2, at);
  auto rr = role->step();
  if (!rr) return rr.error();
  if (!*rr || role->text(0) != "physician" || role->int64(1) == 0)
    return bad(make_error({}, "the signer was not an active physician when it was signed"));
  return {};
}

std::vector<Error> verify_signatures_errors(Database& db) {
  std::vector<Error> problems;
  auto st = db.prepare("SELECT id FROM signatures ORDER BY id");
  if (!st) return {make_errorf({}, "signatures: {}", st.error())};
  std::vector<std::int64_t> ids;
  for (;;) {
    auto r = st->step();
    if (!r) return {make_errorf({}, "signatures: {}", r.error())};
    if (!*r) break;
    ids.push_back(st->int64(0));
  }
  for (const auto id : ids) {
    if (auto v = verify_signature(db, id); !v) problems.push_back(v.error());
  }
  return problems;
}

std::vector<std::string> verify_signatures(Database& db) {
  std::vector<std::string> out;
  for (const auto& e : verify_signatures_errors(db)) out.push_back(e.message);
  return out;
}

}  // namespace odyo::station
