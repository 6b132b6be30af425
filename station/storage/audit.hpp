#pragma once
// The append-only audit log, keyed and bound to every record (docs/security.md).
//
// - Chain: each row carries a hash over the previous row's hash and its own content. From the
//   `audit.keyed` anchor row on (migration 5) that hash is HMAC-SHA256 under the station key, a
//   file kept outside the database (`<db>.key`, mode 0600); rows before the anchor (databases
//   made before migration 5) keep their plain SHA-256, and the anchor's MAC covers their end.
// - Binding: an entry about a row of a bound table (kBoundTables) also records the SHA-256 of
//   that row's canonical content (every column, read back from the database) and the column
//   names; the newest binding of a row must match the live row.
// - Head: after every commit that appended to the log, its end (row count, last hash, MAC) is
//   written to a head file outside the database (`<db>.head`, 0600, replaced atomically), so
//   cutting the tail of the log is found.
// `odyospiro db verify` re-derives all of it. Thread-safety: the Database's owning thread.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/core/result.hpp"

namespace odyo::station {

class Database;

struct AuditEntry {
  std::string actor;   // user name (or "system")
  std::string action;  // e.g. worker.add, result.sign, evaluation.override
  std::string entity;  // table name
  std::optional<std::int64_t> entity_id;
  std::string details_json = "{}";
};

inline constexpr const char* kAuditGenesisHash =
    "0000000000000000000000000000000000000000000000000000000000000000";

// Tables whose every row must be bound by an audit entry. A new table of records belongs here;
// a later migration that adds a column to one of them changes nothing for rows already bound
// (a binding names the columns it covered).
inline constexpr std::string_view kBoundTables[] = {"workers",
                                                    "users",
                                                    "user_versions",
                                                    "user_keys",
                                                    "exams",
                                                    "recordings",
                                                    "results",
                                                    "signatures",
                                                    "evaluations",
                                                    "audiometric_baselines",
                                                    "calibration_checks",
                                                    "physician_records",
                                                    "worker_jobs",
                                                    "chest_films",
                                                    "flag_actions",
                                                    "corrective_actions",
                                                    "second_review_draws",
                                                    "second_reviews",
                                                    "second_review_verdicts",
                                                    "outbox"};

// Appends one row; call inside the transaction that made the change it records. When `entity` is
// a bound table and the row `entity_id` exists, the entry binds that row's current content.
// Needs the station key (migration 5 creates it).
Result<std::int64_t> audit_append(Database& db, const AuditEntry& entry);

// The plain SHA-256 a row before the keyed anchor carries (databases made before migration 5).
std::string audit_row_hash(const std::string& prev_hash, const std::string& at,
                           const AuditEntry& e);
// The HMAC-SHA256 a keyed row carries; `row_columns`/`row_sha256` empty when it binds no row.
std::string audit_row_mac(std::string_view key, const std::string& prev_hash, const std::string& at,
                          const AuditEntry& e, const std::string& row_columns,
                          const std::string& row_sha256);

// One row's canonical content digest (SHA-256 hex) and the columns it covers ("a,b,c").
struct RowDigest {
  std::string columns;
  std::string sha256;
};
// Reads row `id` of bound table `table`; nullopt when the row does not exist.
Result<std::optional<RowDigest>> row_digest(Database& db, std::string_view table, std::int64_t id);

// The station key: 32 random bytes, hex in a 0600 file. A key file others can read is refused.
Result<std::string> load_station_key(const std::filesystem::path& file);
Result<std::string> create_station_key(const std::filesystem::path& file);
// A short public fingerprint of a key (recorded in the anchor row; never the key itself).
std::string station_key_id(std::string_view key);

// The head of the chain as written outside the database.
struct AuditHead {
  std::int64_t rows = 0;  // = the last row's id (ids are consecutive from 1)
  std::string last_hash;
  std::string mac;  // HMAC over rows and last_hash
};
// Writes the database's current head to db.head_file() (temp + fsync + rename, 0600), under an
// exclusive lock on the key file so concurrent writers leave the newest head.
Result<void> write_audit_head(Database& db);
Result<void> write_audit_head_to(Database& db, const std::filesystem::path& head_file);
// nullopt when the file does not exist.
Result<std::optional<AuditHead>> read_audit_head(const std::filesystem::path& file);

// Migration 5: creates the station key if there is none, appends the `audit.keyed` anchor row and
// binds every record already in the database (one `record.bind` row each).
Result<void> key_the_audit_chain(Database& db);
// Binds (one `record.bind` row each, actor `system`) every row of a bound table that no audit
// row binds yet: after a migration that creates a bound table from rows already stored.
Result<void> bind_unbound_records(Database& db);

// Problems found in the database (empty = all good). Checks SQLite's integrity_check, foreign
// keys, recorded migrations, the audit chain (plain and keyed), its head file, every record's
// binding, raw recording hashes, result content hashes and signatures. Each problem names the
// table and row.
std::vector<std::string> verify_database(Database& db);
// The same problems as messages translated where they are shown.
std::vector<Error> verify_database_errors(Database& db);

}  // namespace odyo::station
