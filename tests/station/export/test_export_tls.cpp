// TLS on the outbox's network links (station/export/tcp_link.hpp): HL7 v2 over MLLP inside TLS to
// the python3-hl7 receiver (Python's ssl module) and FHIR over https to the Medplum peer (node's
// https), with certificates the test makes with openssl (tls_certs.hpp). Each signed exam arrives
// once; a server whose certificate the configured CA did not sign, one whose certificate names
// another host, and a receiver that does not speak TLS are refused with a message that says why,
// and nothing is marked delivered. The configuration's `tls` and `ca_file` are checked on load.
#include <gtest/gtest.h>

#include <fstream>
#include <thread>

#include "station/config/outbox_settings.hpp"
#include "station/export/outbox.hpp"
#include "tests/station/export/fhir_peer.hpp"
#include "tests/station/export/mllp_peer.hpp"
#include "tests/station/export/outbox_cli_station.hpp"
#include "tests/station/export/outbox_seed.hpp"
#include "tests/station/export/tls_certs.hpp"

using namespace odyo::station;
using odyo::test::FhirPeer;
using odyo::test::MllpPeer;
using odyo::test::OutboxCliStation;
using odyo::test::OutboxStation;
using odyo::test::TlsCerts;

namespace {

SendOptions plain() {
  SendOptions o;
  o.actor = "hekim";
  o.batch_size = 2;
  return o;
}

// One send to a destination that must refuse the server: nothing delivered, every row to retry,
// the reason in the unreachable message (returned).
std::string refused_send(OutboxStation& st) {
  auto r = send_outbox(*st.db, st.out, plain());
  EXPECT_TRUE(r.ok());
  if (!r.ok()) return "";
  EXPECT_EQ(r->delivered, 0);
  EXPECT_EQ(r->retried, static_cast<int>(st.exams.size()));
  EXPECT_EQ(r->still_pending, static_cast<int>(st.exams.size()));
  EXPECT_EQ(r->unreachable.size(), 1u);
  auto status = outbox_status(*st.db, &st.out);
  EXPECT_TRUE(status.ok());
  if (status.ok()) {
    EXPECT_EQ(status->destinations[0].delivered, 0);
  }
  return r->unreachable.empty() ? "" : r->unreachable[0].why.message;
}

}  // namespace

TEST(ExportTls, MllpInsideTlsDeliversEachSignedExamOnce) {
  TlsCerts certs;
  MllpPeer peer(certs.server_cert, certs.server_key);
  OutboxStation st(3);
  auto& d = st.add_destination("his", peer.url(), "hl7");
  d.tls = true;
  d.ca_file = certs.ca;
  st.sign_all();
  auto r = send_outbox(*st.db, st.out, plain());
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->delivered, 3) << (r->unreachable.empty() ? "" : r->unreachable[0].why.message);
  EXPECT_EQ(peer.held_once(), 3u);
  for (const auto& [id, n] : peer.arrivals().obx) EXPECT_GT(n, 5) << id;  // python3-hl7 read them
  // The same link by name: "localhost" is in the certificate too.
  auto sender = make_destination_sender(
      {"his", "hl7", "localhost:" + peer.url().substr(10), 30, true, certs.ca});
  ASSERT_TRUE(sender->open().ok());
}

TEST(ExportTls, FhirOverHttpsDeliversEachSignedExamOnce) {
  TlsCerts certs;
  FhirPeer peer(certs.server_cert, certs.server_key);
  ASSERT_EQ(peer.url().rfind("https://", 0), 0u);
  OutboxStation st(3);
  st.add_destination("central-fhir", peer.url(), "fhir").ca_file = certs.ca;
  st.sign_all();
  auto r = send_outbox(*st.db, st.out, plain());
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->delivered, 3) << (r->unreachable.empty() ? "" : r->unreachable[0].why.message)
                             << peer.log();
  EXPECT_EQ(peer.created_once(), 3u);
}

TEST(ExportTls, AServerTheCaDidNotSignIsRefused) {
  TlsCerts certs;
  {
    MllpPeer peer(certs.server_cert, certs.server_key);
    OutboxStation st(2);
    auto& d = st.add_destination("his", peer.url(), "hl7");
    d.tls = true;
    d.ca_file = certs.other_ca;
    st.sign_all();
    const auto why = refused_send(st);
    EXPECT_NE(why.find("the server's certificate was refused"), std::string::npos) << why;
    EXPECT_NE(why.find("unable to get local issuer certificate"), std::string::npos) << why;
    EXPECT_NE(why.find(certs.other_ca), std::string::npos) << why;
    EXPECT_TRUE(peer.arrivals().held.empty());
  }
  {
    FhirPeer peer(certs.server_cert, certs.server_key);
    OutboxStation st(2);
    st.add_destination("central-fhir", peer.url(), "fhir").ca_file = certs.other_ca;
    st.sign_all();
    const auto why = refused_send(st);
    EXPECT_NE(why.find("unable to get local issuer certificate"), std::string::npos) << why;
    EXPECT_NE(why.find(peer.url()), std::string::npos) << why;
    EXPECT_EQ(peer.arrivals().transactions, 0);
  }
}

TEST(ExportTls, ACertificateForAnotherHostIsRefused) {
  TlsCerts certs;
  {
    // Reached by address: the certificate names only elsewhere.example.
    MllpPeer peer(certs.elsewhere_cert, certs.elsewhere_key);
    OutboxStation st(2);
    st.out.retry_initial_s = 0.05;
    st.out.retry_max_s = 0.1;
    auto& d = st.add_destination("his", peer.url(), "hl7");
    d.tls = true;
    d.ca_file = certs.ca;
    st.sign_all();
    const auto why = refused_send(st);
    EXPECT_NE(why.find("IP address mismatch"), std::string::npos) << why;
    EXPECT_NE(why.find("expected host `127.0.0.1`"), std::string::npos) << why;
    EXPECT_TRUE(peer.arrivals().held.empty());
    // Reached by name: the same.
    st.out.destinations[0].url = "localhost:" + peer.url().substr(10);
    std::this_thread::sleep_for(std::chrono::milliseconds(300));  // past the retry time
    const auto by_name = refused_send(st);
    EXPECT_NE(by_name.find("hostname mismatch"), std::string::npos) << by_name;
    std::cout << "refused: " << why << "\nrefused: " << by_name << "\n";
  }
  {
    FhirPeer peer(certs.elsewhere_cert, certs.elsewhere_key);
    OutboxStation st(2);
    st.add_destination("central-fhir", peer.url(), "fhir").ca_file = certs.ca;
    st.sign_all();
    const auto why = refused_send(st);
    EXPECT_NE(why.find("IP address mismatch"), std::string::npos) << why;
    EXPECT_EQ(peer.arrivals().transactions, 0);
  }
}

TEST(ExportTls, AReceiverWithoutTlsIsNotTakenForOne) {
  TlsCerts certs;
  MllpPeer peer;  // plain MLLP: it never answers a TLS client hello
  OutboxStation st(1);
  auto& d = st.add_destination("his", peer.url(), "hl7");
  d.tls = true;
  d.ca_file = certs.ca;
  d.timeout_s = 1;
  st.sign_all();
  const auto why = refused_send(st);
  EXPECT_NE(why.find("TLS handshake failed"), std::string::npos) << why;
  EXPECT_TRUE(peer.arrivals().held.empty());
}

TEST(ExportTls, TlsAndCaFileInTheConfiguration) {
  TlsCerts certs;
  OutboxCliStation st(0, "host=/nonexistent");
  std::filesystem::copy_file(certs.ca, st.config.parent_path() / "merkez-ca.pem");
  const auto load = [&](const std::string& dests) {
    st.write_config(dests);
    return load_outbox_settings(st.config);
  };
  auto s = load(
      "[[export.destination]]\nid = \"f\"\nkind = \"fhir\"\nurl = \"https://fhir.example/fhir\"\n"
      "ca_file = \"merkez-ca.pem\"\n"
      "[[export.destination]]\nid = \"h\"\nkind = \"hl7\"\nurl = \"his.example:2575\"\n"
      "tls = true\n"
      "[[export.destination]]\nid = \"p\"\nkind = \"hl7\"\nurl = \"his.example:2576\"\n");
  ASSERT_TRUE(s.ok()) << s.error().message;
  ASSERT_EQ(s->destinations.size(), 3u);
  // A relative CA file is beside station.toml; none: the system's store.
  EXPECT_EQ(s->destinations[0].ca_file, (st.config.parent_path() / "merkez-ca.pem").string());
  auto e = destination_endpoint(s->destinations[0]);
  ASSERT_TRUE(e.ok());
  EXPECT_TRUE(e->tls);
  EXPECT_EQ(e->port, "443");
  EXPECT_EQ(e->target, "/fhir");
  EXPECT_TRUE(s->destinations[1].tls);
  EXPECT_TRUE(s->destinations[1].ca_file.empty());
  EXPECT_TRUE(destination_endpoint(s->destinations[1])->tls);
  EXPECT_FALSE(destination_endpoint(s->destinations[2])->tls);

  // Mistakes are refused with the place and the reason.
  s = load(
      "[[export.destination]]\nid = \"f\"\nkind = \"fhir\"\nurl = \"http://fhir.example\"\n"
      "ca_file = \"merkez-ca.pem\"\n");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("ca_file: a CA file is for an https:// URL"), std::string::npos)
      << s.error().message;
  s = load(
      "[[export.destination]]\nid = \"h\"\nkind = \"hl7\"\nurl = \"his.example:2575\"\n"
      "tls = true\nca_file = \"missing.pem\"\n");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("missing.pem` is not a file"), std::string::npos)
      << s.error().message;
  s = load(
      "[[export.destination]]\nid = \"h\"\nkind = \"hl7\"\nurl = \"his.example:2575\"\n"
      "tls = \"yes\"\n");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("expected true or false"), std::string::npos)
      << s.error().message;
  s = load(
      "[[export.destination]]\nid = \"f\"\nkind = \"fhir\"\nurl = \"https://x\"\n"
      "tls = true\n");
  ASSERT_FALSE(s.ok());  // fhir: the URL's scheme says it
  EXPECT_NE(s.error().message.find("unknown key"), std::string::npos) << s.error().message;
  s = load("[[export.destination]]\nid = \"f\"\nkind = \"fhir\"\nurl = \"ftp://x\"\n");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("is not an https:// or http:// URL"), std::string::npos)
      << s.error().message;
}
