#pragma once
// Physicians' signatures on results. Each physician has Ed25519 key pairs (OpenSSL EVP) in
// user_keys: the public key in the clear, the private key encrypted under the physician's
// password (PBKDF2-HMAC-SHA256 → AES-256-GCM, the user name and public key as associated data).
// A key is made with a physician's account, when an admin resets the password, or on the first
// signature that finds no key the password opens. A signature covers the canonical JSON of the
// latest result version (its payload, content hash, exam, version) plus who signed when with
// which key; `db verify` and `exam show` re-check every signature against the signer's public
// key, so a row written behind the station's back is found.
// Thread-safety: the Database's owning thread.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/core/result.hpp"
#include "station/storage/users.hpp"

namespace odyo::station {

class Database;

// A new Ed25519 key pair for `user`, the private half sealed under `password`; returns its id.
Result<std::int64_t> create_signing_key(Database& db, const User& user, const std::string& password,
                                        int pbkdf2_iterations, const std::string& actor);

// The raw private key of key `key_id` if `password` opens it (else an error); for tests and
// for signing.
Result<std::vector<unsigned char>> open_private_key(Database& db, std::int64_t key_id,
                                                    const std::string& password);

struct SignOutcome {
  std::int64_t signature_id = 0;
  std::int64_t result_id = 0;
  int result_version = 0;
  std::int64_t key_id = 0;
  bool new_key = false;
};

// Runs inside the signing transaction, after the signature row is written and before the commit:
// what must exist if and only if the signature does (the export outbox rows,
// station/export/outbox.hpp). An error rolls the signature back.
using InSignTransaction = std::function<Result<void>(Database&, const SignOutcome&)>;

// Signs the latest result version of exam `exam_id` as `signer` (a proven physician whose
// password is `password`, asked again for the signature).
Result<SignOutcome> sign_exam_result(Database& db, const User& signer, const std::string& password,
                                     std::int64_t exam_id, int pbkdf2_iterations,
                                     const InSignTransaction& in_transaction = {});

// The same, with the password asked again checked first against the signer's account: a
// missing or wrong password is refused (auth_failed) and audited as a refusal on `channel`
// ("cli-sign", "web-sign"). The one path every front end signs through.
Result<SignOutcome> sign_exam_result_again(Database& db, const User& signer,
                                           const std::optional<std::string>& password,
                                           std::int64_t exam_id, int pbkdf2_iterations,
                                           std::string_view channel,
                                           const InSignTransaction& in_transaction = {});

// Checks signature row `signature_id`: made by the station with the signer's key over the
// result as stored now, by a physician. Error message names the row and what is wrong.
Result<void> verify_signature(Database& db, std::int64_t signature_id);

// Every signature row checked (for `db verify`): one message per bad row, empty = all good.
std::vector<std::string> verify_signatures(Database& db);
std::vector<Error> verify_signatures_errors(Database& db);  // translatable

}  // namespace odyo::station
