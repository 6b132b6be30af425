#include "station/storage/database.hpp"
#include "analysis/core/error_text.hpp"

#include <sqlite3.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <unordered_map>
#include <utility>

#include "station/storage/audit.hpp"
#include "station/storage/file_modes.hpp"
#include "station/storage/migrations.hpp"

namespace odyo::station {

namespace {
// SQLite's own message (English, from the library): a value, not a text of ours.
std::string sqlite_text(sqlite3* db) {
  return db != nullptr ? sqlite3_errmsg(db) : "out of memory";
}
}  // namespace

// The compiled statements of one connection that no Statement holds now, by their SQL text.
// Bounded: SQL made with values in its text (a few tools do) must not grow it without end.
struct StatementCache {
  static constexpr std::size_t kMaxTexts = 512;
  static constexpr std::size_t kMaxIdlePerText = 4;
  bool open = true;  // false once the Database is closed: statements then finalize themselves
  std::unordered_map<std::string, std::vector<sqlite3_stmt*>> idle;

  void finalize_all() {
    for (auto& [sql, stmts] : idle)
      for (auto* s : stmts) sqlite3_finalize(s);
    idle.clear();
  }
};

Statement::Statement(sqlite3* db, sqlite3_stmt* stmt, std::shared_ptr<StatementCache> cache,
                     std::string sql)
    : db_(db), stmt_(stmt), cache_(std::move(cache)), sql_(std::move(sql)) {}
void Statement::release() {
  if (stmt_ == nullptr) return;
  sqlite3_stmt* s = std::exchange(stmt_, nullptr);
  if (cache_ && cache_->open) {
    auto it = cache_->idle.find(sql_);
    if (it == cache_->idle.end() && cache_->idle.size() < StatementCache::kMaxTexts)
      it = cache_->idle.emplace(std::move(sql_), std::vector<sqlite3_stmt*>{}).first;
    if (it != cache_->idle.end() && it->second.size() < StatementCache::kMaxIdlePerText) {
      sqlite3_reset(s);
      sqlite3_clear_bindings(s);
      it->second.push_back(s);
      return;
    }
  }
  sqlite3_finalize(s);
}
Statement::~Statement() {
  release();
}
Statement::Statement(Statement&& other) noexcept
    : db_(other.db_),
      stmt_(std::exchange(other.stmt_, nullptr)),
      cache_(std::move(other.cache_)),
      sql_(std::move(other.sql_)) {}
Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    release();
    db_ = other.db_;
    stmt_ = std::exchange(other.stmt_, nullptr);
    cache_ = std::move(other.cache_);
    sql_ = std::move(other.sql_);
  }
  return *this;
}
Statement& Statement::bind(int index, std::int64_t value) {
  sqlite3_bind_int64(stmt_, index, value);
  return *this;
}
Statement& Statement::bind(int index, double value) {
  sqlite3_bind_double(stmt_, index, value);
  return *this;
}
Statement& Statement::bind(int index, std::string_view text) {
  sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  return *this;
}
Statement& Statement::bind_blob(int index, const void* data, std::size_t size) {
  sqlite3_bind_blob64(stmt_, index, data, size, SQLITE_TRANSIENT);
  return *this;
}
Statement& Statement::bind_null(int index) {
  sqlite3_bind_null(stmt_, index);
  return *this;
}
Result<bool> Statement::step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  Error e = make_errorf("sqlite", "database statement failed: {}", sqlite_text(db_));
  sqlite3_reset(stmt_);
  return e;
}
Result<void> Statement::run() {
  for (;;) {
    auto r = step();
    if (!r) return r.error();
    if (!*r) break;
  }
  sqlite3_reset(stmt_);
  return {};
}
void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}
bool Statement::is_null(int col) const {
  return sqlite3_column_type(stmt_, col) == SQLITE_NULL;
}
std::int64_t Statement::int64(int col) const {
  return sqlite3_column_int64(stmt_, col);
}
double Statement::real(int col) const {
  return sqlite3_column_double(stmt_, col);
}
std::string Statement::text(int col) const {
  const auto* p = sqlite3_column_text(stmt_, col);
  return p == nullptr ? std::string()
                      : std::string(reinterpret_cast<const char*>(p),
                                    static_cast<size_t>(sqlite3_column_bytes(stmt_, col)));
}
std::optional<std::string> Statement::opt_text(int col) const {
  if (is_null(col)) return std::nullopt;
  return text(col);
}
std::optional<double> Statement::opt_real(int col) const {
  if (is_null(col)) return std::nullopt;
  return real(col);
}
std::optional<std::int64_t> Statement::opt_int64(int col) const {
  if (is_null(col)) return std::nullopt;
  return int64(col);
}
std::vector<unsigned char> Statement::blob(int col) const {
  const auto* p = static_cast<const unsigned char*>(sqlite3_column_blob(stmt_, col));
  const int n = sqlite3_column_bytes(stmt_, col);
  return p == nullptr ? std::vector<unsigned char>{} : std::vector<unsigned char>(p, p + n);
}

int Statement::column_count() const {
  return sqlite3_column_count(stmt_);
}
std::string Statement::column_name(int col) const {
  const char* n = sqlite3_column_name(stmt_, col);
  return n == nullptr ? std::string() : std::string(n);
}
int Statement::column_type(int col) const {
  return sqlite3_column_type(stmt_, col);
}
std::string_view Statement::raw_bytes(int col) const {
  const void* p = sqlite3_column_type(stmt_, col) == SQLITE_BLOB
                      ? sqlite3_column_blob(stmt_, col)
                      : static_cast<const void*>(sqlite3_column_text(stmt_, col));
  const int n = sqlite3_column_bytes(stmt_, col);
  return p == nullptr ? std::string_view() : std::string_view(static_cast<const char*>(p), n);
}

Result<std::unique_ptr<Database>> Database::open(const std::filesystem::path& file,
                                                 const OpenOptions& options) {
  std::error_code ec;
  if (!options.create && !std::filesystem::exists(file, ec)) {
    return make_errorf("db_missing",
                       "{}: database file not found (run `odyospiro db migrate` to create it)",
                       file.string());
  }
  const bool created = options.create && !std::filesystem::exists(file, ec);
  if (created && file.has_parent_path()) {
    if (auto r = make_private_dir(file.parent_path(), options.data_group); !r) return r.error();
  }
  sqlite3* raw = nullptr;
  const int flags =
      SQLITE_OPEN_READWRITE | (options.create ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_NOMUTEX;
  if (sqlite3_open_v2(file.string().c_str(), &raw, flags, nullptr) != SQLITE_OK) {
    Error e =
        make_errorf("db_open", "{}: cannot open database: {}", file.string(), sqlite_text(raw));
    sqlite3_close(raw);
    return e;
  }
  std::unique_ptr<Database> db(new Database(raw, file));
  if (created) {
    if (auto r = make_private_file(file, options.data_group); !r) return r.error();
  }
  db->key_file_ =
      options.key_file.empty() ? std::filesystem::path(file.string() + ".key") : options.key_file;
  db->head_file_ = options.head_file.empty() ? std::filesystem::path(file.string() + ".head")
                                             : options.head_file;
  if (std::filesystem::exists(db->key_file_, ec)) {
    auto key = load_station_key(db->key_file_);
    if (!key) return key.error();
    db->key_ = std::move(key.value());
  }
  sqlite3_busy_timeout(raw, options.busy_timeout_ms);
  sqlite3_extended_result_codes(raw, 1);
  // WAL: readers do not block the writer; synchronous=FULL: a committed exam survives power loss.
  for (const char* pragma :
       {"PRAGMA journal_mode=WAL", "PRAGMA foreign_keys=ON", "PRAGMA synchronous=FULL"}) {
    auto st = db->prepare(pragma);
    if (!st) return make_errorf("db_open", "{}: {}", file.string(), st.error());
    if (auto r = st->run(); !r) {
      return make_errorf("db_open", "{}: not a usable SQLite database ({})", file.string(),
                         r.error());
    }
  }
  if (created) {  // SQLite gives -wal/-shm the database's mode; made explicit here
    for (const char* suffix : {"-wal", "-shm"}) {
      const std::filesystem::path side = file.string() + suffix;
      if (std::filesystem::exists(side, ec)) {
        if (auto r = make_private_file(side, options.data_group); !r) return r.error();
      }
    }
  }
  if (options.migrate) {
    if (auto r = migrate(*db); !r) return r.error();
  }
  return db;
}

Database::Database(sqlite3* db, std::filesystem::path file)
    : db_(db), cache_(std::make_shared<StatementCache>()), file_(std::move(file)) {}

Database::~Database() {
  cache_->open = false;
  cache_->finalize_all();
  sqlite3_close_v2(db_);
}

Result<void> Database::exec(std::string_view sql) {
  char* msg = nullptr;
  const std::string s(sql);
  if (sqlite3_exec(db_, s.c_str(), nullptr, nullptr, &msg) != SQLITE_OK) {
    std::string m = msg != nullptr ? msg : sqlite3_errmsg(db_);
    sqlite3_free(msg);
    return make_error("sqlite", m);  // i18n: not a message (SQLite's own text)
  }
  return {};
}

Result<Statement> Database::prepare(std::string_view sql) {
  std::string text(sql);
  if (auto it = cache_->idle.find(text); it != cache_->idle.end() && !it->second.empty()) {
    sqlite3_stmt* cached = it->second.back();
    it->second.pop_back();
    return Statement(db_, cached, cache_, std::move(text));
  }
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr) !=
      SQLITE_OK) {
    return make_errorf("sqlite", "cannot prepare statement: {}", sqlite_text(db_));
  }
  return Statement(db_, stmt, cache_, std::move(text));
}

std::int64_t Database::last_insert_id() const {
  return sqlite3_last_insert_rowid(db_);
}
int Database::changes() const {
  return sqlite3_changes(db_);
}

Result<int> Database::schema_version() {
  auto t =
      prepare("SELECT count(*) FROM sqlite_master WHERE type='table' AND name='schema_migrations'");
  if (!t) return t.error();
  if (auto r = t->step(); !r) return r.error();
  if (t->int64(0) == 0) return 0;
  auto st = prepare("SELECT coalesce(max(version),0) FROM schema_migrations");
  if (!st) return st.error();
  if (auto r = st->step(); !r) return r.error();
  return static_cast<int>(st->int64(0));
}

void Database::after_commit() {
  if (!audit_head_stale_ || sqlite3_get_autocommit(db_) == 0) return;
  // The commit is done and cannot be undone: a head that cannot be written is a warning (verify
  // then reports the head behind the log), never a failed store.
  if (auto r = write_audit_head(*this); !r) {
    std::fprintf(stderr, "odyospiro: warning: %s\n", r.error().message.c_str());
    return;
  }
  audit_head_stale_ = false;
}

Result<Transaction> Transaction::begin(Database& db) {
  const bool nested = sqlite3_get_autocommit(db.handle()) == 0;
  if (auto r = db.exec(nested ? "SAVEPOINT odyo_nested" : "BEGIN IMMEDIATE"); !r) return r.error();
  return Transaction(db, nested);
}
Transaction::~Transaction() {
  if (done_) return;
  if (nested_) {
    (void)db_->exec("ROLLBACK TO odyo_nested; RELEASE odyo_nested");
  } else {
    (void)db_->exec("ROLLBACK");
  }
}
Result<void> Transaction::commit() {
  if (auto r = db_->exec(nested_ ? "RELEASE odyo_nested" : "COMMIT"); !r) return r.error();
  done_ = true;
  if (!nested_) db_->after_commit();
  return {};
}

std::string utc_now_iso() {
  using namespace std::chrono;
  const auto now = system_clock::now();
  const auto ms = duration_cast<milliseconds>(now.time_since_epoch()).count() % 1000;
  const std::time_t t = system_clock::to_time_t(now);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
  return buf;
}

}  // namespace odyo::station
