#pragma once
// The append-only audit log. Each row carries SHA-256 over the previous row's hash and its own
// content, so a row changed or removed behind the station's back breaks the chain, which
// `odyospiro db verify` reports. Thread-safety: the Database's owning thread.

#include <cstdint>
#include <optional>
#include <string>
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

// Appends one row; call inside the transaction that made the change it records.
Result<std::int64_t> audit_append(Database& db, const AuditEntry& entry);

// The hash a row must carry.
std::string audit_row_hash(const std::string& prev_hash, const std::string& at,
                           const AuditEntry& e);

// Problems found in the database (empty = all good). Checks SQLite's integrity_check, foreign
// keys, recorded migrations, the audit chain, result content hashes and signatures.
std::vector<std::string> verify_database(Database& db);

}  // namespace odyo::station
