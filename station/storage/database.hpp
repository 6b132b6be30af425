#pragma once
// RAII layer over SQLite: Database (one connection), Statement (a prepared statement) and
// Transaction (rolls back unless committed). Opening applies WAL, foreign keys, a busy timeout and
// the numbered schema migrations (station/storage/migrations.cpp).
// Thread-safety: a Database and its Statements belong to one thread (the storage writer, or the
// command line's thread); open another Database for another thread.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/core/result.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace odyo::station {

struct StatementCache;  // station/storage/database.cpp

class Statement {
 public:
  Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  // A statement of the Database's cache: reset and handed back to it when destroyed.
  Statement(sqlite3* db, sqlite3_stmt* stmt, std::shared_ptr<StatementCache> cache,
            std::string sql);
  ~Statement();
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // Parameters are 1-based, as in SQLite.
  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, int value) { return bind(index, static_cast<std::int64_t>(value)); }
  Statement& bind(int index, double value);
  Statement& bind(int index, std::string_view text);
  Statement& bind(int index, const char* text) { return bind(index, std::string_view(text)); }
  Statement& bind(int index, const std::string& text) {
    return bind(index, std::string_view(text));
  }
  Statement& bind_blob(int index, const void* data, std::size_t size);
  Statement& bind_null(int index);
  template <typename T>
  Statement& bind(int index, const std::optional<T>& v) {
    return v ? bind(index, *v) : bind_null(index);
  }

  // true: a row is ready; false: done. An error carries SQLite's message.
  Result<bool> step();
  // Runs to completion (for INSERT/UPDATE/DDL).
  Result<void> run();
  void reset();

  [[nodiscard]] bool is_null(int col) const;
  [[nodiscard]] std::int64_t int64(int col) const;
  [[nodiscard]] double real(int col) const;
  [[nodiscard]] std::string text(int col) const;
  [[nodiscard]] std::optional<std::string> opt_text(int col) const;
  [[nodiscard]] std::optional<double> opt_real(int col) const;
  [[nodiscard]] std::optional<std::int64_t> opt_int64(int col) const;
  [[nodiscard]] std::vector<unsigned char> blob(int col) const;
  // Column count, name and SQLite storage class (SQLITE_INTEGER … SQLITE_NULL) of the current row.
  [[nodiscard]] int column_count() const;
  [[nodiscard]] std::string column_name(int col) const;
  [[nodiscard]] int column_type(int col) const;
  // The raw bytes of a TEXT or BLOB column, valid until the next step/reset.
  [[nodiscard]] std::string_view raw_bytes(int col) const;

 private:
  void release();
  sqlite3* db_;
  sqlite3_stmt* stmt_;
  std::shared_ptr<StatementCache> cache_;  // null: finalized when destroyed
  std::string sql_;                        // the cache's key
};

struct OpenOptions {
  bool create = true;   // create the file if missing
  bool migrate = true;  // apply pending migrations
  int busy_timeout_ms = 5000;
  // The station key (HMAC key of the audit chain) and the chain's head file live outside the
  // database; empty = next to it (`<db>.key`, `<db>.head`). See docs/security.md.
  std::filesystem::path key_file{};
  std::filesystem::path head_file{};
  // A new file (and a new folder) is created 0600 (0700), or 0640 (0750) for this Unix group
  // ([station].data_group); see station/storage/file_modes.hpp.
  std::string data_group{};
};

class Database {
 public:
  static Result<std::unique_ptr<Database>> open(const std::filesystem::path& file,
                                                const OpenOptions& options = {});
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  Result<void> exec(std::string_view sql);
  // A prepared statement. Statements are compiled once per connection and kept: when a Statement
  // is destroyed it is reset and its bindings cleared, and the next prepare() of the same text
  // takes it again (compiling SQL was most of the time of a page that loads many small rows).
  Result<Statement> prepare(std::string_view sql);
  [[nodiscard]] std::int64_t last_insert_id() const;
  [[nodiscard]] int changes() const;
  [[nodiscard]] sqlite3* handle() const { return db_; }
  [[nodiscard]] const std::filesystem::path& file() const { return file_; }

  // Schema version: the highest migration recorded in schema_migrations (0 for an empty file).
  Result<int> schema_version();

  // The station key (loaded at open when its file exists; created by migration 5) and where the
  // audit chain's head is written after every commit that appended to the audit log.
  [[nodiscard]] const std::filesystem::path& key_file() const { return key_file_; }
  [[nodiscard]] const std::filesystem::path& head_file() const { return head_file_; }
  [[nodiscard]] const std::optional<std::string>& station_key() const { return key_; }
  void set_station_key(std::string key) { key_ = std::move(key); }
  // audit_append marks the head stale; the outermost commit (or audit_append itself outside a
  // transaction) then rewrites the head file.
  void mark_audit_head_stale() { audit_head_stale_ = true; }
  void after_commit();

 private:
  Database(sqlite3* db, std::filesystem::path file);
  sqlite3* db_;
  std::shared_ptr<StatementCache> cache_;
  std::filesystem::path file_;
  std::filesystem::path key_file_;
  std::filesystem::path head_file_;
  std::optional<std::string> key_;
  bool audit_head_stale_ = false;
};

// BEGIN IMMEDIATE on construction (a SAVEPOINT when a transaction is already open, so the
// functions that each keep their own change atomic compose into a larger one); rolls back in the
// destructor unless commit() succeeded.
class Transaction {
 public:
  static Result<Transaction> begin(Database& db);
  ~Transaction();
  Transaction(Transaction&& other) noexcept
      : db_(other.db_), done_(other.done_), nested_(other.nested_) {
    other.done_ = true;
  }
  Transaction& operator=(Transaction&&) = delete;
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  Result<void> commit();

 private:
  Transaction(Database& db, bool nested) : db_(&db), nested_(nested) {}
  Database* db_;
  bool done_ = false;
  bool nested_ = false;
};

// Formats the current UTC time as ISO 8601 with milliseconds ("2026-11-23T14:05:09.123Z").
std::string utc_now_iso();

}  // namespace odyo::station
