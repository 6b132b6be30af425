// The outbox delivering to a FHIR R4 server (station/export/fhir_sender.hpp): the loopback Medplum
// peer (fhir_peer.hpp) takes each signed exam's transaction Bundle; a resend of what it holds
// creates nothing; a peer stopped mid-run leaves the rows pending and, restarted, gets each exam
// once; a 4xx answer rejects one message until it is resent by hand; 5xx, a lost answer and a
// peer that does not answer are retried.
#include <gtest/gtest.h>

#include <thread>

#include "station/export/fhir_sender.hpp"
#include "station/storage/audit.hpp"
#include "tests/station/export/fhir_peer.hpp"
#include "tests/station/export/outbox_seed.hpp"

using namespace odyo::station;
using odyo::test::FhirPeer;
using odyo::test::OutboxStation;

namespace {

SendOptions plain() {
  SendOptions o;
  o.actor = "hekim";
  o.batch_size = 2;
  return o;
}

}  // namespace

TEST(FhirSender, AnswersCountAsDeliveredRejectedOrRetry) {
  const std::string response =
      R"({"resourceType":"Bundle","type":"transaction-response","entry":[)"
      R"({"response":{"status":"201 Created"}},{"response":{"status":"200"}}]})";
  auto d = fhir_delivery(200, response);
  EXPECT_EQ(d.outcome, Delivery::Outcome::delivered);
  EXPECT_EQ(d.message, "HTTP 200: 1 created, 1 already held");
  // Some other web page at the URL: a person must look.
  EXPECT_EQ(fhir_delivery(200, "<html>welcome</html>").outcome, Delivery::Outcome::rejected);
  d = fhir_delivery(
      422, R"({"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"invalid",)"
           R"("diagnostics":"Observation.status: done is not allowed"}]})");
  EXPECT_EQ(d.outcome, Delivery::Outcome::rejected);
  EXPECT_EQ(d.message, "HTTP 422: Observation.status: done is not allowed");
  EXPECT_EQ(fhir_delivery(404, "").outcome, Delivery::Outcome::rejected);
  for (int s : {408, 429, 500, 502, 503}) {
    EXPECT_EQ(fhir_delivery(s, "busy").outcome, Delivery::Outcome::retry) << s;
  }
}

TEST(FhirSender, DestinationUrlsOfFhirAndHl7) {
  auto e = destination_endpoint({"f", "fhir", "http://central.local:8080/fhir/R4"});
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->host, "central.local");
  EXPECT_EQ(e->port, "8080");
  EXPECT_EQ(e->target, "/fhir/R4");
  e = destination_endpoint({"f", "fhir", "http://10.0.0.5"});
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->port, "80");
  EXPECT_EQ(e->target, "/");
  e = destination_endpoint({"h", "hl7", "[::1]:2575"});
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->host, "::1");
  EXPECT_EQ(e->port, "2575");
  e = destination_endpoint({"f", "fhir", "https://x/fhir"});  // TLS (test_export_tls)
  ASSERT_TRUE(e.ok());
  EXPECT_TRUE(e->tls);
  EXPECT_EQ(e->port, "443");
  EXPECT_FALSE(destination_endpoint({"f", "fhir", "http://x/fhir"})->tls);
  EXPECT_FALSE(destination_endpoint({"f", "fhir", "ftp://x/fhir"}).ok());
  EXPECT_FALSE(destination_endpoint({"h", "hl7", "his.local"}).ok());
  EXPECT_FALSE(destination_endpoint({"h", "hl7", "his.local:99999"}).ok());
  EXPECT_FALSE(destination_endpoint({"f", "fhir", "http://:80/"}).ok());
}

TEST(FhirSender, SignedExamsArriveOnceAndAResendCreatesNothing) {
  FhirPeer peer;
  OutboxStation st(3);
  st.add_destination("central-fhir", peer.url(), "fhir");
  st.sign_all();
  auto r = send_outbox(*st.db, st.out, plain());
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->delivered, 3) << (r->unreachable.empty() ? "" : r->unreachable[0].why.message);
  EXPECT_EQ(peer.created_once(), 3u);
  auto e = outbox_entries(*st.db);
  ASSERT_TRUE(e.ok());
  EXPECT_NE(e->front().last_message.find("created, 0 already held"), std::string::npos)
      << e->front().last_message;
  // The answer was lost after the server stored the Bundles (killed between the two): the same
  // messages go again, and every conditional create finds what it made.
  std::vector<OutboxMessage> msgs;
  auto all = st.db->prepare("SELECT id, message_id, payload, payload_sha256 FROM outbox");
  ASSERT_TRUE(all.ok());
  while (*all->step()) msgs.push_back({all->int64(0), all->text(1), all->text(2), all->text(3)});
  auto sender = make_fhir_sender(st.out.destinations[0]);
  ASSERT_TRUE(sender->open().ok());
  for (const auto& d : sender->deliver(msgs)) {
    EXPECT_EQ(d.outcome, Delivery::Outcome::delivered);
    EXPECT_NE(d.message.find(": 0 created"), std::string::npos) << d.message;
  }
  EXPECT_EQ(peer.created_once(), 3u);
  EXPECT_EQ(peer.arrivals().transactions, 6);
  EXPECT_TRUE(verify_database(*st.db).empty());
}

TEST(FhirSender, PeerStoppedMidRunGetsEachExamOnceAfterRestart) {
  FhirPeer peer;
  OutboxStation st(5);
  st.out.retry_initial_s = 0.2;
  st.out.retry_max_s = 0.5;
  st.add_destination("central-fhir", peer.url(), "fhir").timeout_s = 5;
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
  peer.start();  // same port; replays what it held
  auto o = plain();
  o.until_empty = true;
  o.timeout = std::chrono::seconds(60);
  r = send_outbox(*st.db, st.out, o);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->delivered, 3);
  EXPECT_EQ(r->still_pending, 0);
  EXPECT_EQ(peer.created_once(), 5u);
}

TEST(FhirSender, RejectedUntilResentByHandAndTransientFailuresRetried) {
  FhirPeer peer;
  OutboxStation st(4);
  st.out.retry_initial_s = 0.05;
  st.out.retry_max_s = 0.1;
  st.add_destination("central-fhir", peer.url(), "fhir");
  st.sign_all();
  peer.fail_next("400");
  auto o = plain();
  o.batch_size = 1;
  auto r = send_outbox(*st.db, st.out, o);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->rejected, 1);
  EXPECT_EQ(r->delivered, 3);
  auto status = outbox_status(*st.db, &st.out);
  ASSERT_TRUE(status.ok());
  ASSERT_EQ(status->rejected.size(), 1u);
  EXPECT_EQ(status->rejected[0].last_message, "HTTP 400: injected failure");
  const auto id = status->rejected[0].id;
  // Not sent again by the sender while rejected.
  r = send_outbox(*st.db, st.out, o);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->delivered + r->rejected + r->retried, 0);
  // Resent by hand, it meets a 503, a lost answer (the server stored it) and a server that does
  // not answer within timeout_s: each a retry; then it is taken, creating nothing new.
  ASSERT_TRUE(outbox_retry(*st.db, id, "admin").ok());
  for (const std::string fault : {"503", "drop", "hang"}) {
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
  e = outbox_entries(*st.db);
  ASSERT_TRUE(e.ok());
  EXPECT_NE(e->front().last_message.find(": 0 created"), std::string::npos)
      << e->front().last_message;
  EXPECT_EQ(peer.created_once(), 4u);
  status = outbox_status(*st.db, &st.out);
  ASSERT_TRUE(status.ok());
  EXPECT_EQ(status->destinations[0].delivered, 4);
}
