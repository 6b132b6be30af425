#pragma once
// Numbered schema migrations. Each is applied once, in its own transaction, and recorded in
// schema_migrations (version, name, sha256 of its SQL, when). Never edit a released migration:
// add a new one. Thread-safety: call with the Database's owning thread.

#include <string_view>
#include <vector>

#include "analysis/core/result.hpp"

namespace odyo::station {

class Database;

struct Migration {
  int version;
  std::string_view name;
  std::string_view sql;
  // Runs after the SQL, in the same transaction (e.g. migration 5 keys the audit chain).
  Result<void> (*after)(Database&) = nullptr;
};

const std::vector<Migration>& all_migrations();
int latest_schema_version();

// Applies every migration above the database's version up to `target` (default: latest).
// A database from a newer schema is refused with an error, and nothing is written.
Result<void> migrate(Database& db, int target = -1);

}  // namespace odyo::station
