// Exactly once under kill -9 (issue 16): `odyospiro export send --until-empty` is killed with
// SIGKILL at a random moment, again and again, while the physician keeps signing exams; then one
// run finishes. Every signed exam must be in the central PostgreSQL exactly once, every outbox
// row delivered, and the station database must verify. The number of trials is
// $ODYO_KILL_TRIALS (default 40, to stay within a minute on CI); the seed is printed. The kill
// comes at a uniform moment within the time a whole run took (measured first, unkilled).
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <random>
#include <thread>

#include "station/storage/audit.hpp"
#include "tests/station/export/outbox_cli_station.hpp"
#include "tests/station/support/pg_server.hpp"

using odyo::test::OutboxCliStation;
using odyo::test::PgServer;
using odyo::test::run_command;

namespace {

std::string pgq(const PgServer& pg, const std::string& sql) {
  auto r = pg.psql(sql);
  EXPECT_EQ(r.exit_code, 0) << sql << ": " << r.err;
  while (!r.out.empty() && r.out.back() == '\n') r.out.pop_back();
  return r.out;
}

// Starts `cmd` (`VAR=value program args`; through exec and env, so the pid is the program's),
// its output discarded.
pid_t spawn(const std::string& cmd) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    const std::string full = "exec env " + cmd + " >/dev/null 2>&1";  // env execs: same pid
    ::execl("/bin/sh", "sh", "-c", full.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  return pid;
}

}  // namespace

TEST(OutboxKill, EverySignedExamArrivesExactlyOnceAcrossKills) {
  int trials = 40;
  if (const char* t = std::getenv("ODYO_KILL_TRIALS")) trials = std::max(1, std::atoi(t));
  const unsigned seed = std::random_device{}();
  std::mt19937 rng(seed);
  std::cout << "kill trials: " << trials << ", seed " << seed << "\n";
  const int per_trial = 3;

  PgServer pg;
  OutboxCliStation st(0, pg.url());
  const auto worker = st.count("SELECT id FROM workers LIMIT 1");
  const std::string send =
      st.as("hekim") + " export send --until-empty --timeout 20 --batch-size 1";
  // How long one run takes here (start, login, connect, deliver a trial's exams, record).
  for (int k = 0; k < per_trial; ++k) ASSERT_TRUE(st.sign(st.add_exam_with_result(worker)).ok());
  const auto t0 = std::chrono::steady_clock::now();
  ASSERT_EQ(run_command(send).exit_code, 0);
  const auto run_ms = std::max<long>(50, std::chrono::duration_cast<std::chrono::milliseconds>(
                                             std::chrono::steady_clock::now() - t0)
                                             .count());
  std::cout << "one run: " << run_ms << " ms\n";
  int killed_running = 0;
  for (int t = 0; t < trials; ++t) {
    for (int k = 0; k < per_trial; ++k) {
      const auto e = st.add_exam_with_result(worker);
      auto s = st.sign(e);
      ASSERT_TRUE(s.ok()) << s.error().message;
    }
    const pid_t pid = spawn(send);
    ASSERT_GT(pid, 0);
    std::uniform_int_distribution<long> ms(0, run_ms);
    std::this_thread::sleep_for(std::chrono::milliseconds(ms(rng)));
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG) == 0) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      ++killed_running;
    } else {
      EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "trial " << t << ": " << status;
    }
  }
  std::cout << "killed while running: " << killed_running << " of " << trials << "\n";
  // One run to the end.
  const auto r = run_command(send);
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  const auto n = st.exams.size();
  EXPECT_EQ(pgq(pg, "SELECT count(*) FROM odyospiro.exam_result"), std::to_string(n));
  EXPECT_EQ(pgq(pg,
                "SELECT count(DISTINCT (station_id, exam_id, result_version)) FROM "
                "odyospiro.exam_result"),
            std::to_string(n));
  // Items arrived with their exam, once: each exam has the same number of item rows.
  EXPECT_EQ(pgq(pg,
                "SELECT count(DISTINCT c) FROM (SELECT count(*) AS c FROM "
                "odyospiro.result_item GROUP BY exam_id) x"),
            "1");
  EXPECT_EQ(st.count("SELECT count(*) FROM outbox"), static_cast<std::int64_t>(n));
  auto status = odyo::station::outbox_status(*st.db, &st.out);
  ASSERT_TRUE(status.ok());
  EXPECT_EQ(status->destinations[0].delivered, static_cast<int>(n));
  EXPECT_EQ(status->destinations[0].pending, 0);
  EXPECT_EQ(status->destinations[0].rejected, 0);
  EXPECT_TRUE(odyo::station::verify_database(*st.db).empty());
  // Kills must land while a run was at work, or the test proves little.
  EXPECT_GE(killed_running, trials / 4);
}
