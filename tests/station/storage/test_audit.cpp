// The hash-chained audit log, result hashes and signatures: tampering behind the station's back
// is refused by triggers, and when the triggers are removed it is found by verify.
#include <gtest/gtest.h>

#include "station/auth/signing.hpp"
#include "station/records/exams.hpp"
#include "station/records/workers.hpp"
#include "station/storage/audit.hpp"
#include "station/storage/database.hpp"
#include "station/storage/hash.hpp"
#include "station/storage/migrations.hpp"
#include "station/storage/users.hpp"
#include "tests/station/support/station_fixture.hpp"

using namespace odyo::station;

namespace {

struct Seeded {
  odyo::test::TempDir dir;
  std::unique_ptr<Database> db;
  std::int64_t result_id = 0;
};

std::unique_ptr<Seeded> seed() {
  auto s = std::make_unique<Seeded>();
  s->db = std::move(Database::open(s->dir / "a.db").value());
  Database& db = *s->db;
  EXPECT_TRUE(
      add_user(db, {"hekim", "Dr. Hekim", "physician", "correct-horse"}, 10, 10000, "admin").ok());
  std::vector<Job> jobs(1);
  jobs[0].code = "K-101";
  jobs[0].work_group = 1;
  auto w = add_worker(
      db,
      {"1001", "10000000146", "Ali", "Yılmaz", "1990-05-01", "M", 175, 80, "Kozlu", "K-101", ""},
      {"Kozlu"}, jobs, "2026-01-01", "tech");
  EXPECT_TRUE(w.ok());
  auto e = add_exam(
      db, {*w, "spirometry", "2026-01-01T09:00:00Z", "tech", "spiro-1", 21.0, 101.3, 40.0, ""},
      "tech");
  EXPECT_TRUE(e.ok());
  auto r = add_result(db, *e, R"({"fev1_l":3.1,"fvc_l":4.0})", "tech", "");
  EXPECT_TRUE(r.ok());
  s->result_id = *r;
  // Signed the way `exam sign` signs: the physician's Ed25519 key opened by the password.
  auto hekim = find_user(db, "hekim");
  EXPECT_TRUE(hekim.ok());
  if (hekim.ok()) {
    EXPECT_TRUE(sign_exam_result(db, *hekim, "correct-horse", *e, 10000).ok());
  }
  return s;
}

}  // namespace

TEST(AuditLog, ChainIsIntactAfterNormalUse) {
  auto s = seed();
  EXPECT_TRUE(verify_database(*s->db).empty());
  // One audit row per change, in order: the keyed anchor (migration 5), the account and its first
  // version, the worker, the exam, the result, the physician's new signing key, the signature.
  auto st = s->db->prepare(
      "SELECT group_concat(action, ' ') FROM (SELECT action FROM audit_log "
      "ORDER BY id)");
  ASSERT_TRUE(*st->step());
  EXPECT_EQ(st->text(0),
            "audit.keyed user.add user.create worker.add exam.add result.add user.key result.sign");
}

TEST(AuditLog, RowHashCoversEveryField) {
  AuditEntry e{"a", "b", "c", 7, "{}"};
  const auto h = audit_row_hash(kAuditGenesisHash, "t", e);
  for (int field = 0; field < 5; ++field) {
    AuditEntry f = e;
    switch (field) {
      case 0:
        f.actor = "x";
        break;
      case 1:
        f.action = "x";
        break;
      case 2:
        f.entity = "x";
        break;
      case 3:
        f.entity_id = 8;
        break;
      default:
        f.details_json = "{ }";
        break;
    }
    EXPECT_NE(audit_row_hash(kAuditGenesisHash, "t", f), h) << field;
  }
  EXPECT_NE(audit_row_hash(kAuditGenesisHash, "u", e), h);
  EXPECT_NE(audit_row_hash(std::string(64, '1'), "t", e), h);
}

TEST(AuditLog, TriggersRefuseUpdateAndDelete) {
  auto s = seed();
  EXPECT_FALSE(s->db->exec("UPDATE audit_log SET actor='mallory' WHERE id=2").ok());
  EXPECT_FALSE(s->db->exec("DELETE FROM audit_log WHERE id=2").ok());
  EXPECT_FALSE(s->db->exec("UPDATE results SET payload='{}'").ok());
  EXPECT_FALSE(s->db->exec("DELETE FROM results").ok());
  EXPECT_TRUE(verify_database(*s->db).empty());
}

TEST(AuditLog, ChangedRowIsFoundWhenTriggersAreDropped) {
  auto s = seed();
  ASSERT_TRUE(s->db->exec("DROP TRIGGER audit_log_no_update").ok());
  ASSERT_TRUE(s->db->exec("UPDATE audit_log SET actor='mallory' WHERE id=2").ok());
  const auto problems = verify_database(*s->db);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].find("audit log row 2"), std::string::npos) << problems[0];
}

TEST(AuditLog, RemovedRowBreaksTheChain) {
  auto s = seed();
  ASSERT_TRUE(s->db->exec("DROP TRIGGER audit_log_no_delete").ok());
  ASSERT_TRUE(s->db->exec("DELETE FROM audit_log WHERE id=3").ok());
  const auto problems = verify_database(*s->db);
  ASSERT_FALSE(problems.empty());
  EXPECT_NE(problems[0].find("audit log row 4: previous-hash link broken"), std::string::npos)
      << problems[0];
}

TEST(AuditLog, ChangedSignedResultIsFound) {
  auto s = seed();
  const auto has = [](const std::vector<std::string>& problems, const std::string& text) {
    for (const auto& p : problems)
      if (p.find(text) != std::string::npos) return true;
    return false;
  };
  ASSERT_TRUE(s->db->exec("DROP TRIGGER results_no_update").ok());
  ASSERT_TRUE(s->db->exec("UPDATE results SET payload='{\"fev1_l\":3.9,\"fvc_l\":4.0}'").ok());
  auto problems = verify_database(*s->db);
  EXPECT_TRUE(has(problems, "results row 1: content does not match its stored hash"));
  EXPECT_TRUE(has(problems, "results row 1: its content differs from what audit log row"));

  // A careful forger also rewrites the stored hash: the binding, the signature and the audit
  // log's details still know.
  const std::string forged =
      odyo::station::sha256_hex(std::string("{\"fev1_l\":3.9,\"fvc_l\":4.0}"));
  ASSERT_TRUE(s->db->exec("UPDATE results SET content_sha256='" + forged + "'").ok());
  problems = verify_database(*s->db);
  ASSERT_EQ(problems.size(), 3u);
  EXPECT_TRUE(has(problems, "results row 1: its content differs from what audit log row"));
  EXPECT_TRUE(has(problems, "no longer what the physician signed"));
  EXPECT_TRUE(has(problems, "differs from the one the audit log recorded"));
}

TEST(AuditLog, KeyAndHeadLiveOutsideTheDatabaseAndArePrivate) {
  auto s = seed();
  namespace fs = std::filesystem;
  for (const char* f : {"a.db.key", "a.db.head"}) {
    ASSERT_TRUE(fs::exists(s->dir / f)) << f;
    EXPECT_EQ(fs::status(s->dir / f).permissions(), fs::perms::owner_read | fs::perms::owner_write)
        << f;
  }
  auto head = read_audit_head(s->dir / "a.db.head");
  ASSERT_TRUE(head.ok() && head->has_value());
  // Updated by the last commit: the newest audit row and its hash.
  auto st = s->db->prepare("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1");
  ASSERT_TRUE(*st->step());
  EXPECT_EQ((*head)->rows, st->int64(0));
  EXPECT_EQ((*head)->last_hash, st->text(1));
}

TEST(AuditLog, AKeyOthersCanReadIsRefused) {
  odyo::test::TempDir dir;
  { ASSERT_TRUE(Database::open(dir / "k.db").ok()); }
  std::filesystem::permissions(dir / "k.db.key", std::filesystem::perms::group_read,
                               std::filesystem::perm_options::add);
  auto db = Database::open(dir / "k.db");
  ASSERT_FALSE(db.ok());
  EXPECT_NE(db.error().message.find("chmod 600"), std::string::npos) << db.error().message;
}

TEST(AuditLog, AMissingOrWrongKeyIsReported) {
  auto s = seed();
  namespace fs = std::filesystem;
  s->db.reset();
  fs::rename(s->dir / "a.db.key", s->dir / "saved.key");
  {
    auto db = Database::open(s->dir / "a.db");
    ASSERT_TRUE(db.ok());
    const auto problems = verify_database(**db);
    ASSERT_FALSE(problems.empty());
    EXPECT_NE(problems[0].find("station key is missing"), std::string::npos) << problems[0];
    // Nothing can be appended without it.
    auto r = add_user(**db, {"yeni", "Yeni Teknisyen", "technician", "long-enough-pw"}, 10, 10000,
                      "admin");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, "station_key_missing");
  }
  ASSERT_TRUE(create_station_key(s->dir / "a.db.key").ok());  // a different key
  auto db = Database::open(s->dir / "a.db");
  ASSERT_TRUE(db.ok());
  const auto problems = verify_database(**db);
  ASSERT_FALSE(problems.empty());
  EXPECT_NE(problems[0].find("is not the key the audit chain was made with"), std::string::npos)
      << problems[0];
}

// A database made before migration 5 (plain SHA-256 chain, no key) is keyed when migrated: the
// key is created, an anchor row says so, every stored record is bound, and verify is clean.
TEST(AuditLog, OlderDatabaseIsKeyedAndItsRecordsBoundByTheMigration) {
  odyo::test::TempDir dir;
  const auto file = dir / "old.db";
  {
    auto db = Database::open(file, OpenOptions{.create = true, .migrate = false});
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(migrate(**db, 4).ok());
    // What the v4 station wrote: a worker and its plain-SHA-256 audit row.
    ASSERT_TRUE((*db)
                    ->exec("INSERT INTO workers VALUES (1,'1001','10000000146','Ali','Yılmaz',"
                           "'1990-05-01','M',175,80,'Kozlu','K-101',1,'2026-01-01','tech')")
                    .ok());
    AuditEntry e{"tech", "worker.add", "workers", 1, "{}"};
    const std::string at = "2026-01-01T00:00:00.000Z";
    auto ins = (*db)->prepare(
        "INSERT INTO audit_log(at,actor,action,entity,entity_id,details,prev_hash,hash) VALUES "
        "(?,?,?,?,?,?,?,?)");
    ins->bind(1, at).bind(2, e.actor).bind(3, e.action).bind(4, e.entity).bind(5, e.entity_id);
    ins->bind(6, e.details_json)
        .bind(7, kAuditGenesisHash)
        .bind(8, audit_row_hash(kAuditGenesisHash, at, e));
    ASSERT_TRUE(ins->run().ok());
  }
  EXPECT_FALSE(std::filesystem::exists(dir / "old.db.key"));
  auto db = Database::open(file);
  ASSERT_TRUE(db.ok()) << db.error().message;
  EXPECT_TRUE(std::filesystem::exists(dir / "old.db.key"));
  EXPECT_TRUE(verify_database(**db).empty());
  auto st = (*db)->prepare("SELECT action, entity, entity_id FROM audit_log ORDER BY id");
  std::vector<std::string> rows;
  while (*st->step()) rows.push_back(st->text(0) + " " + st->text(1) + " " + st->text(2));
  EXPECT_EQ(rows, (std::vector<std::string>{"worker.add workers 1", "audit.keyed audit_log ",
                                            "record.bind workers 1"}));
  // The legacy row is still checked with plain SHA-256, and the anchor covers it.
  ASSERT_TRUE((*db)->exec("DROP TRIGGER audit_log_no_update").ok());
  ASSERT_TRUE((*db)->exec("UPDATE audit_log SET actor='mallory' WHERE id=1").ok());
  const auto problems = verify_database(**db);
  ASSERT_FALSE(problems.empty());
  EXPECT_NE(problems[0].find("audit log row 1: content does not match its hash"), std::string::npos)
      << problems[0];
}

TEST(Results, CorrectionIsANewVersionWithAReason) {
  auto s = seed();
  auto exam = get_exam(*s->db, 1);
  ASSERT_TRUE(exam.ok());
  auto no_reason = add_result(*s->db, 1, R"({"fev1_l":3.2})", "tech", "");
  ASSERT_FALSE(no_reason.ok());
  EXPECT_NE(no_reason.error().message.find("needs a reason"), std::string::npos);
  auto v2 = add_result(*s->db, 1, R"({"fev1_l":3.2})", "tech", "BTPS factor was wrong");
  ASSERT_TRUE(v2.ok());
  auto all = list_results(*s->db, 1);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].version, 1);
  EXPECT_EQ((*all)[0].payload_json, R"({"fev1_l":3.1,"fvc_l":4.0})");  // untouched
  EXPECT_EQ((*all)[0].signed_by.size(), 1u);
  EXPECT_EQ((*all)[1].version, 2);
  EXPECT_EQ((*all)[1].supersedes_id, (*all)[0].id);
  EXPECT_EQ((*all)[1].reason, "BTPS factor was wrong");
  EXPECT_TRUE((*all)[1].signed_by.empty());
  EXPECT_TRUE(verify_database(*s->db).empty());
}

TEST(Results, OnlyAPhysicianSigns) {
  auto s = seed();
  ASSERT_TRUE(
      add_user(*s->db, {"teknik", "Teknisyen", "technician", "another-pass"}, 10, 10000, "admin")
          .ok());
  auto r = sign_result(*s->db, s->result_id, "teknik");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "not_allowed");
}

TEST(Users, PasswordsAreSaltedKdfHashes) {
  const auto a = hash_password("correct-horse", 10000);
  const auto b = hash_password("correct-horse", 10000);
  EXPECT_NE(a, b);  // random salt
  EXPECT_EQ(a.rfind("pbkdf2-sha256$10000$", 0), 0u);
  EXPECT_TRUE(check_password("correct-horse", a));
  EXPECT_FALSE(check_password("correct-hors", a));
  EXPECT_FALSE(check_password("correct-horse", "plain"));
}

TEST(Users, BadInputIsRefused) {
  odyo::test::TempDir dir;
  auto db = std::move(Database::open(dir / "u.db").value());
  EXPECT_EQ(
      add_user(*db, {"Bad Name", "X", "physician", "long-enough-pw"}, 10, 10000, "a").error().code,
      "user_invalid");
  EXPECT_EQ(add_user(*db, {"ok", "X", "nurse", "long-enough-pw"}, 10, 10000, "a").error().code,
            "user_invalid");
  EXPECT_EQ(add_user(*db, {"ok", "X", "physician", "short"}, 10, 10000, "a").error().code,
            "user_invalid");
  ASSERT_TRUE(add_user(*db, {"ok", "X", "physician", "long-enough-pw"}, 10, 10000, "a").ok());
  EXPECT_EQ(add_user(*db, {"ok", "Y", "admin", "long-enough-pw"}, 10, 10000, "a").error().code,
            "user_exists");
  EXPECT_TRUE(authenticate(*db, "ok", "long-enough-pw").ok());
  EXPECT_FALSE(authenticate(*db, "ok", "wrong-password").ok());
  EXPECT_FALSE(authenticate(*db, "nobody", "long-enough-pw").ok());
}
