#include "station/storage/audit.hpp"

#include "station/storage/database.hpp"
#include "station/storage/hash.hpp"
#include "station/storage/migrations.hpp"

namespace odyo::station {

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

Result<std::int64_t> audit_append(Database& db, const AuditEntry& entry) {
  auto last = db.prepare("SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1");
  if (!last) return last.error();
  auto has = last->step();
  if (!has) return has.error();
  const std::string prev = *has ? last->text(0) : std::string(kAuditGenesisHash);
  const std::string at = utc_now_iso();
  auto ins = db.prepare(
      "INSERT INTO audit_log(at,actor,action,entity,entity_id,details,prev_hash,hash) VALUES "
      "(?,?,?,?,?,?,?,?)");
  if (!ins) return ins.error();
  ins->bind(1, at)
      .bind(2, entry.actor)
      .bind(3, entry.action)
      .bind(4, entry.entity)
      .bind(5, entry.entity_id);
  ins->bind(6, entry.details_json).bind(7, prev).bind(8, audit_row_hash(prev, at, entry));
  if (auto r = ins->run(); !r) return r.error();
  return db.last_insert_id();
}

std::vector<std::string> verify_database(Database& db) {
  std::vector<std::string> problems;
  const auto check = [&](const char* sql, auto&& on_row) {
    auto st = db.prepare(sql);
    if (!st) {
      problems.push_back(st.error().message);
      return;
    }
    for (;;) {
      auto r = st->step();
      if (!r) {
        problems.push_back(r.error().message);
        return;
      }
      if (!*r) return;
      on_row(*st);
    }
  };
  check("PRAGMA integrity_check", [&](Statement& s) {
    if (s.text(0) != "ok") problems.push_back("SQLite integrity_check: " + s.text(0));
  });
  check("PRAGMA foreign_key_check", [&](Statement& s) {
    problems.push_back("foreign key broken: table " + s.text(0) + " row " + s.text(1) +
                       " refers to missing " + s.text(2));
  });
  check("SELECT version, sql_sha256 FROM schema_migrations ORDER BY version", [&](Statement& s) {
    const auto v = static_cast<int>(s.int64(0));
    for (const auto& m : all_migrations()) {
      if (m.version == v && sha256_hex(m.sql) != s.text(1)) {
        problems.push_back("schema migration " + std::to_string(v) +
                           " recorded with a different SQL text");
      }
    }
  });
  std::string prev = kAuditGenesisHash;
  check(
      "SELECT id, at, actor, action, entity, entity_id, details, prev_hash, hash FROM audit_log "
      "ORDER BY id",
      [&](Statement& s) {
        AuditEntry e{s.text(2), s.text(3), s.text(4), s.opt_int64(5), s.text(6)};
        const std::string id = std::to_string(s.int64(0));
        if (s.text(7) != prev) {
          problems.push_back("audit log row " + id +
                             ": previous-hash link broken (a row before it was changed, "
                             "removed or inserted)");
        }
        if (audit_row_hash(s.text(7), s.text(1), e) != s.text(8)) {
          problems.push_back("audit log row " + id +
                             ": content does not match its hash (row was changed)");
        }
        prev = s.text(8);
      });
  check("SELECT id, payload, content_sha256 FROM results ORDER BY id", [&](Statement& s) {
    if (sha256_hex(s.text(1)) != s.text(2)) {
      problems.push_back("result " + std::to_string(s.int64(0)) +
                         ": content does not match its stored hash");
    }
  });
  check(
      "SELECT s.id, s.result_id, s.content_sha256, r.content_sha256 FROM signatures s "
      "JOIN results r ON r.id = s.result_id ORDER BY s.id",
      [&](Statement& s) {
        if (s.text(2) != s.text(3)) {
          problems.push_back("signature " + std::to_string(s.int64(0)) + " on result " +
                             std::to_string(s.int64(1)) +
                             ": the result is no longer what the physician signed");
        }
      });
  check(
      "SELECT r.id, r.content_sha256, (SELECT json_extract(a.details, '$.content_sha256') FROM "
      "audit_log a "
      "WHERE a.entity = 'results' AND a.entity_id = r.id AND a.action = 'result.add') FROM results "
      "r ORDER BY r.id",
      [&](Statement& s) {
        if (s.is_null(2)) {
          problems.push_back("result " + std::to_string(s.int64(0)) +
                             ": not recorded in the audit log");
        } else if (s.text(1) != s.text(2)) {
          problems.push_back("result " + std::to_string(s.int64(0)) +
                             ": stored hash differs from the one the audit log recorded");
        }
      });
  return problems;
}

}  // namespace odyo::station
