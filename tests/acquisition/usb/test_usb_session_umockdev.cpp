// The station's libusb transport (one event thread, async bulk IN transfers, hot-plug) and the
// acquisition session against an in-process fake USB raw-flow head (umockdev), with the shipped
// profile config/devices/sfm3000-usb.toml (1 kHz, 16 samples per 57-byte frame, u32 sample index).
#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <filesystem>
#include <thread>
#include <utility>

#include "acquisition/journal/journal_writer.hpp"
#include "acquisition/journal/sqlite_journal.hpp"
#include "acquisition/session/flow_session.hpp"
#include "drivers/registry.hpp"
#include "drivers/transport/usb_transport.hpp"
#include "tools/devsim/spiro_sim.hpp"
#include "tools/devsim/usb/fake_usb_flow_head.hpp"

using namespace odyo;
using namespace std::chrono_literals;

namespace {

profile::FlowStreamProfile usb_profile() {
  std::string why;
  auto p = devsim::load_flow_stream_profile(
      std::filesystem::path(ODYO_SOURCE_DIR) / "config/devices/sfm3000-usb.toml", &why);
  EXPECT_TRUE(p.has_value()) << why;
  return p ? *p : profile::FlowStreamProfile{};
}

devsim::FlowScript script(const char* text) {
  std::string why;
  auto s = devsim::FlowScript::parse(text, 1000.0, true, &why);
  EXPECT_TRUE(s.has_value()) << why;
  return *s;
}

template <typename P>
bool wait_for(P p, std::chrono::milliseconds t) {
  const auto end = std::chrono::steady_clock::now() + t;
  while (std::chrono::steady_clock::now() < end) {
    if (p()) return true;
    std::this_thread::sleep_for(5ms);
  }
  return p();
}

drivers::UsbSettings settings_from(const profile::FlowStreamProfile& p) {
  drivers::UsbSettings s;
  s.vendor_id = p.usb.vendor_id;
  s.product_id = p.usb.product_id;
  s.interface_number = p.usb.interface_number;
  s.endpoint_in = p.usb.endpoint_in;
  s.endpoint_out = p.usb.endpoint_out;
  s.transfer_bytes = p.usb.transfer_bytes;
  return s;
}

struct Rig {
  profile::FlowStreamProfile prof = usb_profile();
  devsim::FakeUsbFlowHead head{prof, script("quiet:0.2,normal,quiet:1")};
  std::unique_ptr<drivers::UsbContext> usb;
  std::filesystem::path dir;
  std::unique_ptr<acquisition::SqliteJournal> sink;
  std::unique_ptr<acquisition::JournalWriter> writer;
  boost::asio::io_context io;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard{io.get_executor()};
  std::thread io_thread;
  std::unique_ptr<acquisition::FlowSession> session;

  void start() {
    std::string why;
    ASSERT_TRUE(head.plug(&why)) << why;  // the testbed must exist before libusb starts
    drivers::IoError e;
    usb = drivers::UsbContext::create(&e);
    ASSERT_TRUE(usb) << e.message;
    std::string tmpl = (std::filesystem::temp_directory_path() / "odyo-usb-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir = tmpl;
    auto j = acquisition::SqliteJournal::open(dir / "journal.db");
    ASSERT_TRUE(j.ok());
    sink = std::move(*j);
    writer = std::make_unique<acquisition::JournalWriter>(*sink);
    writer->start();
    io_thread = std::thread([this] { io.run(); });
    session = std::make_unique<acquisition::FlowSession>(
        io, std::make_unique<drivers::UsbTransport>(*usb, settings_from(prof)),
        drivers::FlowStreamDriver(prof), *writer,
        acquisition::SessionMeta{"spiro-usb", "flowstream", "usb:1209:0001", prof.device.id,
                                 "W-2"});
    ASSERT_TRUE(session->start().ok());
  }
  ~Rig() {
    session.reset();
    guard.reset();
    io.stop();
    if (io_thread.joinable()) io_thread.join();
    writer.reset();
    sink.reset();
    usb.reset();
    if (!dir.empty()) std::filesystem::remove_all(dir);
  }
  std::vector<std::uint8_t> journal_bytes() {
    writer->flush();
    auto r = acquisition::read_journal(dir / "journal.db", session->journal_session_id());
    std::vector<std::uint8_t> all;
    if (r)
      for (auto& c : r->chunks) all.insert(all.end(), c.bytes.begin(), c.bytes.end());
    return all;
  }
};

void drain(acquisition::FlowSession& s, std::vector<acquisition::TimedFlowSample>& into) {
  while (auto b = s.analysis_queue().pop())
    into.insert(into.end(), b->samples.begin(), b->samples.end());
}

}  // namespace

TEST(UsbSession, BulkStreamArrivesCompleteAndIsJournaled) {
  Rig rig;
  rig.start();
  if (HasFatalFailure()) return;
  std::vector<acquisition::TimedFlowSample> got;
  ASSERT_TRUE(wait_for(
      [&] {
        drain(*rig.session, got);
        return got.size() >= 1000;
      },
      5s))
      << "samples so far: " << got.size()
      << ", state: " << acquisition::to_string(rig.session->status().state) << " "
      << rig.session->status().message;
  ASSERT_TRUE(rig.head.drain());
  ASSERT_TRUE(wait_for(
      [&] { return rig.session->counters().bytes == rig.head.delivered_bytes().size(); }, 2s));
  drain(*rig.session, got);
  // The session sent the profile's start command over the bulk OUT endpoint (S 0x10 0x00).
  EXPECT_EQ(rig.head.host_commands(), rig.prof.start_command);
  // Every sample, in order, with the value the head measured (first sample discarded, §5).
  const auto first = got.front().index;
  EXPECT_EQ(first, static_cast<std::int64_t>(rig.prof.discard_first_samples));
  for (std::size_t k = 0; k < got.size(); ++k) {
    ASSERT_EQ(got[k].index, first + static_cast<std::int64_t>(k));
    ASSERT_EQ(got[k].flow_lps, rig.prof.scaling.flow_lps(rig.head.raw_at(got[k].index)));
  }
  EXPECT_EQ(rig.session->counters().driver.gap_samples, 0u);
  EXPECT_EQ(rig.journal_bytes(), rig.head.delivered_bytes());
}

TEST(UsbSession, HotPlugLeaveAndArriveAreSeenAndTheSessionResumes) {
  Rig rig;
  rig.start();
  if (HasFatalFailure()) return;
  std::atomic<int> arrived{0}, left{0};
  const int w = rig.usb->watch(rig.prof.usb.vendor_id, rig.prof.usb.product_id,
                               [&](bool a) { (a ? arrived : left)++; });
  ASSERT_GE(w, 0) << "libusb reports no hot-plug support";
  std::vector<acquisition::TimedFlowSample> got;
  ASSERT_TRUE(wait_for(
      [&] {
        drain(*rig.session, got);
        return got.size() >= 300;
      },
      5s));
  const auto pulled = std::chrono::steady_clock::now();
  rig.head.unplug();
  ASSERT_TRUE(wait_for([&] { return rig.session->counters().unplugs == 1; }, 1s))
      << "unplug not reported within 1 s";
  EXPECT_LT(std::chrono::steady_clock::now() - pulled, 1s);
  EXPECT_EQ(rig.session->status().state, acquisition::SessionState::unplugged);
  EXPECT_TRUE(wait_for([&] { return left.load() == 1; }, 1s)) << "hot-plug 'left' not seen";
  std::this_thread::sleep_for(300ms);
  rig.head.replug();
  EXPECT_TRUE(wait_for([&] { return arrived.load() == 1; }, 2s)) << "hot-plug 'arrived' not seen";
  ASSERT_TRUE(wait_for([&] { return rig.session->counters().replugs == 1; }, 3s))
      << rig.session->status().message;
  const auto before = got.size();
  ASSERT_TRUE(wait_for(
      [&] {
        drain(*rig.session, got);
        return got.size() >= before + 300;
      },
      3s));
  for (std::size_t k = 1; k < got.size(); ++k) ASSERT_GT(got[k].index, got[k - 1].index);
  EXPECT_EQ(rig.session->counters().reordered, 0u);
  rig.usb->unwatch(w);
}

TEST(UsbTransport, AbsentDeviceAndBadUriAreClearErrors) {
  devsim::FakeUsbFlowHead head(usb_profile(), script("quiet:1"));
  std::string why;
  ASSERT_TRUE(head.plug(&why)) << why;
  drivers::IoError e;
  auto usb = drivers::UsbContext::create(&e);
  ASSERT_TRUE(usb);
  drivers::UsbSettings s;
  s.vendor_id = 0x1234;
  s.product_id = 0x5678;
  drivers::UsbTransport t(*usb, s);
  auto st = t.start({});
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, "not_found");
  EXPECT_NE(st.error().message.find("usb:1234:5678"), std::string::npos);
  EXPECT_FALSE(drivers::parse_usb_uri("usb:12:34", &e));
  EXPECT_EQ(e.code, "bad_uri");
  // Discovery sees the fake head and matches it to the USB profile by VID:PID.
  const auto prof = usb_profile();
  auto found = drivers::discover_devices(
      usb.get(), {{prof.usb.vendor_id, prof.usb.product_id, prof.device.id, "flowstream"}});
  bool seen = false;
  for (const auto& d : found)
    if (d.uri == "usb:1209:0001") {
      seen = true;
      EXPECT_EQ(d.profile, "sfm3000-usb");
      EXPECT_EQ(d.driver, "flowstream");
    }
  EXPECT_TRUE(seen);
  auto ok = drivers::parse_usb_uri("usb:1209:0001:SN42", &e);
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->vendor_id, 0x1209);
  EXPECT_EQ(ok->serial, "SN42");
}
