#pragma once
// SqliteJournal: the raw journal as its own SQLite file (not the station database: acquisition
// cannot reach station/storage, and a separate file keeps the hot write path away from the
// review database's locks).
//
// Durability: journal_mode=WAL with synchronous=FULL. WAL+NORMAL already survives a killed
// process, but may lose the last commits on a power cut; a clinic PC loses power, and the cost of
// FULL is one fsync per commit (the writer commits at most every 50 ms, i.e. <= 20 fsyncs/s).
// Thread-safety: one thread at a time (the JournalWriter's thread); readers open their own handle.

#include <filesystem>
#include <memory>

#include "acquisition/journal/journal_sink.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace odyo::acquisition {

class SqliteJournal final : public JournalSink {
 public:
  // Opens or creates the journal file and its schema.
  static Result<std::unique_ptr<SqliteJournal>> open(const std::filesystem::path& file);
  ~SqliteJournal() override;
  SqliteJournal(const SqliteJournal&) = delete;
  SqliteJournal& operator=(const SqliteJournal&) = delete;

  Result<std::int64_t> begin_session(const SessionMeta& meta) override;
  Result<void> append(const RawChunk& chunk) override;
  Result<void> append_event(const JournalEvent& event) override;
  Result<void> commit() override;
  void rollback() override;

 private:
  SqliteJournal() = default;
  Result<void> exec(const char* sql);
  Result<void> ensure_transaction();
  Error sql_error(const Error& what) const;  // what: "writing raw bytes", translatable

  sqlite3* db_ = nullptr;
  sqlite3_stmt* insert_chunk_ = nullptr;
  sqlite3_stmt* insert_event_ = nullptr;
  bool in_transaction_ = false;
  std::filesystem::path file_;
};

// Reading a journal back (tests, export of raw data, replay). Opens its own read-only handle.
struct JournalReadback {
  std::vector<RawChunk> chunks;  // ordered by sequence
  std::vector<JournalEvent> events;
};
Result<JournalReadback> read_journal(const std::filesystem::path& file, std::int64_t session_id);
// Session ids in the file, oldest first.
Result<std::vector<std::int64_t>> journal_sessions(const std::filesystem::path& file);

// One session as `acquire recover` lists it: what it was, how many bytes it kept and its events
// (oldest first), without the bytes.
struct JournalSessionInfo {
  std::int64_t session_id = 0;
  SessionMeta meta;
  std::int64_t started_utc_ns = 0;
  std::uint64_t chunks = 0;
  std::uint64_t bytes = 0;
  std::vector<JournalEvent> events;
};
Result<std::vector<JournalSessionInfo>> journal_session_infos(const std::filesystem::path& file);

// Appends one event to a session after it was recorded (e.g. "pending" when the exam could not
// be stored), durably, through its own handle. Errors: journal_open_failed, journal_write_failed.
Result<void> append_session_event(const std::filesystem::path& file, const JournalEvent& event);

}  // namespace odyo::acquisition
