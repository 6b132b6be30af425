// The outbox delivering to a real PostgreSQL 15 (station/export/central_pg.hpp), started on a
// private folder for each test (tests/station/support/pg_server.hpp): the sender creates the
// central schema, every signed exam arrives once, a resend of what the receiver holds changes
// nothing, a server stopped mid-run leaves the rows pending with back-off and a restarted one
// gets them once, a constraint error rejects one message until a person fixes it and resends.
#include <gtest/gtest.h>

#include <thread>

#include "station/export/central_pg.hpp"
#include "station/storage/audit.hpp"
#include "tests/station/export/outbox_seed.hpp"
#include "tests/station/support/pg_server.hpp"

using namespace odyo::station;
using odyo::test::OutboxStation;
using odyo::test::PgServer;

namespace {

std::string q(const PgServer& pg, const std::string& sql) {
  auto r = pg.psql(sql);
  EXPECT_EQ(r.exit_code, 0) << sql << ": " << r.err;
  while (!r.out.empty() && r.out.back() == '\n') r.out.pop_back();
  return r.out;
}

SendOptions plain() {
  SendOptions o;
  o.actor = "hekim";
  o.batch_size = 2;  // several receiver transactions even for a few exams
  return o;
}

}  // namespace

TEST(CentralPg, SignedExamsArriveOnceWithTheirItems) {
  PgServer pg;
  OutboxStation st(3);
  st.add_destination("office-pg", pg.url());
  st.sign_all();
  auto r = send_outbox(*st.db, st.out, plain());
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->delivered, 3) << (r->unreachable.empty() ? "" : r->unreachable[0].why.message);
  EXPECT_EQ(q(pg, "SELECT max(version) FROM odyospiro.schema_version"),
            std::to_string(kCentralSchemaVersion));
  EXPECT_EQ(q(pg, "SELECT count(*) FROM odyospiro.exam_result"), "3");
  const std::string e0 = std::to_string(st.exams[0]);
  EXPECT_EQ(q(pg,
              "SELECT station_id || ' ' || message_id || ' ' || kind || ' ' || "
              "worker_last_name || ' ' || coalesce(health_group, 'none') FROM "
              "odyospiro.exam_result WHERE "
              "exam_id = " +
                  e0),
            "ST01 ST01-E" + e0 + "-V1 spirometry Yılmaz none");
  // FEV1 (LOINC 20150-9) in L with its LLN, and its predicted value as a component row.
  EXPECT_EQ(q(pg,
              "SELECT value_num || ' ' || unit || ' ' || lln_num FROM odyospiro.result_item "
              "WHERE exam_id = " +
                  e0 + " AND code = '20150-9'"),
            "3.12 L 3.10");
  EXPECT_EQ(q(pg, "SELECT count(*) FROM odyospiro.result_item WHERE exam_id = " + e0 +
                      " AND parent_key = 'FEV1' AND code = '20149-1'"),
            "1");
  // A second run finds nothing due and sends nothing.
  r = send_outbox(*st.db, st.out, plain());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->delivered + r->retried + r->rejected, 0);
  EXPECT_EQ(q(pg, "SELECT count(*) FROM odyospiro.exam_result"), "3");
  EXPECT_TRUE(verify_database(*st.db).empty());
}

TEST(CentralPg, SendingTheSameMessagesTwiceStoresThemOnce) {
  PgServer pg;
  OutboxStation st(4);
  st.add_destination("office-pg", pg.url());
  st.sign_all();
  // The receiver committed but the station never recorded it (killed in between): the same
  // messages go again, and the receiver keeps one copy of each.
  std::vector<OutboxMessage> msgs;
  auto all = st.db->prepare("SELECT id, message_id, payload, payload_sha256 FROM outbox");
  ASSERT_TRUE(all.ok());
  while (*all->step()) msgs.push_back({all->int64(0), all->text(1), all->text(2), all->text(3)});
  ASSERT_EQ(msgs.size(), 4u);
  for (int round = 0; round < 2; ++round) {
    auto sender = make_central_pg_sender(st.out.destinations[0]);
    ASSERT_TRUE(sender->open().ok());
    const auto out = sender->deliver(msgs);
    ASSERT_EQ(out.size(), 4u);
    for (const auto& d : out) EXPECT_EQ(d.outcome, Delivery::Outcome::delivered) << d.message;
    if (round == 1) {
      EXPECT_EQ(out[0].message, "already held");
    }
  }
  auto r = send_outbox(*st.db, st.out, plain());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->delivered, 4);
  EXPECT_EQ(q(pg, "SELECT count(*) FROM odyospiro.exam_result"), "4");
  const auto items = q(pg, "SELECT count(*) FROM odyospiro.result_item");
  EXPECT_GT(std::stoi(items), 4 * 10);
  // A different message under a key the receiver holds (another database with the same
  // station_id) is rejected, not merged.
  OutboxStation other(4, "other.db");
  other.add_destination("office-pg", pg.url());
  other.exams.erase(other.exams.begin(), other.exams.begin() + 3);
  other.sign_all();
  r = send_outbox(*other.db, other.out, plain());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->rejected, 1);
  auto status = outbox_status(*other.db, &other.out);
  ASSERT_TRUE(status.ok());
  ASSERT_EQ(status->rejected.size(), 1u);
  EXPECT_NE(status->rejected[0].last_message.find("another message"), std::string::npos);
  EXPECT_EQ(q(pg, "SELECT count(*) FROM odyospiro.exam_result"), "4");
  EXPECT_EQ(q(pg, "SELECT count(*) FROM odyospiro.result_item"), items);
}

TEST(CentralPg, StoppedMidRunRowsWaitWithBackOffAndArriveOnceAfterRestart) {
  PgServer pg;
  OutboxStation st(5);
  st.out.retry_initial_s = 0.3;
  st.out.retry_max_s = 1.0;
  st.add_destination("office-pg", pg.url());
  for (int i = 0; i < 2; ++i) ASSERT_TRUE(st.sign(st.exams[i]).ok());
  auto r = send_outbox(*st.db, st.out, plain());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->delivered, 2);
  pg.stop();
  for (int i = 2; i < 5; ++i) ASSERT_TRUE(st.sign(st.exams[i]).ok());
  r = send_outbox(*st.db, st.out, plain());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->retried, 3);
  ASSERT_EQ(r->unreachable.size(), 1u);
  auto status = outbox_status(*st.db, &st.out);
  ASSERT_TRUE(status.ok());
  EXPECT_EQ(status->destinations[0].pending, 3);
  EXPECT_EQ(status->destinations[0].delivered, 2);
  ASSERT_TRUE(status->pending[0].next_at.has_value());
  EXPECT_FALSE(status->pending[0].last_message.empty());
  // Still down at the next try: the wait doubles.
  std::this_thread::sleep_for(std::chrono::milliseconds(350));
  r = send_outbox(*st.db, st.out, plain());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->retried, 3);
  auto e = outbox_entries(*st.db);
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->back().retries_since_send, 2);
  pg.start();
  auto o = plain();
  o.until_empty = true;
  o.timeout = std::chrono::seconds(30);
  r = send_outbox(*st.db, st.out, o);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->delivered, 3);
  EXPECT_EQ(r->still_pending, 0);
  EXPECT_EQ(q(pg, "SELECT count(*) FROM odyospiro.exam_result"), "5");
  EXPECT_EQ(q(pg, "SELECT count(DISTINCT message_id) FROM odyospiro.exam_result"), "5");
}

TEST(CentralPg, ConstraintErrorRejectsOneMessageUntilFixedAndRetried) {
  PgServer pg;
  OutboxStation st(3);
  st.add_destination("office-pg", pg.url());
  ASSERT_TRUE(st.sign(st.exams[0]).ok());
  ASSERT_TRUE(send_outbox(*st.db, st.out, plain()).ok());  // creates the schema
  // The office's database refuses exam 2 (a rule of its own), takes exam 3.
  const std::string bad = std::to_string(st.exams[1]);
  q(pg,
    "ALTER TABLE odyospiro.exam_result ADD CONSTRAINT office_rule CHECK (exam_id <> " + bad + ")");
  ASSERT_TRUE(st.sign(st.exams[1]).ok());
  ASSERT_TRUE(st.sign(st.exams[2]).ok());
  auto r = send_outbox(*st.db, st.out, plain());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->rejected, 1);
  EXPECT_EQ(r->delivered, 1);
  auto status = outbox_status(*st.db, &st.out);
  ASSERT_TRUE(status.ok());
  ASSERT_EQ(status->rejected.size(), 1u);
  EXPECT_EQ(status->rejected[0].exam_id, st.exams[1]);
  EXPECT_NE(status->rejected[0].last_message.find("23514"), std::string::npos)
      << status->rejected[0].last_message;
  EXPECT_NE(status->rejected[0].last_message.find("office_rule"), std::string::npos);
  // Not retried by the sender while rejected.
  r = send_outbox(*st.db, st.out, plain());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->delivered + r->rejected + r->retried, 0);
  // Fixed at the office, resent by hand: delivered once.
  q(pg, "ALTER TABLE odyospiro.exam_result DROP CONSTRAINT office_rule");
  ASSERT_TRUE(outbox_retry(*st.db, status->rejected[0].id, "admin").ok());
  r = send_outbox(*st.db, st.out, plain());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->delivered, 1);
  EXPECT_EQ(q(pg, "SELECT count(*) FROM odyospiro.exam_result"), "3");
  EXPECT_EQ(q(pg, "SELECT count(*) FROM odyospiro.exam_result WHERE exam_id = " + bad), "1");
  status = outbox_status(*st.db, &st.out);
  ASSERT_TRUE(status.ok());
  EXPECT_EQ(status->destinations[0].delivered, 3);
  EXPECT_EQ(status->destinations[0].rejected, 0);
}

TEST(CentralPg, TwoStationsShareTheCentralDatabase) {
  PgServer pg;
  OutboxStation a(2);
  a.add_destination("office-pg", pg.url());
  a.sign_all();
  OutboxStation b(2, "b.db");
  b.cfg.station_id = "ST02";
  b.add_destination("office-pg", pg.url());
  b.sign_all();
  ASSERT_EQ(send_outbox(*a.db, a.out, plain())->delivered, 2);
  ASSERT_EQ(send_outbox(*b.db, b.out, plain())->delivered, 2);
  // Same exam ids, different stations: four results, keyed by station.
  EXPECT_EQ(q(pg, "SELECT count(*) FROM odyospiro.exam_result"), "4");
  EXPECT_EQ(q(pg,
              "SELECT string_agg(DISTINCT station_id, ',' ORDER BY station_id) FROM "
              "odyospiro.exam_result"),
            "ST01,ST02");
}
