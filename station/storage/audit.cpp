#include "station/storage/audit.hpp"
#include "analysis/core/error_text.hpp"

#include <fcntl.h>
#include <openssl/rand.h>
#include <sqlite3.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <unordered_map>

#include "station/storage/database.hpp"
#include "station/storage/hash.hpp"
#include "station/storage/migrations.hpp"

namespace odyo::station {

namespace {

constexpr const char* kKeyedAction = "audit.keyed";

bool is_bound_table(std::string_view t) {
  return std::find(std::begin(kBoundTables), std::end(kBoundTables), t) != std::end(kBoundTables);
}

std::string errno_text() {
  return std::strerror(errno);
}

// Makes a rename or a new file in `dir` durable.
void fsync_dir(const std::filesystem::path& file) {
  const auto dir = file.has_parent_path() ? file.parent_path() : std::filesystem::path(".");
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  (void)::fsync(fd);
  ::close(fd);
}

// Writes `content` to a new file `file` with mode 0600 (O_EXCL unless `replace`), fsynced.
Result<void> write_private_file(const std::filesystem::path& file, std::string_view content,
                                bool exclusive) {
  const int fd =
      ::open(file.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC | (exclusive ? O_EXCL : O_TRUNC), 0600);
  if (fd < 0)
    return make_errorf("file_write", "{}: cannot create: {}", file.string(), errno_text());
  (void)::fchmod(fd, 0600);
  std::size_t done = 0;
  while (done < content.size()) {
    const auto n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      const std::string m = errno_text();
      ::close(fd);
      return make_errorf("file_write", "{}: cannot write: {}", file.string(), m);
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) {
    const std::string m = errno_text();
    ::close(fd);
    return make_errorf("file_write", "{}: cannot sync: {}", file.string(), m);
  }
  ::close(fd);
  return {};
}

void append_field(std::string& s, std::string_view f) {
  s += '\x1f';
  s += f;
}

// Canonical content of one row over the given columns (indices into the statement's columns):
// the name, a type tag and the value as SQLite stores it (text with its length, blobs by their
// SHA-256), so a change of value or of storage class changes the digest.
std::string canonical_digest(const Statement& s, std::string_view table,
                             const std::vector<std::string>& names, const std::vector<int>& idx) {
  std::string c = "odyospiro-row-v1";
  append_field(c, table);
  char num[40];
  for (std::size_t k = 0; k < names.size(); ++k) {
    const int i = idx[k];
    c += '\x1e';
    c += names[k];
    c += '=';
    switch (s.column_type(i)) {
      case SQLITE_INTEGER:
        c += 'i';
        c += std::to_string(s.int64(i));
        break;
      case SQLITE_FLOAT:
        std::snprintf(num, sizeof num, "r%.17g", s.real(i));
        c += num;
        break;
      case SQLITE_TEXT: {
        const auto b = s.raw_bytes(i);
        c += 't';
        c += std::to_string(b.size());
        c += ':';
        c += b;
        break;
      }
      case SQLITE_BLOB: {
        const auto b = s.raw_bytes(i);
        c += 'b';
        c += sha256_hex(b);
        break;
      }
      default:
        c += 'n';
        break;
    }
  }
  return sha256_hex(c);
}

std::vector<std::string> split_columns(const std::string& cols) {
  std::vector<std::string> out;
  std::string cur;
  for (char ch : cols) {
    if (ch == ',') {
      out.push_back(cur);
      cur.clear();
    } else {
      cur += ch;
    }
  }
  if (!cols.empty()) out.push_back(cur);
  return out;
}

Result<std::optional<std::pair<std::int64_t, std::string>>> last_audit_row(Database& db) {
  auto st = db.prepare("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1");
  if (!st) return st.error();
  auto has = st->step();
  if (!has) return has.error();
  if (!*has) return std::optional<std::pair<std::int64_t, std::string>>{};
  return std::optional<std::pair<std::int64_t, std::string>>{{st->int64(0), st->text(1)}};
}

std::string head_mac(std::string_view key, std::int64_t rows, const std::string& last_hash) {
  std::string s = "odyospiro-audit-head-v1";
  append_field(s, std::to_string(rows));
  append_field(s, last_hash);
  return hmac_sha256_hex(key, s);
}

Error key_missing(const Database& db) {
  return make_errorf("station_key_missing",
                     "{}: the station key is missing, so the audit log can be neither extended "
                     "nor checked. Restore the key file from its backup (docs/security.md, "
                     "\"Station key\") next to the database, mode 0600",
                     db.key_file().string());
}

bool has_column(Database& db, const char* table, const char* column) {
  auto st =
      db.prepare(std::string("SELECT 1 FROM pragma_table_info('") + table + "') WHERE name = ?");
  if (!st) return false;
  st->bind(1, column);
  auto r = st->step();
  return r && *r;
}

bool has_table(Database& db, std::string_view table) {
  auto st = db.prepare("SELECT 1 FROM sqlite_master WHERE type='table' AND name = ?");
  if (!st) return false;
  st->bind(1, table);
  auto r = st->step();
  return r && *r;
}

}  // namespace

std::string audit_row_hash(const std::string& prev_hash, const std::string& at,
                           const AuditEntry& e) {
  // Unit separator between fields: no field can shift its content into its neighbour.
  std::string s = prev_hash;
  for (const std::string* f : {&at, &e.actor, &e.action, &e.entity}) {
    s += '\x1f';
    s += *f;
  }
  s += '\x1f';
  s += e.entity_id ? std::to_string(*e.entity_id) : std::string("null");
  s += '\x1f';
  s += e.details_json;
  return sha256_hex(s);
}

std::string audit_row_mac(std::string_view key, const std::string& prev_hash, const std::string& at,
                          const AuditEntry& e, const std::string& row_columns,
                          const std::string& row_sha256) {
  std::string s = "odyospiro-audit-v2";
  append_field(s, prev_hash);
  for (const std::string* f : {&at, &e.actor, &e.action, &e.entity}) append_field(s, *f);
  append_field(s, e.entity_id ? std::to_string(*e.entity_id) : std::string("null"));
  append_field(s, e.details_json);
  append_field(s, row_columns);
  append_field(s, row_sha256);
  return hmac_sha256_hex(key, s);
}

Result<std::optional<RowDigest>> row_digest(Database& db, std::string_view table, std::int64_t id) {
  if (!is_bound_table(table)) {
    return make_errorf("audit_table", "{} is not a bound table", std::string(table));
  }
  auto st = db.prepare("SELECT * FROM " + std::string(table) + " WHERE id = ?");
  if (!st) return st.error();
  st->bind(1, id);
  auto has = st->step();
  if (!has) return has.error();
  if (!*has) return std::optional<RowDigest>{};
  std::vector<std::string> names;
  std::vector<int> idx;
  std::string cols;
  for (int i = 0; i < st->column_count(); ++i) {
    names.push_back(st->column_name(i));
    idx.push_back(i);
    if (i > 0) cols += ',';
    cols += names.back();
  }
  return std::optional<RowDigest>{RowDigest{cols, canonical_digest(*st, table, names, idx)}};
}

Result<std::int64_t> audit_append(Database& db, const AuditEntry& entry) {
  if (!db.station_key()) return key_missing(db);
  auto last = last_audit_row(db);
  if (!last) return last.error();
  const std::string prev = *last ? (*last)->second : std::string(kAuditGenesisHash);
  const std::string at = utc_now_iso();
  std::optional<RowDigest> bound;
  if (entry.entity_id && is_bound_table(entry.entity)) {
    auto d = row_digest(db, entry.entity, *entry.entity_id);
    if (!d) return d.error();
    bound = *d;
  }
  const std::string cols = bound ? bound->columns : std::string();
  const std::string sha = bound ? bound->sha256 : std::string();
  auto ins = db.prepare(
      "INSERT INTO audit_log(at,actor,action,entity,entity_id,details,prev_hash,hash,row_columns,"
      "row_sha256) VALUES (?,?,?,?,?,?,?,?,?,?)");
  if (!ins) return ins.error();
  ins->bind(1, at)
      .bind(2, entry.actor)
      .bind(3, entry.action)
      .bind(4, entry.entity)
      .bind(5, entry.entity_id);
  ins->bind(6, entry.details_json)
      .bind(7, prev)
      .bind(8, audit_row_mac(*db.station_key(), prev, at, entry, cols, sha));
  if (bound) {
    ins->bind(9, cols).bind(10, sha);
  } else {
    ins->bind_null(9).bind_null(10);
  }
  if (auto r = ins->run(); !r) return r.error();
  const auto id = db.last_insert_id();
  db.mark_audit_head_stale();
  db.after_commit();  // writes the head now when no transaction is open
  return id;
}

Result<std::string> load_station_key(const std::filesystem::path& file) {
  struct stat sb {};
  if (::stat(file.c_str(), &sb) != 0) {
    return make_errorf("station_key", "{}: cannot read the station key: {}", file.string(),
                       errno_text());
  }
  if ((sb.st_mode & 077) != 0) {
    return make_errorf("station_key",
                       "{}: the station key is readable by other users; make it private with "
                       "`chmod 600 {}` (and consider it disclosed: docs/security.md)",
                       file.string(), file.string());
  }
  std::ifstream in(file);
  std::string hex;
  in >> hex;
  if (hex.size() != 64 || hex.find_first_not_of("0123456789abcdef") != std::string::npos) {
    return make_errorf("station_key",
                       "{}: not a station key (64 lowercase hex digits expected); restore it "
                       "from its backup",
                       file.string());
  }
  std::string key;
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    key.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  }
  return key;
}

Result<std::string> create_station_key(const std::filesystem::path& file) {
  std::string key(32, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(key.data()), static_cast<int>(key.size())) != 1) {
    return make_error("station_key", "OpenSSL could not generate a random station key");
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned char c : key) {
    hex.push_back(kHex[c >> 4]);
    hex.push_back(kHex[c & 0xF]);
  }
  if (auto r = write_private_file(file, hex + "\n", /*exclusive=*/true); !r) return r.error();
  fsync_dir(file);
  return key;
}

std::string station_key_id(std::string_view key) {
  return hmac_sha256_hex(key, "odyospiro-station-key-id").substr(0, 16);
}

Result<void> write_audit_head_to(Database& db, const std::filesystem::path& head_file) {
  if (!db.station_key()) return key_missing(db);
  // The key file never moves: its lock orders concurrent head writers (each reads the newest
  // committed end while holding it, so the last writer leaves the newest head).
  const int lock = ::open(db.key_file().c_str(), O_RDONLY | O_CLOEXEC);
  if (lock >= 0) (void)::flock(lock, LOCK_EX);
  const auto unlock = [&] {
    if (lock >= 0) ::close(lock);
  };
  auto last = last_audit_row(db);
  if (!last) {
    unlock();
    return last.error();
  }
  const std::int64_t rows = *last ? (*last)->first : 0;
  const std::string hash = *last ? (*last)->second : std::string(kAuditGenesisHash);
  std::ostringstream o;
  o << "odyospiro audit head v1\nrows=" << rows << "\nlast_hash=" << hash
    << "\nmac=" << head_mac(*db.station_key(), rows, hash) << "\n";
  const auto tmp = std::filesystem::path(head_file.string() + ".tmp");
  auto w = write_private_file(tmp, o.str(), /*exclusive=*/false);
  if (w && ::rename(tmp.c_str(), head_file.c_str()) != 0) {
    w = make_errorf("file_write", "{}: cannot replace: {}", head_file.string(), errno_text());
  }
  if (w) fsync_dir(head_file);
  unlock();
  if (!w) {
    return make_errorf("audit_head", "cannot update the audit head file: {}", w.error());
  }
  return {};
}

Result<void> write_audit_head(Database& db) {
  return write_audit_head_to(db, db.head_file());
}

Result<std::optional<AuditHead>> read_audit_head(const std::filesystem::path& file) {
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) return std::optional<AuditHead>{};
  std::ifstream in(file);
  if (!in) return make_errorf("audit_head", "{}: cannot read the audit head file", file.string());
  std::string line;
  AuditHead h;
  bool magic = false;
  bool rows = false;
  while (std::getline(in, line)) {
    if (line == "odyospiro audit head v1") {
      magic = true;
    } else if (line.rfind("rows=", 0) == 0) {
      try {
        h.rows = std::stoll(line.substr(5));
        rows = true;
      } catch (const std::exception&) {
        rows = false;
      }
    } else if (line.rfind("last_hash=", 0) == 0) {
      h.last_hash = line.substr(10);
    } else if (line.rfind("mac=", 0) == 0) {
      h.mac = line.substr(4);
    }
  }
  if (!magic || !rows || h.last_hash.empty() || h.mac.empty()) {
    return make_errorf("audit_head", "{}: not an odyospiro audit head file", file.string());
  }
  return std::optional<AuditHead>{h};
}

Result<void> key_the_audit_chain(Database& db) {
  if (!db.station_key()) {
    auto key = create_station_key(db.key_file());
    if (!key) return key.error();
    db.set_station_key(std::move(key.value()));
  }
  auto last = last_audit_row(db);
  if (!last) return last.error();
  const std::int64_t legacy_rows = *last ? (*last)->first : 0;
  nlohmann::json details{
      {"key_id", station_key_id(*db.station_key())},
      {"key_file", db.key_file().filename().string()},
      {"legacy_rows", legacy_rows},
      {"note", legacy_rows == 0
                   ? "new database: every audit row from here on is keyed (HMAC-SHA256)"
                   : "schema 5: the chain is keyed from this row on (HMAC-SHA256); rows before it "
                     "keep their plain SHA-256, and every record already stored is bound below"}};
  if (auto r =
          audit_append(db, {"system", kKeyedAction, "audit_log", std::nullopt, details.dump()});
      !r) {
    return r.error();
  }
  return bind_unbound_records(db);
}

Result<void> bind_unbound_records(Database& db) {
  for (std::string_view table : kBoundTables) {
    if (!has_table(db, table)) continue;
    std::vector<std::int64_t> ids;
    {
      const std::string t(table);
      auto st =
          db.prepare("SELECT id FROM " + t +
                     " WHERE id NOT IN (SELECT entity_id FROM audit_log WHERE entity = '" + t +
                     "' AND row_sha256 IS NOT NULL AND entity_id IS NOT NULL) ORDER BY id");
      if (!st) return st.error();
      for (;;) {
        auto r = st->step();
        if (!r) return r.error();
        if (!*r) break;
        ids.push_back(st->int64(0));
      }
    }
    for (auto id : ids) {
      if (auto r = audit_append(db, {"system", "record.bind", std::string(table), id, "{}"}); !r)
        return r.error();
    }
  }
  return {};
}

std::vector<Error> verify_database_errors(Database& db) {
  std::vector<Error> problems;
  const auto check = [&](const std::string& sql, auto&& on_row) {
    auto st = db.prepare(sql);
    if (!st) {
      problems.push_back(st.error());
      return;
    }
    for (;;) {
      auto r = st->step();
      if (!r) {
        problems.push_back(r.error());
        return;
      }
      if (!*r) return;
      on_row(*st);
    }
  };
  check("PRAGMA integrity_check", [&](Statement& s) {
    if (s.text(0) != "ok")
      problems.push_back(make_errorf({}, "SQLite integrity_check: {}", s.text(0)));
  });
  check("PRAGMA foreign_key_check", [&](Statement& s) {
    problems.push_back(make_errorf({}, "foreign key broken: table {} row {} refers to missing {}",
                                   s.text(0), s.text(1), s.text(2)));
  });
  check("SELECT version, sql_sha256 FROM schema_migrations ORDER BY version", [&](Statement& s) {
    const auto v = static_cast<int>(s.int64(0));
    for (const auto& m : all_migrations()) {
      if (m.version == v && sha256_hex(m.sql) != s.text(1)) {
        problems.push_back(
            make_errorf({}, "schema migration {} recorded with a different SQL text", v));
      }
    }
  });

  // --- The chain: plain SHA-256 before the keyed anchor, HMAC from it on. ---
  const bool keyed_schema = has_column(db, "audit_log", "row_sha256");
  std::optional<std::int64_t> anchor;
  std::string anchor_key_id;
  if (keyed_schema) {
    check("SELECT id, details FROM audit_log WHERE action = 'audit.keyed' ORDER BY id LIMIT 1",
          [&](Statement& s) {
            anchor = s.int64(0);
            const auto d = nlohmann::json::parse(s.text(1), nullptr, false);
            if (d.is_object() && d.contains("key_id") && d["key_id"].is_string())
              anchor_key_id = d["key_id"].get<std::string>();
          });
    if (!anchor) {
      problems.push_back(
          make_error({},
                     "audit log: no keyed anchor row (audit.keyed): the chain was rebuilt or "
                     "truncated behind the station's back"));
    }
  }
  const auto& key = db.station_key();
  bool key_ok = false;
  if (keyed_schema) {
    if (!key) {
      problems.push_back(key_missing(db));
    } else if (anchor && station_key_id(*key) != anchor_key_id) {
      problems.push_back(make_errorf({},
                                     "{}: this station key (id {}) is not the key the audit chain "
                                     "was made with (id {}); restore the right key file from its "
                                     "backup",
                                     db.key_file().string(), station_key_id(*key), anchor_key_id));
    } else {
      key_ok = anchor.has_value();
    }
  }

  std::optional<AuditHead> head;
  if (keyed_schema) {
    auto h = read_audit_head(db.head_file());
    if (!h) {
      problems.push_back(h.error());
    } else if (!*h) {
      problems.push_back(make_errorf({},
                                     "{}: the audit head file is missing, so a cut at the end of "
                                     "the audit log cannot be ruled out (it is written after every "
                                     "commit; restore it from the backup it was made with)",
                                     db.head_file().string()));
    } else {
      head = *h;
      if (key_ok && head_mac(*key, head->rows, head->last_hash) != head->mac) {
        problems.push_back(
            make_errorf({}, "{}: the audit head file's MAC does not match its content (edited)",
                        db.head_file().string()));
      }
    }
  }

  struct Binding {
    std::int64_t audit_id;
    std::string columns;
    std::string sha256;
  };
  std::map<std::string, std::unordered_map<std::int64_t, Binding>, std::less<>> bindings;
  std::string prev = kAuditGenesisHash;
  std::int64_t last_id = 0;
  std::optional<std::string> hash_at_head;
  const std::string chain_sql =
      std::string("SELECT id, at, actor, action, entity, entity_id, details, prev_hash, hash") +
      (keyed_schema ? ", row_columns, row_sha256" : "") + " FROM audit_log ORDER BY id";
  check(chain_sql, [&](Statement& s) {
    AuditEntry e{s.text(2), s.text(3), s.text(4), s.opt_int64(5), s.text(6)};
    const std::int64_t row = s.int64(0);
    const std::int64_t id = row;
    const std::string hash = s.text(8);
    if (s.text(7) != prev) {
      problems.push_back(make_errorf({},
                                     "audit log row {}: previous-hash link broken (a row before it "
                                     "was changed, removed or inserted)",
                                     id));
    }
    const std::string cols = keyed_schema ? s.text(9) : std::string();
    const std::string sha = keyed_schema ? s.text(10) : std::string();
    if (anchor && row >= *anchor) {
      if (key_ok && audit_row_mac(*key, s.text(7), s.text(1), e, cols, sha) != hash) {
        problems.push_back(
            make_errorf({},
                        "audit log row {}: its keyed hash (HMAC) does not match: the "
                        "row was changed, or the chain was recomputed without the "
                        "station key",
                        id));
      }
    } else if (audit_row_hash(s.text(7), s.text(1), e) != hash) {
      problems.push_back(make_errorf(
          {}, "audit log row {}: content does not match its hash (row was changed)", id));
    }
    if (keyed_schema && !s.is_null(10) && e.entity_id && is_bound_table(e.entity)) {
      bindings[e.entity][*e.entity_id] = Binding{row, cols, sha};
    }
    if (head && row == head->rows) hash_at_head = hash;
    prev = hash;
    last_id = row;
  });
  if (head) {
    if (head->rows > last_id) {
      problems.push_back(
          make_errorf({},
                      "audit log row {}: missing: the head file {} says the log ends "
                      "at row {}, the database ends at row {} (rows were cut from "
                      "the end)",
                      head->rows, db.head_file().string(), head->rows, last_id));
    } else if (!hash_at_head || *hash_at_head != head->last_hash) {
      problems.push_back(make_errorf({},
                                     "audit log row {}: its hash differs from the one the head "
                                     "file {} recorded (the chain was rewritten)",
                                     head->rows, db.head_file().string()));
    }
  }

  // --- Every record bound, every binding's record present and unchanged. ---
  if (keyed_schema) {
    for (std::string_view table : kBoundTables) {
      if (!has_table(db, table)) continue;
      auto& bound = bindings[std::string(table)];
      const std::string t(table);
      std::map<std::string, std::pair<std::vector<std::string>, std::vector<int>>> layouts;
      std::unordered_map<std::string, int> col_index;
      int id_col = -1;
      int bytes_col = -1;
      int sha_col = -1;
      check("SELECT * FROM " + t + " ORDER BY id", [&](Statement& s) {
        if (id_col < 0) {
          for (int i = 0; i < s.column_count(); ++i) {
            col_index[s.column_name(i)] = i;
            if (s.column_name(i) == "id") id_col = i;
          }
          if (t == "recordings") {
            bytes_col = col_index.count("bytes") != 0u ? col_index["bytes"] : -1;
            sha_col = col_index.count("sha256") != 0u ? col_index["sha256"] : -1;
          }
        }
        const std::int64_t rid = s.int64(id_col);
        const Error name = make_errorf({}, "{} row {}", t, rid);
        if (bytes_col >= 0 && sha_col >= 0 &&
            sha256_hex(s.raw_bytes(bytes_col)) != s.text(sha_col)) {
          problems.push_back(make_errorf(
              {}, "{}: the raw bytes do not match their SHA-256 (changed after recording)", name));
        }
        auto it = bound.find(rid);
        if (it == bound.end()) {
          problems.push_back(make_errorf(
              {}, "{}: no audit entry binds this row (written behind the station's back)", name));
          return;
        }
        auto lay = layouts.find(it->second.columns);
        if (lay == layouts.end()) {
          std::vector<std::string> names = split_columns(it->second.columns);
          std::vector<int> idx;
          for (const auto& n : names) {
            auto c = col_index.find(n);
            idx.push_back(c == col_index.end() ? -1 : c->second);
          }
          lay = layouts.emplace(it->second.columns, std::make_pair(names, idx)).first;
        }
        const auto& [names, idx] = lay->second;
        if (std::find(idx.begin(), idx.end(), -1) != idx.end()) {
          problems.push_back(make_errorf(
              {},
              "{}: a column that audit log row {} bound no longer exists (the table was altered)",
              name, it->second.audit_id));
        } else if (canonical_digest(s, t, names, idx) != it->second.sha256) {
          problems.push_back(make_errorf({},
                                         "{}: its content differs from what audit log row {} bound "
                                         "(changed behind the station's back)",
                                         name, it->second.audit_id));
        }
        bound.erase(it);
      });
      std::vector<std::pair<std::int64_t, std::int64_t>> gone;
      for (const auto& [rid, b] : bound) gone.emplace_back(rid, b.audit_id);
      std::sort(gone.begin(), gone.end());
      for (const auto& [rid, aid] : gone) {
        problems.push_back(make_errorf({},
                                       "{} row {}: gone, but audit log row {} recorded it (deleted "
                                       "behind the station's back)",
                                       t, rid, aid));
      }
    }
  }

  check("SELECT id, payload, content_sha256 FROM results ORDER BY id", [&](Statement& s) {
    if (sha256_hex(s.raw_bytes(1)) != s.text(2)) {
      problems.push_back(
          make_errorf({}, "results row {}: content does not match its stored hash", s.int64(0)));
    }
  });
  check(
      "SELECT s.id, s.result_id, s.content_sha256, r.content_sha256 FROM signatures s "
      "JOIN results r ON r.id = s.result_id ORDER BY s.id",
      [&](Statement& s) {
        if (s.text(2) != s.text(3)) {
          problems.push_back(make_errorf(
              {},
              "signatures row {} on result {}: the result is no longer what the physician signed",
              s.int64(0), s.int64(1)));
        }
      });
  check(
      "SELECT r.id, r.content_sha256, (SELECT json_extract(a.details, '$.content_sha256') FROM "
      "audit_log a WHERE a.entity = 'results' AND a.entity_id = r.id AND a.action = 'result.add') "
      "FROM results r ORDER BY r.id",
      [&](Statement& s) {
        if (s.is_null(2)) {
          // Rows bound at migration 5 (record.bind) have no result.add entry in old databases.
          if (!keyed_schema) {
            problems.push_back(
                make_errorf({}, "results row {}: not recorded in the audit log", s.int64(0)));
          }
        } else if (s.text(1) != s.text(2)) {
          problems.push_back(make_errorf(
              {}, "results row {}: stored hash differs from the one the audit log recorded",
              s.int64(0)));
        }
      });
  return problems;
}

std::vector<std::string> verify_database(Database& db) {
  std::vector<std::string> out;
  for (const auto& e : verify_database_errors(db)) out.push_back(e.message);
  return out;
}

}  // namespace odyo::station
