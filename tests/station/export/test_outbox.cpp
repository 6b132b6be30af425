// The export outbox without a receiver (station/export/outbox.hpp): signing writes one row per
// configured destination in the signing transaction, and a failed signature leaves none; the rows
// and their attempts are append-only; a scripted sender drives the states (retry with capped
// exponential back-off, rejected, resent by hand, delivered) as `export status` reports them.
#include <gtest/gtest.h>

#include <algorithm>
#include <deque>
#include <thread>

#include "station/storage/audit.hpp"
#include "station/storage/hash.hpp"
#include "station/storage/migrations.hpp"
#include "tests/station/export/outbox_seed.hpp"

using namespace odyo::station;
using odyo::test::OutboxStation;

namespace {

// A sender that answers from a script: one outcome per message, in order (then "delivered").
struct Script {
  bool reachable = true;
  std::deque<Delivery::Outcome> outcomes;
  std::vector<std::string> received;  // message ids, every delivery
};

class ScriptedSender final : public DestinationSender {
 public:
  explicit ScriptedSender(Script& s) : s_(s) {}
  odyo::Result<void> open() override {
    if (!s_.reachable) return odyo::make_error("down", "connection refused");
    return {};
  }
  std::vector<Delivery> deliver(const std::vector<OutboxMessage>& batch) override {
    std::vector<Delivery> out;
    for (const auto& m : batch) {
      s_.received.push_back(m.message_id);
      auto o = Delivery::Outcome::delivered;
      if (!s_.outcomes.empty()) {
        o = s_.outcomes.front();
        s_.outcomes.pop_front();
      }
      out.push_back({o, o == Delivery::Outcome::rejected ? "constraint violated" : ""});
    }
    return out;
  }

 private:
  Script& s_;
};

SendOptions scripted(Script& s) {
  SendOptions o;
  o.actor = "hekim";
  o.sender_factory = [&s](const ExportDestination&) { return std::make_unique<ScriptedSender>(s); };
  return o;
}

}  // namespace

TEST(Outbox, SigningQueuesOneRowPerDestinationInTheSignTransaction) {
  OutboxStation st(2);
  st.add_destination("office-pg", "host=/nowhere");
  st.add_destination("backup-pg", "host=/nowhere-else");
  auto s = st.sign(st.exams[0]);
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(st.count("SELECT count(*) FROM outbox"), 2);
  auto all = outbox_entries(*st.db);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  const std::string id = "ST01-E" + std::to_string(st.exams[0]) + "-V1";
  for (const auto& e : *all) {
    EXPECT_EQ(e.message_id, id);
    EXPECT_EQ(e.result_id, s->result_id);
    EXPECT_EQ(e.state, OutboxState::pending);
    EXPECT_EQ(e.attempts, 0);
  }
  EXPECT_EQ((*all)[0].destination, "office-pg");
  EXPECT_EQ((*all)[1].destination, "backup-pg");
  // Each row has its audit entry, which binds the row's content, and the database verifies.
  EXPECT_EQ(st.count("SELECT count(*) FROM audit_log WHERE action='export.queue'"), 2);
  EXPECT_TRUE(verify_database(*st.db).empty());
  // The payload is the central message of that exam version, fixed now.
  EXPECT_EQ(st.count("SELECT count(*) FROM outbox WHERE payload LIKE '%\"message_id\":\"" + id +
                     "\"%' AND payload LIKE '%20150-9%'"),
            2);
}

// A message changed after signing, with its stored hash rewritten to match, is what would reach
// central records: `db verify` names the row (its audit entry bound the content at queueing).
TEST(Outbox, AMessageChangedAfterSigningIsFoundByVerify) {
  OutboxStation st(1);
  st.add_destination("office-pg", "host=/nowhere");
  ASSERT_TRUE(st.sign(st.exams[0]).ok());
  ASSERT_TRUE(verify_database(*st.db).empty());
  auto row = st.db->prepare("SELECT id, payload FROM outbox");
  ASSERT_TRUE(row.ok());
  ASSERT_TRUE(*row->step());
  const std::int64_t id = row->int64(0);
  std::string payload = row->text(1);
  row = st.db->prepare("SELECT 1");  // the statement above is done with
  // One digit of the first value after FEV1's LOINC code (20150-9) changed: the message and its
  // hash rewritten together (the trigger dropped, as anyone with the file could).
  const auto at = payload.find("20150-9");
  ASSERT_NE(at, std::string::npos);
  const auto digit = payload.find_first_of("0123456789", payload.find("value", at));
  ASSERT_NE(digit, std::string::npos);
  payload[digit] = payload[digit] == '2' ? '3' : '2';
  ASSERT_TRUE(st.db->exec("DROP TRIGGER outbox_no_update").ok());
  auto upd = st.db->prepare("UPDATE outbox SET payload = ?, payload_sha256 = ? WHERE id = ?");
  ASSERT_TRUE(upd.ok());
  upd->bind(1, payload).bind(2, sha256_hex(payload)).bind(3, id);
  ASSERT_TRUE(upd->run().ok());
  const auto problems = verify_database(*st.db);
  const std::string want = "outbox row " + std::to_string(id) + ": its content differs";
  ASSERT_FALSE(problems.empty());
  EXPECT_TRUE(std::any_of(problems.begin(), problems.end(),
                          [&](const std::string& p) { return p.find(want) != std::string::npos; }))
      << "expected \"" << want << "\" in: " << problems.front();
}

// Rows queued by a station before the outbox was bound (migration 19) had an audit entry that bound
// nothing: `db verify` would call them written behind the station's back. Migration 19 binds them
// as they stand, and the database verifies.
TEST(Outbox, RowsQueuedBeforeMigration19AreBoundByIt) {
  const auto m = std::find_if(all_migrations().begin(), all_migrations().end(),
                              [](const Migration& x) { return x.version == 19; });
  ASSERT_NE(m, all_migrations().end());
  EXPECT_EQ(m->after, &bind_unbound_records);
  OutboxStation st(1);
  ASSERT_TRUE(st.sign(st.exams[0]).ok());  // no destination: a signature and nothing queued
  // An older station's row: written without the binding entry this station writes.
  ASSERT_TRUE(st.db
                  ->exec("INSERT INTO outbox(result_id,signature_id,destination,kind,message_id,"
                         "payload,payload_sha256,created_at,created_by) SELECT result_id, id, "
                         "'office-pg', 'postgresql', 'ST01-E1-V1', '{}', '" +
                         sha256_hex("{}") + "', signed_at, signer FROM signatures")
                  .ok());
  auto before = verify_database(*st.db);
  ASSERT_EQ(before.size(), 1u);
  EXPECT_NE(before[0].find("outbox row 1: no audit entry binds this row"), std::string::npos)
      << before[0];
  ASSERT_TRUE(m->after(*st.db).ok());
  EXPECT_TRUE(verify_database(*st.db).empty());
  EXPECT_EQ(st.count("SELECT count(*) FROM audit_log WHERE action = 'record.bind' AND entity = "
                     "'outbox' AND entity_id = 1"),
            1);
}

TEST(Outbox, NoDestinationConfiguredQueuesNothing) {
  OutboxStation st(1);
  ASSERT_TRUE(st.sign(st.exams[0]).ok());
  EXPECT_EQ(st.count("SELECT count(*) FROM signatures"), 1);
  EXPECT_EQ(st.count("SELECT count(*) FROM outbox"), 0);
  auto status = outbox_status(*st.db, &st.out);
  ASSERT_TRUE(status.ok());
  EXPECT_TRUE(status->destinations.empty());
}

TEST(Outbox, AFailedSignatureLeavesNoOutboxRow) {
  OutboxStation st(2);
  st.add_destination("office-pg", "host=/nowhere");
  // The outbox rows were written, then something later in the signing transaction failed.
  auto s = st.sign(st.exams[0], [](Database&, const SignOutcome&) -> odyo::Result<void> {
    return odyo::make_error("boom", "failure after queueing");
  });
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(st.count("SELECT count(*) FROM signatures"), 0);
  EXPECT_EQ(st.count("SELECT count(*) FROM outbox"), 0);
  EXPECT_EQ(st.count("SELECT count(*) FROM audit_log WHERE action IN "
                     "('result.sign','export.queue')"),
            0);
  // The queue itself refusing (a result with no value to export) refuses the signature.
  auto bad = st.db->prepare("SELECT id FROM workers");
  ASSERT_TRUE(bad.ok());
  ASSERT_TRUE(*bad->step());
  auto empty = add_exam(*st.db,
                        {bad->int64(0), "spirometry", "2026-01-01T09:00:00.000Z", "tekniker",
                         "spiro-1", 21.0, 101.3, 40.0, ""},
                        "tekniker");
  ASSERT_TRUE(empty.ok());
  ASSERT_TRUE(add_result(*st.db, *empty, "{}", "tekniker", "").ok());
  auto r = st.sign(*empty);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("not signed"), std::string::npos) << r.error().message;
  EXPECT_EQ(st.count("SELECT count(*) FROM signatures"), 0);
  // And a good signature still queues; signing it again is refused and queues nothing more.
  ASSERT_TRUE(st.sign(st.exams[1]).ok());
  EXPECT_EQ(st.count("SELECT count(*) FROM outbox"), 1);
  EXPECT_FALSE(st.sign(st.exams[1]).ok());
  EXPECT_EQ(st.count("SELECT count(*) FROM outbox"), 1);
}

TEST(Outbox, RowsAndAttemptsAreAppendOnly) {
  OutboxStation st(1);
  st.add_destination("office-pg", "host=/nowhere");
  ASSERT_TRUE(st.sign(st.exams[0]).ok());
  Script s;
  ASSERT_TRUE(send_outbox(*st.db, st.out, scripted(s)).ok());
  EXPECT_FALSE(st.db->exec("UPDATE outbox SET payload = '{}'").ok());
  EXPECT_FALSE(st.db->exec("DELETE FROM outbox").ok());
  EXPECT_FALSE(st.db->exec("UPDATE outbox_attempts SET outcome = 'retry'").ok());
  EXPECT_FALSE(st.db->exec("DELETE FROM outbox_attempts").ok());
  EXPECT_EQ(st.count("SELECT count(*) FROM outbox_attempts WHERE outcome='delivered'"), 1);
}

TEST(Outbox, RetryDelayDoublesUpToTheCap) {
  OutboxSettings c;
  c.retry_initial_s = 10;
  c.retry_max_s = 60;
  EXPECT_EQ(retry_delay(c, 1).count(), 10000);
  EXPECT_EQ(retry_delay(c, 2).count(), 20000);
  EXPECT_EQ(retry_delay(c, 3).count(), 40000);
  EXPECT_EQ(retry_delay(c, 4).count(), 60000);
  EXPECT_EQ(retry_delay(c, 1000).count(), 60000);
}

TEST(Outbox, UnreachableRetriesWithBackOffThenDelivers) {
  OutboxStation st(3);
  st.out.retry_initial_s = 0.2;
  st.out.retry_max_s = 0.4;
  st.add_destination("office-pg", "host=/nowhere");
  st.sign_all();
  Script s;
  s.reachable = false;
  auto r = send_outbox(*st.db, st.out, scripted(s));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->retried, 3);
  EXPECT_EQ(r->delivered, 0);
  ASSERT_EQ(r->unreachable.size(), 1u);
  EXPECT_NE(r->unreachable[0].why.message.find("connection refused"), std::string::npos);
  auto status = outbox_status(*st.db, &st.out);
  ASSERT_TRUE(status.ok());
  ASSERT_EQ(status->pending.size(), 3u);
  ASSERT_TRUE(status->pending[0].next_at.has_value());
  EXPECT_EQ(status->pending[0].last_message, "connection refused");
  // Not due yet: an immediate second pass tries nothing.
  r = send_outbox(*st.db, st.out, scripted(s));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->retried, 0);
  // Due again: the second retry waits twice as long (0.4 s, the cap).
  std::this_thread::sleep_for(std::chrono::milliseconds(250));
  r = send_outbox(*st.db, st.out, scripted(s));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->retried, 3);
  auto e = outbox_entries(*st.db);
  ASSERT_TRUE(e.ok());
  EXPECT_EQ((*e)[0].retries_since_send, 2);
  EXPECT_EQ((*e)[0].attempts, 2);
  // The receiver is back: --until-empty waits for the retry time and delivers every row once.
  s.reachable = true;
  auto o = scripted(s);
  o.until_empty = true;
  o.timeout = std::chrono::seconds(20);
  r = send_outbox(*st.db, st.out, o);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->delivered, 3);
  EXPECT_EQ(r->still_pending, 0);
  EXPECT_EQ(s.received.size(), 3u);
  status = outbox_status(*st.db, &st.out);
  ASSERT_TRUE(status.ok());
  ASSERT_EQ(status->destinations.size(), 1u);
  EXPECT_EQ(status->destinations[0].delivered, 3);
  EXPECT_EQ(status->destinations[0].pending, 0);
  // Nothing is sent twice.
  r = send_outbox(*st.db, st.out, scripted(s));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(s.received.size(), 3u);
}

TEST(Outbox, RejectedWaitsForAPersonThenIsSentAgain) {
  OutboxStation st(2);
  st.add_destination("office-pg", "host=/nowhere");
  st.sign_all();
  Script s;
  s.outcomes = {Delivery::Outcome::rejected, Delivery::Outcome::delivered};
  auto r = send_outbox(*st.db, st.out, scripted(s));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->rejected, 1);
  EXPECT_EQ(r->delivered, 1);
  auto status = outbox_status(*st.db, &st.out);
  ASSERT_TRUE(status.ok());
  ASSERT_EQ(status->rejected.size(), 1u);
  const auto id = status->rejected[0].id;
  EXPECT_EQ(status->rejected[0].last_message, "constraint violated");
  EXPECT_EQ(status->destinations[0].rejected, 1);
  // A rejected row is not retried by the sender.
  r = send_outbox(*st.db, st.out, scripted(s));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(s.received.size(), 2u);
  // Only a rejected row can be resent by hand; an unknown id is refused.
  EXPECT_FALSE(outbox_retry(*st.db, id + 1, "admin").ok());
  EXPECT_FALSE(outbox_retry(*st.db, 999, "admin").ok());
  auto again = outbox_retry(*st.db, id, "admin");
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(again->state, OutboxState::pending);
  EXPECT_EQ(st.count("SELECT count(*) FROM audit_log WHERE action='export.retry'"), 1);
  r = send_outbox(*st.db, st.out, scripted(s));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->delivered, 1);
  status = outbox_status(*st.db, &st.out);
  ASSERT_TRUE(status.ok());
  EXPECT_TRUE(status->rejected.empty());
  EXPECT_EQ(status->destinations[0].delivered, 2);
  EXPECT_TRUE(verify_database(*st.db).empty());
}

TEST(Outbox, RowsOfADestinationNoLongerConfiguredStayAndAreShown) {
  OutboxStation st(1);
  st.add_destination("old-pg", "host=/nowhere");
  ASSERT_TRUE(st.sign(st.exams[0]).ok());
  st.out.destinations = {{"office-pg", "postgresql", "host=/nowhere"}};
  Script s;
  auto r = send_outbox(*st.db, st.out, scripted(s));
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(s.received.empty());
  auto status = outbox_status(*st.db, &st.out);
  ASSERT_TRUE(status.ok());
  ASSERT_EQ(status->destinations.size(), 2u);
  EXPECT_TRUE(status->destinations[0].configured);
  EXPECT_FALSE(status->destinations[1].configured);
  EXPECT_EQ(status->destinations[1].pending, 1);
}
