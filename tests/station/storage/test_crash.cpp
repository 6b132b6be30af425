// A writer killed with SIGKILL in the middle of a transaction: the database stays valid and every
// committed row is intact; the interrupted transaction leaves nothing behind.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "station/records/workers.hpp"
#include "station/storage/audit.hpp"
#include "station/storage/database.hpp"
#include "station/storage/users.hpp"
#include "tests/station/support/station_fixture.hpp"
#include "tests/station/support/tc_kimlik.hpp"

using namespace odyo::station;

TEST(Crash, TcStemHelperMatchesWorkedExample) {
  EXPECT_EQ(odyo::test::tc_from_stem(100000001), "10000000146");
}

TEST(Crash, SigkillMidTransactionKeepsCommittedData) {
  odyo::test::TempDir dir;
  const auto file = dir / "crash.db";
  { ASSERT_TRUE(Database::open(file).ok()); }
  int to_parent[2];
  ASSERT_EQ(::pipe(to_parent), 0);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    // Writer: commits one worker per transaction, then opens another transaction, inserts into
    // it and stalls there; reports each commit and the stall through the pipe.
    ::close(to_parent[0]);
    auto db = Database::open(file);
    if (!db) ::_exit(2);
    for (int i = 0;; ++i) {
      auto tx = Transaction::begin(**db);
      auto ins = (*db)->prepare(
          "INSERT INTO "
          "workers(registry_no,tc_kimlik,first_name,last_name,birth_date,sex,height_cm,weight_kg,"
          "establishment,job_code,work_group,created_at,created_by) VALUES "
          "(?,?,'A','B','1990-01-01','M',170,70,"
          "'Kozlu','K-101',1,'t','w')");
      ins->bind(1, "R" + std::to_string(i)).bind(2, odyo::test::tc_from_stem(100000001 + i));
      if (!ins->run()) ::_exit(3);
      if (!audit_append(**db, {"w", "worker.add", "workers", (*db)->last_insert_id(), "{}"}))
        ::_exit(4);
      if (i == 20) {
        const char stall = 'S';
        (void)::write(to_parent[1], &stall, 1);
        ::pause();  // killed here, inside the open transaction
      }
      if (!tx->commit()) ::_exit(5);
      const char c = 'C';
      (void)::write(to_parent[1], &c, 1);
    }
  }
  ::close(to_parent[1]);
  int commits = 0;
  char c = 0;
  while (::read(to_parent[0], &c, 1) == 1 && c == 'C') ++commits;
  ASSERT_EQ(c, 'S');
  ASSERT_EQ(::kill(child, SIGKILL), 0);
  int status = 0;
  ::waitpid(child, &status, 0);
  ::close(to_parent[0]);
  ASSERT_TRUE(WIFSIGNALED(status));
  EXPECT_EQ(commits, 20);

  auto db = Database::open(file);
  ASSERT_TRUE(db.ok()) << db.error().message;
  EXPECT_TRUE(verify_database(**db).empty());
  auto st = (*db)->prepare("SELECT count(*), min(registry_no), max(id) FROM workers");
  ASSERT_TRUE(*st->step());
  EXPECT_EQ(st->int64(0), 20);  // R0..R19 committed, R20 rolled back
  auto st2 = (*db)->prepare("SELECT count(*) FROM workers WHERE registry_no = 'R20'");
  ASSERT_TRUE(*st2->step());
  EXPECT_EQ(st2->int64(0), 0);
  auto au = (*db)->prepare("SELECT count(*) FROM audit_log");
  ASSERT_TRUE(*au->step());
  EXPECT_EQ(au->int64(0), 21);  // the keyed anchor (migration 5) and one row per worker

  // The command-line verifier agrees (run by an admin, as every database command is).
  ASSERT_TRUE(
      add_user(**db, {"admin", "Admin", "admin", "admin-parola-2026"}, 10, 10000, "test").ok());
  const auto r =
      odyo::test::run_command("ODYOSPIRO_PASSWORD=admin-parola-2026 " +
                              odyo::test::odyospiro(file) + " --user admin --lang en db verify");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("no problems"), std::string::npos) << r.out;
}
