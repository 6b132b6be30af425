// `odyospiro export status|send|retry` through the built program against a private PostgreSQL
// 15: the status per destination (text and --json), a send that delivers, a rejection shown and
// resent by the admin after the fix, `exam sign` writing the outbox row, and the roles.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/station/export/outbox_cli_station.hpp"
#include "tests/station/support/pg_server.hpp"

using nlohmann::json;
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

}  // namespace

TEST(OutboxCli, StatusSendRetry) {
  PgServer pg;
  OutboxCliStation st(3, pg.url());
  // `exam sign` through the program queues the row with the signature.
  auto r = run_command(st.as("hekim") + " --json exam sign " + std::to_string(st.exams[0]));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = run_command(st.as("hekim") + " --json export status");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto s = json::parse(r.out);
  ASSERT_EQ(s["destinations"].size(), 1u);
  EXPECT_EQ(s["destinations"][0]["id"], "office-pg");
  EXPECT_EQ(s["destinations"][0]["pending"], 1);
  EXPECT_EQ(s["pending"][0]["message_id"], "ST01-E" + std::to_string(st.exams[0]) + "-V1");

  r = run_command(st.as("hekim") + " --json export send");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(json::parse(r.out)["delivered"], 1);
  EXPECT_EQ(pgq(pg, "SELECT count(*) FROM odyospiro.exam_result"), "1");

  // The office refuses exam 2 for now.
  const std::string bad = std::to_string(st.exams[1]);
  pgq(pg, "ALTER TABLE odyospiro.exam_result ADD CONSTRAINT office_rule CHECK (exam_id <> " + bad +
              ")");
  for (std::size_t i = 1; i < 3; ++i)
    ASSERT_EQ(run_command(st.as("hekim") + " exam sign " + std::to_string(st.exams[i])).exit_code,
              0);
  r = run_command(st.as("hekim") + " --lang en export send");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("Delivered: 1, to retry: 0, rejected: 1, still pending: 0"),
            std::string::npos)
      << r.out;
  r = run_command(st.as("admin") + " --lang en export status");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("office-pg"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Rejected (fix the cause"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("office_rule"), std::string::npos) << r.out;
  r = run_command(st.as("admin") + " --json export status");
  s = json::parse(r.out);
  ASSERT_EQ(s["rejected"].size(), 1u);
  EXPECT_EQ(s["destinations"][0]["delivered"], 2);
  EXPECT_EQ(s["destinations"][0]["rejected"], 1);
  const auto id = s["rejected"][0]["id"].get<std::int64_t>();

  // Only an admin resends; a pending or delivered one is not "retried" by hand.
  r = run_command(st.as("hekim") + " --lang en export retry " + std::to_string(id));
  EXPECT_EQ(r.exit_code, 5) << r.err;
  r = run_command(st.as("admin") + " --lang en export retry 1");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("not rejected"), std::string::npos) << r.err;
  pgq(pg, "ALTER TABLE odyospiro.exam_result DROP CONSTRAINT office_rule");
  r = run_command(st.as("admin") + " --lang en export retry " + std::to_string(id));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("Queued again"), std::string::npos) << r.out;
  r = run_command(st.as("admin") + " --json export send --until-empty --timeout 30");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(json::parse(r.out)["delivered"], 1);
  EXPECT_EQ(pgq(pg, "SELECT count(*) FROM odyospiro.exam_result"), "3");
  s = json::parse(run_command(st.as("admin") + " --json export status").out);
  EXPECT_EQ(s["destinations"][0]["delivered"], 3);
  EXPECT_EQ(s["destinations"][0]["pending"], 0);
  EXPECT_EQ(s["destinations"][0]["rejected"], 0);
  // Turkish by default: the status table speaks Turkish.
  r = run_command(st.as("admin") + " export status");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.find("Delivered"), std::string::npos) << r.out;
  EXPECT_EQ(run_command(st.as("admin") + " db verify").exit_code, 0);
}

TEST(OutboxCli, UnreachableUntilEmptyGivesUpAfterTheTimeout) {
  OutboxCliStation st(1, "host=/nonexistent-odyo-socket-dir port=5432 dbname=x user=x");
  ASSERT_EQ(run_command(st.as("hekim") + " exam sign " + std::to_string(st.exams[0])).exit_code, 0);
  auto r = run_command(st.as("hekim") + " --json export send --until-empty --timeout 1");
  EXPECT_EQ(r.exit_code, 1) << r.err;
  const auto j = json::parse(r.out);
  EXPECT_EQ(j["still_pending"], 1);
  EXPECT_GE(j["retried"].get<int>(), 1);
  ASSERT_EQ(j["unreachable"].size(), static_cast<std::size_t>(j["retried"].get<int>()));
  const auto s = json::parse(run_command(st.as("hekim") + " --json export status").out);
  EXPECT_EQ(s["destinations"][0]["pending"], 1);
  EXPECT_FALSE(s["pending"][0]["next_attempt_at"].is_null());
}
