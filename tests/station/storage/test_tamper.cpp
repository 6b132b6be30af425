// Tamper evidence on a real database (issue 12, "Trust"): the demo pipeline builds it through
// the real command line (simulated spirometer, automated hearing test, evaluation, a physician's
// confirm), then each case changes a copy with plain SQLite — the station's triggers dropped, as
// someone with the file and the sqlite3 tool would — and `odyospiro db verify` must exit 3 and
// name the row.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <functional>
#include <string>

#include "station/storage/audit.hpp"
#include "station/storage/database.hpp"
#include "station/storage/hash.hpp"
#include "tests/station/support/station_fixture.hpp"

using odyo::test::run_command;
namespace fs = std::filesystem;

namespace {

// Plain SQLite, no station code: what a forger has.
class RawDb {
 public:
  explicit RawDb(const fs::path& file) { sqlite3_open(file.c_str(), &db_); }
  ~RawDb() { sqlite3_close(db_); }
  RawDb(const RawDb&) = delete;
  RawDb& operator=(const RawDb&) = delete;
  void exec(const std::string& sql) {
    char* msg = nullptr;
    const int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &msg);
    const std::string m = msg != nullptr ? msg : "";
    sqlite3_free(msg);
    ASSERT_EQ(rc, SQLITE_OK) << sql << ": " << m;
  }
  // The first column of the first row, as text ("" when there is none).
  std::string one(const std::string& sql) {
    sqlite3_stmt* st = nullptr;
    std::string out;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &st, nullptr) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0) != nullptr) {
      out = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
    }
    sqlite3_finalize(st);
    return out;
  }
  sqlite3* handle() { return db_; }

 private:
  sqlite3* db_ = nullptr;
};

void drop_all_triggers(RawDb& db) {
  sqlite3_stmt* st = nullptr;
  std::vector<std::string> names;
  sqlite3_prepare_v2(db.handle(), "SELECT name FROM sqlite_master WHERE type='trigger'", -1, &st,
                     nullptr);
  while (sqlite3_step(st) == SQLITE_ROW)
    names.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)));
  sqlite3_finalize(st);
  for (const auto& n : names) db.exec("DROP TRIGGER \"" + n + "\"");
}

// The demo database's own accounts (station/demo/demo.hpp): the physician and the admin.
std::string env() {
  return "ODYOSPIRO_PASSWORD=demo-parola-hekim ";
}
std::string admin() {
  return "ODYOSPIRO_PASSWORD=demo-parola-yonetici ";
}

class Tamper : public ::testing::Test {
 protected:
  // One demo database for the whole suite; every case works on its own copy.
  static void SetUpTestSuite() {
    base_ = new odyo::test::TempDir();
    const fs::path db = *base_ / "demo.db";
    const std::string exe = odyo::test::odyospiro(db);
    const std::string devsim = std::string(ODYO_BINARY_DIR) + "/tools/devsim/devsim";
    auto r = run_command(exe + " --lang en demo --devsim " + devsim);
    ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
    RawDb raw(db);
    const std::string auto_eval = raw.one(
        "SELECT id FROM evaluations WHERE kind='auto' AND health_group IS NOT NULL ORDER BY id "
        "DESC LIMIT 1");
    ASSERT_FALSE(auto_eval.empty());
    r = run_command(env() + exe + " --user hekim decision confirm " + auto_eval);
    ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
    r = run_command(admin() + exe + " --user yonetici db verify");
    ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  }
  static void TearDownTestSuite() {
    delete base_;
    base_ = nullptr;
  }

  void SetUp() override { fresh_copy(); }

  // The database, its station key and its head file, as the demo left them.
  void fresh_copy() {
    for (const char* suffix : {"", ".key", ".head"}) {
      const auto to = dir_ / (std::string("demo.db") + suffix);
      fs::remove(to);
      fs::copy_file(*base_ / (std::string("demo.db") + suffix), to);
    }
    fs::permissions(dir_ / "demo.db.key", fs::perms::owner_read | fs::perms::owner_write);
  }

  fs::path db() const { return dir_ / "demo.db"; }

  odyo::test::CommandResult verify() const {
    return run_command(admin() + odyo::test::odyospiro(db()) +
                       " --user yonetici --lang en db verify");
  }

  static odyo::test::TempDir* base_;
  odyo::test::TempDir dir_;
};
odyo::test::TempDir* Tamper::base_ = nullptr;

struct Case {
  const char* name;
  // Changes the database and returns the text `db verify` must print (names the row).
  std::function<std::string(RawDb&)> tamper;
};

const Case kCases[] = {
    {"delete the last audit row",
     [](RawDb& d) {
       const std::string last = d.one("SELECT max(id) FROM audit_log");
       d.exec("DELETE FROM audit_log WHERE id = " + last);
       return "audit log row " + last + ": missing";
     }},
    {"technician made physician",
     [](RawDb& d) {
       const std::string id = d.one("SELECT id FROM users WHERE role = 'technician' LIMIT 1");
       d.exec("UPDATE users SET role = 'physician' WHERE id = " + id);
       return "users row " + id + ": its content differs";
     }},
    {"forged signature row",
     [](RawDb& d) {
       d.exec(
           "INSERT INTO signatures(result_id, signer, signed_at, content_sha256) SELECT id, "
           "'hekim', '2026-12-01T10:00:00.000Z', content_sha256 FROM results ORDER BY id LIMIT 1");
       return "signatures row " + d.one("SELECT max(id) FROM signatures") +
              ": no audit entry binds this row";
     }},
    {"evaluation's health group changed to D",
     [](RawDb& d) {
       const std::string id =
           d.one("SELECT id FROM evaluations WHERE health_group IS NOT NULL ORDER BY id LIMIT 1");
       d.exec("UPDATE evaluations SET health_group = 'D' WHERE id = " + id);
       return "evaluations row " + id + ": its content differs";
     }},
    {"physician's confirm deleted",
     [](RawDb& d) {
       const std::string id = d.one("SELECT id FROM evaluations WHERE kind = 'confirm'");
       d.exec("DELETE FROM evaluations WHERE id = " + id);
       return "evaluations row " + id + ": gone";
     }},
    {"worker's birth date changed",
     [](RawDb& d) {
       d.exec("UPDATE workers SET birth_date = '1960-01-01' WHERE id = 1");
       return std::string("workers row 1: its content differs");
     }},
    {"worker's job changed",
     [](RawDb& d) {
       d.exec("UPDATE workers SET job_code = 'YU-BURO-01' WHERE id = 2");
       return std::string("workers row 2: its content differs");
     }},
    {"exam's date changed",
     [](RawDb& d) {
       d.exec("UPDATE exams SET started_at = '2020-01-01T09:00:00Z' WHERE id = 1");
       return std::string("exams row 1: its content differs");
     }},
    {"exam's technician changed",
     [](RawDb& d) {
       d.exec("UPDATE exams SET technician = 'hekim' WHERE id = 2");
       return std::string("exams row 2: its content differs");
     }},
    {"raw recording bytes zeroed",
     [](RawDb& d) {
       const std::string id = d.one("SELECT min(id) FROM recordings");
       d.exec("UPDATE recordings SET bytes = zeroblob(length(bytes)) WHERE id = " + id);
       return "recordings row " + id + ": the raw bytes do not match";
     }},
    {"baseline's exam changed",
     [](RawDb& d) {
       const std::string id = d.one("SELECT min(id) FROM audiometric_baselines");
       d.exec("UPDATE audiometric_baselines SET exam_id = 1 WHERE id = " + id);
       return "audiometric_baselines row " + id + ": its content differs";
     }},
    {"calibration check inserted behind the station's back",
     [](RawDb& d) {
       d.exec(
           "INSERT INTO calibration_checks(device_id, kind, performed_at, performed_by, measured, "
           "passed) VALUES ('spiro-sim', 'syringe-3l', '2026-12-01', 'teknisyen', '{}', 1)");
       return "calibration_checks row " + d.one("SELECT max(id) FROM calibration_checks") +
              ": no audit entry binds this row";
     }},
    {"whole spirometry exam deleted with its rows",
     [](RawDb& d) {
       const std::string id = d.one("SELECT id FROM exams WHERE kind = 'spirometry' LIMIT 1");
       d.exec("DELETE FROM signatures WHERE result_id IN (SELECT id FROM results WHERE exam_id = " +
              id + ")");
       d.exec("DELETE FROM evaluations WHERE exam_id = " + id);
       d.exec("DELETE FROM results WHERE exam_id = " + id);
       d.exec("DELETE FROM recordings WHERE exam_id = " + id);
       d.exec("DELETE FROM exams WHERE id = " + id);
       return "exams row " + id + ": gone";
     }},
};

TEST_F(Tamper, EachCaseIsFoundByDbVerifyNamingTheRow) {
  for (const Case& c : kCases) {
    SCOPED_TRACE(c.name);
    fresh_copy();
    std::string expected;
    {
      RawDb d(db());
      drop_all_triggers(d);
      expected = c.tamper(d);
      if (HasFatalFailure()) return;
    }
    const auto r = verify();
    EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
    EXPECT_NE(r.err.find(expected), std::string::npos) << "expected \"" << expected << "\" in:\n"
                                                       << r.err;
  }
}

// A result changed together with its stored hash, its audit row (details and binding) and then
// the whole chain recomputed with plain SHA-256, as the chain was before it had a key: without the
// station key the forger cannot make the keyed hashes, and the head file outside the database no
// longer matches.
TEST_F(Tamper, ResultRewrittenWithTheWholeChainRecomputedWithoutTheKey) {
  using namespace odyo::station;
  std::string result_id;
  std::string audit_id;
  {
    RawDb d(db());
    drop_all_triggers(d);
    result_id = d.one("SELECT min(id) FROM results");
    audit_id =
        d.one("SELECT id FROM audit_log WHERE action = 'result.add' AND entity_id = " + result_id);
    ASSERT_FALSE(audit_id.empty());
    const std::string payload = d.one("SELECT payload FROM results WHERE id = " + result_id);
    std::string forged = payload;
    const auto at = forged.find("\"fev1");
    ASSERT_NE(at, std::string::npos);
    forged.insert(at, "\"forged\":true,");
    const std::string hash = sha256_hex(forged);
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(d.handle(),
                       "UPDATE results SET payload = ?, content_sha256 = ? WHERE id = ?", -1, &st,
                       nullptr);
    sqlite3_bind_text(st, 1, forged.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, hash.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 3, std::stoll(result_id));
    ASSERT_EQ(sqlite3_step(st), SQLITE_DONE);
    sqlite3_finalize(st);
    d.exec("UPDATE audit_log SET details = json_set(details, '$.content_sha256', '" + hash +
           "') WHERE id = " + audit_id);
  }
  {
    // The forger knows the code: the row's new canonical digest, and every audit row's hash
    // recomputed in order with plain SHA-256.
    auto opened = Database::open(db(), OpenOptions{.create = false, .migrate = false});
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    auto digest = row_digest(**opened, "results", std::stoll(result_id));
    ASSERT_TRUE(digest.ok() && digest->has_value());
    RawDb d(db());
    d.exec("UPDATE audit_log SET row_sha256 = '" + (*digest)->sha256 + "' WHERE id = " + audit_id);
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(d.handle(),
                       "SELECT id, at, actor, action, entity, entity_id, details, row_columns, "
                       "row_sha256 FROM audit_log ORDER BY id",
                       -1, &st, nullptr);
    std::vector<std::pair<std::int64_t, std::string>> hashes;
    std::string prev = kAuditGenesisHash;
    const auto txt = [&](int c) {
      const auto* p = sqlite3_column_text(st, c);
      return p == nullptr ? std::string() : std::string(reinterpret_cast<const char*>(p));
    };
    while (sqlite3_step(st) == SQLITE_ROW) {
      std::string content = "odyospiro-audit-v2";
      for (int c : {-1, 1, 2, 3, 4, 5, 6, 7, 8}) {
        content += '\x1f';
        content += c < 0 ? prev : (c == 5 && txt(5).empty() ? std::string("null") : txt(c));
      }
      const std::string h = sha256_hex(content);  // the keyed layout, without the key
      hashes.emplace_back(sqlite3_column_int64(st, 0), h);
      prev = h;
    }
    sqlite3_finalize(st);
    d.exec("BEGIN");
    std::string p = kAuditGenesisHash;
    for (const auto& [id, h] : hashes) {
      d.exec("UPDATE audit_log SET prev_hash = '" + p + "', hash = '" + h +
             "' WHERE id = " + std::to_string(id));
      p = h;
    }
    d.exec("COMMIT");
  }
  const auto r = verify();
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_NE(r.err.find("audit log row " + audit_id + ": its keyed hash (HMAC) does not match"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("differs from the one the head file"), std::string::npos) << r.err;
}

// The untouched copy verifies clean: the cases above fail because of what they changed.
TEST_F(Tamper, UntouchedCopyVerifies) {
  const auto r = verify();
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
}

}  // namespace
