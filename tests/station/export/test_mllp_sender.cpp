// The outbox delivering HL7 v2 over MLLP (station/export/mllp_sender.hpp) to an independent
// receiver (mllp_peer.hpp: python3-hl7 parses, MSH-10 de-duplicates): every signed exam arrives
// once; a resend is recognised by MSH-10; a receiver stopped mid-run gets the rest after its
// restart; AR rejects one message until it is resent by hand; AE, a lost ACK and silence retry.
#include <gtest/gtest.h>

#include <algorithm>
#include <thread>

#include "station/export/mllp_sender.hpp"
#include "station/storage/audit.hpp"
#include "tests/station/export/mllp_peer.hpp"
#include "tests/station/export/outbox_seed.hpp"

using namespace odyo::station;
using odyo::test::MllpPeer;
using odyo::test::OutboxStation;

namespace {

SendOptions plain() {
  SendOptions o;
  o.actor = "hekim";
  o.batch_size = 2;
  return o;
}

}  // namespace

TEST(MllpSender, AcknowledgementsCountAsDeliveredRejectedOrRetry) {
  const std::string msg =
      "MSH|^~\\&|A|B|C|D|20260101||ORU^R01^ORU_R01|ST01-E7-V1-ORU|P|2.5.1\rPID|1\r";
  EXPECT_EQ(hl7_control_id(msg), "ST01-E7-V1-ORU");
  const auto ack = [](const std::string& msa) {
    return "MSH|^~\\&|R|F|A|B|20260101||ACK|9|P|2.5.1\r" + msa + "\r";
  };
  EXPECT_EQ(mllp_delivery("X1", ack("MSA|AA|X1")).outcome, Delivery::Outcome::delivered);
  EXPECT_EQ(mllp_delivery("X1", ack("MSA|CA|X1")).outcome, Delivery::Outcome::delivered);
  auto d = mllp_delivery("X1", ack("MSA|AR|X1|unknown patient"));
  EXPECT_EQ(d.outcome, Delivery::Outcome::rejected);
  EXPECT_EQ(d.message, "AR: unknown patient");
  EXPECT_EQ(mllp_delivery("X1", ack("MSA|AE|X1")).outcome, Delivery::Outcome::retry);
  // An ACK for another message (a late one) is not this message's.
  d = mllp_delivery("X1", ack("MSA|AA|X0"));
  EXPECT_EQ(d.outcome, Delivery::Outcome::retry);
  EXPECT_NE(d.message.find("not for X1"), std::string::npos);
  EXPECT_EQ(mllp_delivery("X1", "garbage").outcome, Delivery::Outcome::retry);
}

TEST(MllpSender, SignedExamsArriveOnceAndAResendIsRecognised) {
  MllpPeer peer;
  OutboxStation st(3);
  st.add_destination("his", peer.url(), "hl7");
  st.sign_all();
  auto r = send_outbox(*st.db, st.out, plain());
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->delivered, 3) << (r->unreachable.empty() ? "" : r->unreachable[0].why.message);
  EXPECT_EQ(peer.held_once(), 3u);
  const auto a = peer.arrivals();
  for (const auto& [id, n] : a.obx) EXPECT_GT(n, 5) << id;  // python3-hl7 read the values
  // The ACKs were lost: the same messages again, recognised by MSH-10, stored once.
  std::vector<OutboxMessage> msgs;
  auto all = st.db->prepare("SELECT id, message_id, payload, payload_sha256 FROM outbox");
  ASSERT_TRUE(all.ok());
  while (*all->step()) msgs.push_back({all->int64(0), all->text(1), all->text(2), all->text(3)});
  auto sender = make_mllp_sender(st.out.destinations[0]);
  ASSERT_TRUE(sender->open().ok());
  for (const auto& d : sender->deliver(msgs)) EXPECT_EQ(d.outcome, Delivery::Outcome::delivered);
  EXPECT_EQ(peer.held_once(), 3u);
  EXPECT_EQ(peer.arrivals().messages, 6);
  EXPECT_TRUE(verify_database(*st.db).empty());
}

TEST(MllpSender, ReceiverStoppedMidRunGetsEachExamOnceAfterRestart) {
  MllpPeer peer;
  OutboxStation st(5);
  st.out.retry_initial_s = 0.2;
  st.out.retry_max_s = 0.5;
  st.add_destination("his", peer.url(), "hl7").timeout_s = 5;
  for (int i = 0; i < 2; ++i) ASSERT_TRUE(st.sign(st.exams[i]).ok());
  auto r = send_outbox(*st.db, st.out, plain());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->delivered, 2);
  peer.stop(/*kill=*/true);
  for (int i = 2; i < 5; ++i) ASSERT_TRUE(st.sign(st.exams[i]).ok());
  r = send_outbox(*st.db, st.out, plain());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->retried, 3);
  ASSERT_EQ(r->unreachable.size(), 1u);
  EXPECT_NE(r->unreachable[0].why.message.find(peer.url()), std::string::npos);
  peer.start();
  auto o = plain();
  o.until_empty = true;
  o.timeout = std::chrono::seconds(60);
  r = send_outbox(*st.db, st.out, o);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->delivered, 3);
  EXPECT_EQ(r->still_pending, 0);
  EXPECT_EQ(peer.held_once(), 5u);
}

TEST(MllpSender, RejectedUntilResentByHandAndTransientFailuresRetried) {
  MllpPeer peer;
  OutboxStation st(4);
  st.out.retry_initial_s = 0.05;
  st.out.retry_max_s = 0.1;
  st.add_destination("his", peer.url(), "hl7");
  st.sign_all();
  peer.fail_next("AR");
  auto o = plain();
  o.batch_size = 1;
  auto r = send_outbox(*st.db, st.out, o);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->rejected, 1);
  EXPECT_EQ(r->delivered, 3);
  auto status = outbox_status(*st.db, &st.out);
  ASSERT_TRUE(status.ok());
  ASSERT_EQ(status->rejected.size(), 1u);
  EXPECT_EQ(status->rejected[0].last_message, "AR: injected failure");
  const auto id = status->rejected[0].id;
  r = send_outbox(*st.db, st.out, o);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->delivered + r->rejected + r->retried, 0);
  ASSERT_TRUE(outbox_retry(*st.db, id, "admin").ok());
  for (const std::string fault : {"AE", "drop", "hang"}) {
    st.out.destinations[0].timeout_s = fault == "hang" ? 1 : 30;
    peer.fail_next(fault);
    r = send_outbox(*st.db, st.out, o);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->retried, 1) << fault;
    std::this_thread::sleep_for(std::chrono::milliseconds(150));
  }
  auto e = outbox_entries(*st.db);
  ASSERT_TRUE(e.ok());
  const auto row = std::find_if(e->begin(), e->end(), [&](const auto& x) { return x.id == id; });
  ASSERT_NE(row, e->end());
  EXPECT_EQ(row->retries_since_send, 3);
  EXPECT_EQ(row->last_message, "timed out");
  st.out.destinations[0].timeout_s = 30;
  r = send_outbox(*st.db, st.out, o);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->delivered, 1);
  // The dropped one was stored: the last send was a duplicate the receiver recognised.
  EXPECT_EQ(peer.held_once(), 4u);
  EXPECT_EQ(outbox_status(*st.db, &st.out)->destinations[0].delivered, 4);
}
