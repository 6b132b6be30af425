// The real serial transport, flow-stream driver, session and raw journal against the simulated
// SFM3000 serial head (tools/devsim) through a pty, with the shipped profile
// config/devices/sfm3000-serial.toml (1 kHz, 5 samples per frame, 20-byte frames).
#include <atomic>
#include <mutex>

#include "tests/acquisition/integration/sim_fixture.hpp"

using namespace odyo;
using namespace std::chrono_literals;

namespace {

struct Rig {
  std::filesystem::path dir = simtest::make_temp_dir("pty");
  std::filesystem::path link = dir / "ttySIM0";
  std::unique_ptr<acquisition::SqliteJournal> sink;
  std::unique_ptr<acquisition::JournalWriter> writer;
  simtest::IoThread io;
  std::unique_ptr<acquisition::FlowSession> session;
  std::mutex mu;
  std::vector<std::pair<acquisition::SessionStatus, std::chrono::steady_clock::time_point>>
      statuses;

  explicit Rig(const profile::FlowStreamProfile& p) {
    auto j = acquisition::SqliteJournal::open(dir / "journal.db");
    EXPECT_TRUE(j.ok());
    sink = std::move(*j);
    writer = std::make_unique<acquisition::JournalWriter>(*sink);
    writer->start();
    auto t = std::make_unique<drivers::SerialTransport>(
        io.io, drivers::SerialSettings{link.string(), 115200, true});
    session = std::make_unique<acquisition::FlowSession>(
        io.io, std::move(t), drivers::FlowStreamDriver(p), *writer,
        acquisition::SessionMeta{"spiro-1", "flowstream", "serial:" + link.string(), p.device.id,
                                 "W-1"});
    session->set_status_callback([this](const acquisition::SessionStatus& s) {
      std::lock_guard lock(mu);
      statuses.emplace_back(s, std::chrono::steady_clock::now());
    });
  }
  ~Rig() {
    session.reset();
    writer.reset();
    sink.reset();
    std::filesystem::remove_all(dir);
  }
  std::vector<std::uint8_t> journal_bytes() {
    writer->flush();
    auto r = acquisition::read_journal(dir / "journal.db", session->journal_session_id());
    EXPECT_TRUE(r.ok());
    std::vector<std::uint8_t> all;
    for (auto& c : r->chunks) all.insert(all.end(), c.bytes.begin(), c.bytes.end());
    return all;
  }
};

}  // namespace

// A clean stream: every sample arrives once, in order, with the value the simulator measured;
// the journal holds exactly the bytes the simulator wrote.
TEST(FlowSessionPty, CleanStreamDeliversEverySampleAndJournalsEveryByte) {
  const auto prof = simtest::serial_profile();
  Rig rig(prof);
  devsim::SpiroSimulator sim2(prof, simtest::script("quiet:0.2,normal", prof.sample_rate_hz),
                              rig.link);
  ASSERT_TRUE(rig.session->start().ok());
  std::string why;
  ASSERT_TRUE(sim2.start(&why)) << why;
  std::vector<acquisition::TimedFlowSample> got;
  ASSERT_TRUE(simtest::wait_for(
      [&] {
        simtest::drain(*rig.session, got);
        return got.size() >= 1500;
      },
      5s));
  sim2.silence();
  ASSERT_TRUE(simtest::wait_for(
      [&] { return rig.session->counters().bytes == sim2.sent_bytes().size(); }, 2s));
  simtest::drain(*rig.session, got);
  EXPECT_EQ(rig.journal_bytes(), sim2.sent_bytes());
  sim2.stop();  // closes the pty: the session sees the unplug
  ASSERT_TRUE(simtest::wait_for([&] { return rig.session->counters().unplugs == 1; }, 2s));
  rig.session->stop();
  simtest::drain(*rig.session, got);

  // discard_first_samples = 1 in the profile (sensirion-sfm3000.md §5): numbering starts at 1.
  ASSERT_GE(got.size(), 1500u);
  for (std::size_t k = 0; k < got.size(); ++k) {
    ASSERT_EQ(got[k].index, static_cast<std::int64_t>(k) + 1) << "sample " << k;
    ASSERT_EQ(got[k].flow_lps, prof.scaling.flow_lps(sim2.raw_at(got[k].index)))
        << "index " << got[k].index;
  }
  const auto c = rig.session->counters();
  EXPECT_EQ(c.driver.gap_samples, 0u);
  EXPECT_EQ(c.driver.frame_errors, 0u);
  EXPECT_EQ(c.reordered, 0u);
  // Sample times: fitted from the index, 1 ms apart at 1 kHz (within one sample period).
  const double span_s = got.back().t_s - got.front().t_s;
  EXPECT_NEAR(span_s, static_cast<double>(got.back().index - got.front().index) / 1000.0, 0.001);
}

// Bad checksums, garbage between frames: counted, the stream resynchronises, raw bytes kept.
TEST(FlowSessionPty, BadChecksumAndGarbageAreCountedAndKept) {
  const auto prof = simtest::serial_profile();
  Rig rig(prof);
  devsim::SpiroFaults faults;
  faults.bad_checksum_frames = {20, 40};
  faults.garbage_before_frames = {60};
  devsim::SpiroSimulator sim(prof, simtest::script("sine:5", prof.sample_rate_hz), rig.link,
                             faults);
  ASSERT_TRUE(rig.session->start().ok());
  ASSERT_TRUE(sim.start());
  std::vector<acquisition::TimedFlowSample> got;
  ASSERT_TRUE(simtest::wait_for(
      [&] {
        simtest::drain(*rig.session, got);
        return got.size() >= 600;
      },
      5s));
  const auto c = rig.session->counters();
  // Frames 20 and 40 rejected: 2 frame errors; their 10 samples show as a gap after the next
  // good frame (8-bit frame counter). Frame 60 is preceded by 3 garbage bytes.
  EXPECT_EQ(c.driver.frame_errors, 2u);
  EXPECT_EQ(c.driver.gap_samples, 10u);
  EXPECT_EQ(c.driver.garbage_bytes, 3u);
  EXPECT_EQ(c.reordered, 0u);
  for (std::size_t k = 0; k < got.size(); ++k) {
    const std::int64_t i = got[k].index;
    EXPECT_FALSE(i >= 100 && i < 105) << "sample of the corrupted frame 20 delivered";
    EXPECT_FALSE(i >= 200 && i < 205) << "sample of the corrupted frame 40 delivered";
    ASSERT_EQ(got[k].flow_lps, prof.scaling.flow_lps(sim.raw_at(i)));
  }
  sim.silence();
  ASSERT_TRUE(simtest::wait_for(
      [&] { return rig.session->counters().bytes == sim.sent_bytes().size(); }, 2s));
  EXPECT_EQ(rig.journal_bytes(), sim.sent_bytes());  // the bad frames are in the journal too
}

// Unplug mid-blow: reported within 1 s, journaled, and the session resumes on re-plug with
// numbering that never goes back.
TEST(FlowSessionPty, UnplugMidBlowIsReportedWithinOneSecondAndSessionResumes) {
  const auto prof = simtest::serial_profile();
  Rig rig(prof);
  devsim::SpiroSimulator sim(
      prof, simtest::script("quiet:0.3,unplug_mid_blow,quiet:1", prof.sample_rate_hz), rig.link);
  ASSERT_TRUE(rig.session->start().ok());
  ASSERT_TRUE(sim.start());
  ASSERT_TRUE(simtest::wait_for([&] { return sim.unplugs_done() == 1; }, 5s));
  const auto unplugged_at = std::chrono::steady_clock::now();
  ASSERT_TRUE(simtest::wait_for([&] { return rig.session->counters().unplugs == 1; }, 1s))
      << "the unplug was not reported within 1 s";
  ASSERT_TRUE(simtest::wait_for([&] { return rig.session->counters().replugs == 1; }, 4s));
  std::vector<acquisition::TimedFlowSample> got;
  ASSERT_TRUE(simtest::wait_for(
      [&] {
        simtest::drain(*rig.session, got);
        return rig.session->status().state == acquisition::SessionState::streaming &&
               got.size() > 3500;
      },
      6s));
  {
    std::lock_guard lock(rig.mu);
    bool seen = false;
    for (auto& [s, t] : rig.statuses)
      if (s.state == acquisition::SessionState::unplugged && !seen) {
        seen = true;
        EXPECT_LT(t - unplugged_at, 1s);
        EXPECT_NE(s.message.find("unplugged"), std::string::npos) << s.message;
      }
    EXPECT_TRUE(seen);
  }
  for (std::size_t k = 1; k < got.size(); ++k) ASSERT_GT(got[k].index, got[k - 1].index);
  EXPECT_EQ(rig.session->counters().reordered, 0u);
  sim.stop();
  rig.writer->flush();
  auto r = acquisition::read_journal(rig.dir / "journal.db", rig.session->journal_session_id());
  ASSERT_TRUE(r.ok());
  std::vector<std::string> kinds;
  for (auto& e : r->events) kinds.push_back(e.kind);
  ASSERT_GE(kinds.size(), 2u);
  EXPECT_EQ(kinds[0], "unplugged");
  EXPECT_EQ(kinds[1], "replugged");
}

// A device that stops sending mid-manoeuvre: no crash, no invented samples, the session stays
// connected (the segmenter decides what the silence means).
TEST(FlowSessionPty, DeviceThatStopsMidManoeuvreDeliversNothingMore) {
  const auto prof = simtest::serial_profile();
  Rig rig(prof);
  devsim::SpiroFaults faults;
  faults.stop_after_frames = 400;  // 2.0 s: 0.3 s quiet + 1.5 s inspiration + 0.2 s of the blow
  devsim::SpiroSimulator sim(prof, simtest::script("quiet:0.3,normal", prof.sample_rate_hz),
                             rig.link, faults);
  ASSERT_TRUE(rig.session->start().ok());
  ASSERT_TRUE(sim.start());
  std::vector<acquisition::TimedFlowSample> got;
  ASSERT_TRUE(simtest::wait_for(
      [&] {
        simtest::drain(*rig.session, got);
        return !got.empty() && got.back().index == 1999;
      },
      5s));
  std::this_thread::sleep_for(300ms);
  simtest::drain(*rig.session, got);
  EXPECT_EQ(got.back().index, 1999);
  EXPECT_EQ(got.size(), 1999u);
  EXPECT_EQ(rig.session->status().state, acquisition::SessionState::streaming);
}

// Two stations opening one port: the second is refused with a message naming the port.
TEST(FlowSessionPty, SecondOpenerOfOnePortIsRefused) {
  const auto prof = simtest::serial_profile();
  Rig rig(prof);
  devsim::SpiroSimulator sim(prof, simtest::script("sine:2", prof.sample_rate_hz), rig.link);
  ASSERT_TRUE(sim.start());
  drivers::SerialTransport first(rig.io.io,
                                 drivers::SerialSettings{rig.link.string(), 115200, true});
  drivers::SerialTransport second(rig.io.io,
                                  drivers::SerialSettings{rig.link.string(), 115200, true});
  ASSERT_TRUE(first.start({}).ok());
  auto st = second.start({});
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, "port_busy");
  EXPECT_NE(st.error().message.find(rig.link.string()), std::string::npos);
  EXPECT_TRUE(first.modem_lines_unsupported()) << "a pty has no DTR/RTS: ENOTTY must be tolerated";
  first.stop();
  EXPECT_TRUE(second.start({}).ok()) << "the port is free again once the first closes it";
  second.stop();
}

// A URI that is not a serial port is refused with the expected form in the message.
TEST(FlowSessionPty, BadSerialUriSaysWhatToWrite) {
  drivers::IoError why;
  EXPECT_FALSE(drivers::parse_serial_uri("usb:0403:6001", &why));
  EXPECT_EQ(why.code, "bad_uri");
  EXPECT_NE(why.message.find("serial:/dev/ttyUSB0"), std::string::npos);
  auto ok = drivers::parse_serial_uri("serial:/dev/ttyS3?baud=9600", &why);
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->path, "/dev/ttyS3");
  EXPECT_EQ(ok->baud_rate, 9600u);
}
