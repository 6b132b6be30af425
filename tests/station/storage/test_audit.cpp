// The hash-chained audit log, result hashes and signatures: tampering behind the station's back
// is refused by triggers, and when the triggers are removed it is found by verify.
#include <gtest/gtest.h>

#include "station/records/exams.hpp"
#include "station/records/workers.hpp"
#include "station/storage/audit.hpp"
#include "station/storage/database.hpp"
#include "station/storage/hash.hpp"
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
      db, {"1001", "10000000146", "Ali", "Yılmaz", "1990-05-01", "M", 175, 80, "Kozlu", "K-101"},
      {"Kozlu"}, jobs, "2026-01-01", "tech");
  EXPECT_TRUE(w.ok());
  auto e = add_exam(
      db, {*w, "spirometry", "2026-01-01T09:00:00Z", "tech", "spiro-1", 21.0, 101.3, 40.0, ""},
      "tech");
  EXPECT_TRUE(e.ok());
  auto r = add_result(db, *e, R"({"fev1_l":3.1,"fvc_l":4.0})", "tech", "");
  EXPECT_TRUE(r.ok());
  s->result_id = *r;
  EXPECT_TRUE(sign_result(db, *r, "hekim").ok());
  return s;
}

}  // namespace

TEST(AuditLog, ChainIsIntactAfterNormalUse) {
  auto s = seed();
  EXPECT_TRUE(verify_database(*s->db).empty());
  auto st = s->db->prepare("SELECT count(*) FROM audit_log");
  ASSERT_TRUE(*st->step());
  EXPECT_EQ(st->int64(0), 5);  // user.add, worker.add, exam.add, result.add, result.sign
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
  ASSERT_TRUE(s->db->exec("DROP TRIGGER results_no_update").ok());
  ASSERT_TRUE(s->db->exec("UPDATE results SET payload='{\"fev1_l\":3.9,\"fvc_l\":4.0}'").ok());
  auto problems = verify_database(*s->db);
  ASSERT_FALSE(problems.empty());
  EXPECT_NE(problems[0].find("content does not match its stored hash"), std::string::npos);

  // A careful forger also rewrites the stored hash: the signature and the audit log still know.
  const std::string forged =
      odyo::station::sha256_hex(std::string("{\"fev1_l\":3.9,\"fvc_l\":4.0}"));
  ASSERT_TRUE(s->db->exec("UPDATE results SET content_sha256='" + forged + "'").ok());
  problems = verify_database(*s->db);
  ASSERT_EQ(problems.size(), 2u);
  EXPECT_NE(problems[0].find("no longer what the physician signed"), std::string::npos)
      << problems[0];
  EXPECT_NE(problems[1].find("differs from the one the audit log recorded"), std::string::npos)
      << problems[1];
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
