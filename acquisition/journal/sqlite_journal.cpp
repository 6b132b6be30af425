#include "acquisition/journal/sqlite_journal.hpp"

#include <sqlite3.h>
#include <sys/stat.h>

#include <chrono>

#include "analysis/core/error_text.hpp"

namespace odyo::acquisition {

namespace {

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS journal_sessions(
  session_id INTEGER PRIMARY KEY AUTOINCREMENT,
  device_id TEXT NOT NULL, driver TEXT NOT NULL, uri TEXT NOT NULL, profile TEXT NOT NULL,
  worker_id TEXT NOT NULL, started_utc_ns INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS raw_chunks(
  session_id INTEGER NOT NULL REFERENCES journal_sessions(session_id),
  seq INTEGER NOT NULL,
  arrival_steady_ns INTEGER NOT NULL,
  arrival_utc_ns INTEGER NOT NULL,
  bytes BLOB NOT NULL,
  PRIMARY KEY(session_id, seq)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS journal_events(
  session_id INTEGER NOT NULL, after_seq INTEGER NOT NULL, utc_ns INTEGER NOT NULL,
  kind TEXT NOT NULL, detail TEXT NOT NULL);
)sql";

struct DbCloser {
  void operator()(sqlite3* d) const { sqlite3_close_v2(d); }
};
struct StmtCloser {
  void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};

std::int64_t now_utc_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

Error SqliteJournal::sql_error(const Error& what) const {
  return make_errorf("journal_write_failed",
                     "{} in raw journal {}: {} (check free disk space and that the folder is "
                     "writable)",
                     what, file_.string(), sqlite3_errmsg(db_));
}

Result<void> SqliteJournal::exec(const char* sql) {
  char* msg = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &msg) != SQLITE_OK) {
    const Error m = msg ? error_text::arg(msg) : make_error({}, "unknown error");
    sqlite3_free(msg);
    return make_errorf("journal_write_failed", "raw journal {}: {}", file_.string(), m);
  }
  return {};
}

Result<std::unique_ptr<SqliteJournal>> SqliteJournal::open(const std::filesystem::path& file) {
  std::unique_ptr<SqliteJournal> j(new SqliteJournal());
  j->file_ = file;
  std::error_code exists_ec;
  const bool created = !std::filesystem::exists(file, exists_ec);
  if (sqlite3_open_v2(file.c_str(), &j->db_,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                      nullptr) != SQLITE_OK) {
    return make_errorf(
        "journal_open_failed",
        "cannot open raw journal {}: {} (check the folder exists and is writable)", file.string(),
        j->db_ ? error_text::arg(sqlite3_errmsg(j->db_)) : make_error({}, "out of memory"));
  }
  // The raw bytes are health data: readable by the station's account only (its -wal/-shm take
  // the file's mode from SQLite).
  if (created) ::chmod(file.c_str(), S_IRUSR | S_IWUSR);
  sqlite3_busy_timeout(j->db_, 5000);
  for (const char* pragma :
       {"PRAGMA journal_mode=WAL;", "PRAGMA synchronous=FULL;", "PRAGMA foreign_keys=ON;"}) {
    if (auto r = j->exec(pragma); !r) return r.error();
  }
  if (auto r = j->exec(kSchema); !r) return r.error();
  if (sqlite3_prepare_v3(
          j->db_,
          "INSERT INTO raw_chunks(session_id,seq,arrival_steady_ns,arrival_utc_ns,bytes) "
          "VALUES(?,?,?,?,?)",
          -1, SQLITE_PREPARE_PERSISTENT, &j->insert_chunk_, nullptr) != SQLITE_OK ||
      sqlite3_prepare_v3(
          j->db_,
          "INSERT INTO journal_events(session_id,after_seq,utc_ns,kind,detail) VALUES(?,?,?,?,?)",
          -1, SQLITE_PREPARE_PERSISTENT, &j->insert_event_, nullptr) != SQLITE_OK) {
    return j->sql_error(make_error({}, "preparing statements"));
  }
  return j;
}

SqliteJournal::~SqliteJournal() {
  if (in_transaction_) (void)commit();  // a clean shutdown keeps what was appended
  sqlite3_finalize(insert_chunk_);
  sqlite3_finalize(insert_event_);
  sqlite3_close_v2(db_);
}

Result<void> SqliteJournal::ensure_transaction() {
  if (in_transaction_) return {};
  if (auto r = exec("BEGIN IMMEDIATE;"); !r) return r;
  in_transaction_ = true;
  return {};
}

Result<std::int64_t> SqliteJournal::begin_session(const SessionMeta& meta) {
  if (auto r = commit(); !r) return r.error();
  std::unique_ptr<sqlite3_stmt, StmtCloser> st;
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(
          db_,
          "INSERT INTO journal_sessions(device_id,driver,uri,profile,worker_id,started_utc_ns) "
          "VALUES(?,?,?,?,?,?)",
          -1, &raw, nullptr) != SQLITE_OK)
    return sql_error(make_error({}, "preparing session insert"));
  st.reset(raw);
  sqlite3_bind_text(raw, 1, meta.device_id.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(raw, 2, meta.driver.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(raw, 3, meta.uri.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(raw, 4, meta.profile.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(raw, 5, meta.worker_id.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64(raw, 6, now_utc_ns());
  if (sqlite3_step(raw) != SQLITE_DONE) return sql_error(make_error({}, "starting a session"));
  return static_cast<std::int64_t>(sqlite3_last_insert_rowid(db_));
}

Result<void> SqliteJournal::append(const RawChunk& c) {
  if (auto r = ensure_transaction(); !r) return r;
  sqlite3_stmt* s = insert_chunk_;
  sqlite3_reset(s);
  sqlite3_bind_int64(s, 1, c.session_id);
  sqlite3_bind_int64(s, 2, static_cast<sqlite3_int64>(c.sequence));
  sqlite3_bind_int64(s, 3, c.arrival_steady_ns);
  sqlite3_bind_int64(s, 4, c.arrival_utc_ns);
  sqlite3_bind_blob(s, 5, c.bytes.data(), static_cast<int>(c.bytes.size()), SQLITE_STATIC);
  const int rc = sqlite3_step(s);
  sqlite3_clear_bindings(s);
  if (rc != SQLITE_DONE) return sql_error(make_error({}, "writing raw bytes"));
  return {};
}

Result<void> SqliteJournal::append_event(const JournalEvent& e) {
  if (auto r = ensure_transaction(); !r) return r;
  sqlite3_stmt* s = insert_event_;
  sqlite3_reset(s);
  sqlite3_bind_int64(s, 1, e.session_id);
  sqlite3_bind_int64(s, 2, static_cast<sqlite3_int64>(e.after_sequence));
  sqlite3_bind_int64(s, 3, e.utc_ns);
  sqlite3_bind_text(s, 4, e.kind.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(s, 5, e.detail.c_str(), -1, SQLITE_TRANSIENT);
  const int rc = sqlite3_step(s);
  sqlite3_clear_bindings(s);
  if (rc != SQLITE_DONE) return sql_error(make_error({}, "writing a session event"));
  return {};
}

Result<void> SqliteJournal::commit() {
  if (!in_transaction_) return {};
  if (auto r = exec("COMMIT;"); !r) return r;
  in_transaction_ = false;
  return {};
}

void SqliteJournal::rollback() {
  if (!in_transaction_) return;
  (void)exec("ROLLBACK;");
  in_transaction_ = false;
}

namespace {
Result<std::unique_ptr<sqlite3, DbCloser>> open_ro(const std::filesystem::path& file) {
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(file.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr);
  std::unique_ptr<sqlite3, DbCloser> db(raw);
  if (rc != SQLITE_OK)
    return make_errorf(
        "journal_open_failed", "cannot read raw journal {}: {}", file.string(),
        raw ? error_text::arg(sqlite3_errmsg(raw)) : make_error({}, "out of memory"));
  sqlite3_busy_timeout(raw, 5000);
  return db;
}
}  // namespace

Result<JournalReadback> read_journal(const std::filesystem::path& file, std::int64_t session_id) {
  auto db = open_ro(file);
  if (!db) return db.error();
  JournalReadback out;
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db->get(),
                         "SELECT seq,arrival_steady_ns,arrival_utc_ns,bytes FROM raw_chunks WHERE "
                         "session_id=? ORDER BY seq",
                         -1, &raw, nullptr) != SQLITE_OK)
    return make_errorf("journal_read_failed", "raw journal {}: {}", file.string(),
                       sqlite3_errmsg(db->get()));
  std::unique_ptr<sqlite3_stmt, StmtCloser> st(raw);
  sqlite3_bind_int64(raw, 1, session_id);
  while (sqlite3_step(raw) == SQLITE_ROW) {
    RawChunk c;
    c.session_id = session_id;
    c.sequence = static_cast<std::uint64_t>(sqlite3_column_int64(raw, 0));
    c.arrival_steady_ns = sqlite3_column_int64(raw, 1);
    c.arrival_utc_ns = sqlite3_column_int64(raw, 2);
    const auto* p = static_cast<const std::uint8_t*>(sqlite3_column_blob(raw, 3));
    c.bytes.assign(p, p + sqlite3_column_bytes(raw, 3));
    out.chunks.push_back(std::move(c));
  }
  raw = nullptr;
  if (sqlite3_prepare_v2(db->get(),
                         "SELECT after_seq,utc_ns,kind,detail FROM journal_events WHERE "
                         "session_id=? ORDER BY rowid",
                         -1, &raw, nullptr) != SQLITE_OK)
    return make_errorf("journal_read_failed", "raw journal {}: {}", file.string(),
                       sqlite3_errmsg(db->get()));
  std::unique_ptr<sqlite3_stmt, StmtCloser> st2(raw);
  sqlite3_bind_int64(raw, 1, session_id);
  while (sqlite3_step(raw) == SQLITE_ROW) {
    JournalEvent e;
    e.session_id = session_id;
    e.after_sequence = static_cast<std::uint64_t>(sqlite3_column_int64(raw, 0));
    e.utc_ns = sqlite3_column_int64(raw, 1);
    e.kind = reinterpret_cast<const char*>(sqlite3_column_text(raw, 2));
    e.detail = reinterpret_cast<const char*>(sqlite3_column_text(raw, 3));
    out.events.push_back(std::move(e));
  }
  return out;
}

Result<std::vector<std::int64_t>> journal_sessions(const std::filesystem::path& file) {
  auto db = open_ro(file);
  if (!db) return db.error();
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db->get(), "SELECT session_id FROM journal_sessions ORDER BY session_id",
                         -1, &raw, nullptr) != SQLITE_OK)
    return make_errorf("journal_read_failed", "raw journal {}: {}", file.string(),
                       sqlite3_errmsg(db->get()));
  std::unique_ptr<sqlite3_stmt, StmtCloser> st(raw);
  std::vector<std::int64_t> ids;
  while (sqlite3_step(raw) == SQLITE_ROW) ids.push_back(sqlite3_column_int64(raw, 0));
  return ids;
}

Result<std::vector<JournalSessionInfo>> journal_session_infos(const std::filesystem::path& file) {
  auto db = open_ro(file);
  if (!db) return db.error();
  const auto fail = [&] {
    return make_errorf("journal_read_failed", "raw journal {}: {}", file.string(),
                       sqlite3_errmsg(db->get()));
  };
  std::vector<JournalSessionInfo> out;
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db->get(),
                         "SELECT s.session_id,s.device_id,s.driver,s.uri,s.profile,s.worker_id,"
                         "s.started_utc_ns,(SELECT count(*) FROM raw_chunks c WHERE "
                         "c.session_id=s.session_id),(SELECT coalesce(sum(length(c.bytes)),0) FROM "
                         "raw_chunks c WHERE c.session_id=s.session_id) FROM journal_sessions s "
                         "ORDER BY s.session_id",
                         -1, &raw, nullptr) != SQLITE_OK)
    return fail();
  std::unique_ptr<sqlite3_stmt, StmtCloser> st(raw);
  const auto text = [](sqlite3_stmt* s, int col) {
    const auto* p = sqlite3_column_text(s, col);
    return p ? std::string(reinterpret_cast<const char*>(p)) : std::string();
  };
  while (sqlite3_step(raw) == SQLITE_ROW) {
    JournalSessionInfo i;
    i.session_id = sqlite3_column_int64(raw, 0);
    i.meta = {text(raw, 1), text(raw, 2), text(raw, 3), text(raw, 4), text(raw, 5)};
    i.started_utc_ns = sqlite3_column_int64(raw, 6);
    i.chunks = static_cast<std::uint64_t>(sqlite3_column_int64(raw, 7));
    i.bytes = static_cast<std::uint64_t>(sqlite3_column_int64(raw, 8));
    out.push_back(std::move(i));
  }
  raw = nullptr;
  if (sqlite3_prepare_v2(db->get(),
                         "SELECT session_id,after_seq,utc_ns,kind,detail FROM journal_events "
                         "ORDER BY rowid",
                         -1, &raw, nullptr) != SQLITE_OK)
    return fail();
  std::unique_ptr<sqlite3_stmt, StmtCloser> st2(raw);
  while (sqlite3_step(raw) == SQLITE_ROW) {
    JournalEvent e;
    e.session_id = sqlite3_column_int64(raw, 0);
    e.after_sequence = static_cast<std::uint64_t>(sqlite3_column_int64(raw, 1));
    e.utc_ns = sqlite3_column_int64(raw, 2);
    e.kind = text(raw, 3);
    e.detail = text(raw, 4);
    for (auto& i : out)
      if (i.session_id == e.session_id) i.events.push_back(e);
  }
  return out;
}

Result<void> append_session_event(const std::filesystem::path& file, const JournalEvent& event) {
  auto j = SqliteJournal::open(file);
  if (!j) return j.error();
  if (auto r = (*j)->append_event(event); !r) {
    (*j)->rollback();
    return r;
  }
  return (*j)->commit();
}

}  // namespace odyo::acquisition
