// The result-sending devices' drivers (drivers/gsi61, drivers/vitalograph, drivers/tm262) in an
// acquisition::RecordSession on a real pty, fed by the devsim record sender: a good record is
// delivered; a broken frame (bad checksum, truncated, garbage between frames) is counted, its
// bytes are kept in the raw journal and the session goes on; a cable pulled in the middle of a
// record is reported within 1 s and the partial record counted; the Vitalograph gets its ACK/NAK.
#include "acquisition/devices/result_records.hpp"
#include "acquisition/session/record_session.hpp"
#include "drivers/gsi61/gsi61_driver.hpp"
#include "drivers/tm262/tm262_driver.hpp"
#include "drivers/vitalograph/vitalograph_driver.hpp"
#include "tests/acquisition/integration/sim_fixture.hpp"
#include "tools/devsim/record_sender.hpp"
#include "tools/devsim/result_records.hpp"

using namespace odyo;
using namespace std::chrono_literals;

namespace {

// A record-sending device on a pty and the station's session on the other end.
template <typename Driver>
struct ResultRig {
  using Frame = typename Driver::Frame;
  std::filesystem::path dir;
  devsim::RecordSender dev;
  std::unique_ptr<acquisition::SqliteJournal> journal;
  std::unique_ptr<acquisition::JournalWriter> writer;
  simtest::IoThread io;
  std::unique_ptr<acquisition::RecordSession<Driver>> session;
  std::mutex mu;
  std::vector<Frame> got;

  explicit ResultRig(const char* tag, Driver driver = Driver{})
      : dir(simtest::make_temp_dir(tag)), dev(dir / "tty") {
    EXPECT_TRUE(dev.plug());
    auto j = acquisition::SqliteJournal::open(dir / "j.db");
    EXPECT_TRUE(j.ok());
    journal = std::move(*j);
    writer = std::make_unique<acquisition::JournalWriter>(*journal);
    writer->start();
    session = std::make_unique<acquisition::RecordSession<Driver>>(
        io.io,
        std::make_unique<drivers::SerialTransport>(
            io.io, drivers::SerialSettings{(dir / "tty").string(), 9600, false}),
        std::move(driver), *writer,
        acquisition::SessionMeta{tag, tag, "serial:" + (dir / "tty").string(), "", "W-1"});
    session->on_record([this](const Frame& f) {
      std::lock_guard lock(mu);
      got.push_back(f);
    });
    EXPECT_TRUE(session->start().ok());
    std::this_thread::sleep_for(300ms);  // the port is open
  }
  ~ResultRig() {
    session->stop();
    session.reset();
    writer->stop();
    std::filesystem::remove_all(dir);
  }
  std::size_t frames() {
    std::lock_guard lock(mu);
    return got.size();
  }
  codec::Bytes journaled() {
    writer->flush();
    auto r = acquisition::read_journal(dir / "j.db", session->journal_session_id());
    EXPECT_TRUE(r.ok());
    codec::Bytes all;
    if (r.ok())
      for (const auto& ch : r->chunks) all.insert(all.end(), ch.bytes.begin(), ch.bytes.end());
    return all;
  }
};

codec::Bytes half(const codec::Bytes& b) {
  return codec::Bytes(b.begin(), b.begin() + static_cast<std::ptrdiff_t>(b.size() / 2));
}

}  // namespace

// GSI 61 type 1 records (gsi61.md §3.2): HL 35.0 dB at 1000 Hz decoded; garbage between records
// and a record cut off by the next one are decode errors; a record whose checksum fails the
// unverified rule H1 is delivered flagged (§4: log, do not reject); every byte is journaled.
TEST(ResultSessionsPty, Gsi61GoodBrokenAndFlaggedRecords) {
  ResultRig<drivers::Gsi61Driver> rig("gsi61");
  const auto good = devsim::gsi61_type1(1000, 35);
  auto bad_ck = devsim::gsi61_type1(2000, 40);
  bad_ck[bad_ck.size() - 3] ^= 0x01;  // last checksum character: no longer the H1 sum
  const codec::Bytes garbage = {'x', 0x00, 0xFF};
  const auto cut = half(devsim::gsi61_type1(4000, 50));  // the next ':' cuts it off
  const auto sent = rig.dev.send({good, garbage, cut, bad_ck, devsim::gsi61_type1(500, 20)}, 30ms);
  ASSERT_TRUE(simtest::wait_for([&] { return rig.frames() == 3; }, 2s)) << rig.frames();
  ASSERT_TRUE(simtest::wait_for([&] { return rig.session->counters().decode_errors >= 2; }, 2s));
  {
    std::lock_guard lock(rig.mu);
    ASSERT_TRUE(rig.got[0].type1.has_value());
    EXPECT_EQ(rig.got[0].type1->frequency_hz, 1000);
    EXPECT_DOUBLE_EQ(rig.got[0].type1->channel1_hl_db, 35.0);  // "0350" tenths of dB
    EXPECT_EQ(rig.got[0].integrity, codec::gsi61::Integrity::h1_match);
    EXPECT_EQ(rig.got[1].type1->frequency_hz, 2000);
    EXPECT_EQ(rig.got[1].integrity, codec::gsi61::Integrity::unverified_mismatch);
    EXPECT_EQ(rig.got[2].type1->frequency_hz, 500);
  }
  const auto c = rig.session->counters();
  EXPECT_EQ(c.records, 3u);
  EXPECT_EQ(c.flagged, 1u);
  EXPECT_EQ(c.decode_errors, 2u) << "garbage run, truncated record";
  EXPECT_EQ(rig.journaled(), sent);
}

// A strict profile (once the checksum rule is confirmed) turns the mismatch into a decode error.
TEST(ResultSessionsPty, Gsi61StrictChecksumRejects) {
  profile::SerialResultsProfile p;
  p.gsi61_checksum = codec::gsi61::ChecksumPolicy::strict;
  ResultRig<drivers::Gsi61Driver> rig("gsi61s", drivers::Gsi61Driver(p));
  auto bad_ck = devsim::gsi61_type1(2000, 40);
  bad_ck[bad_ck.size() - 3] ^= 0x01;
  rig.dev.send({bad_ck, devsim::gsi61_type1(1000, 10)}, 30ms);
  ASSERT_TRUE(simtest::wait_for([&] { return rig.frames() == 1; }, 2s));
  ASSERT_TRUE(simtest::wait_for([&] { return rig.session->counters().decode_errors == 1; }, 1s));
  std::lock_guard lock(rig.mu);
  EXPECT_EQ(rig.got[0].type1->frequency_hz, 1000);
}

// Unplugged halfway through a record: the unplug is counted within 1 s, the partial record is
// reported as truncated and kept in the journal; after re-plug the next record is delivered.
TEST(ResultSessionsPty, Gsi61UnplugMidRecordReportedWithinOneSecond) {
  ResultRig<drivers::Gsi61Driver> rig("gsi61u");
  const auto part = half(devsim::gsi61_type1(3000, 45));
  const auto sent = rig.dev.send({devsim::gsi61_type1(1000, 35), part}, 30ms);
  ASSERT_TRUE(simtest::wait_for([&] { return rig.session->counters().bytes == sent.size(); }, 2s));
  const auto t0 = std::chrono::steady_clock::now();
  rig.dev.unplug();
  ASSERT_TRUE(simtest::wait_for([&] { return rig.session->counters().unplugs == 1; }, 1s));
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 1s);
  const auto c = rig.session->counters();
  EXPECT_EQ(c.records, 1u);
  EXPECT_EQ(c.decode_errors, 1u) << "the record cut by the unplug";
  EXPECT_EQ(rig.journaled(), sent);
  ASSERT_TRUE(rig.dev.plug());
  ASSERT_TRUE(simtest::wait_for([&] { return rig.session->counters().replugs == 1; }, 2s));
  std::this_thread::sleep_for(100ms);
  rig.dev.send({devsim::gsi61_type1(3000, 45)}, 10ms);
  EXPECT_TRUE(simtest::wait_for([&] { return rig.frames() == 2; }, 2s));
}

// Vitalograph (vitalograph-lung-monitor.md §2, §5): the good blow is delivered and ACKed (0x06);
// the same frame with its checksum byte changed is NAKed (0x15) and counted, not delivered;
// garbage between frames is skipped and counted; a repeated record is ACKed but delivered once.
TEST(ResultSessionsPty, VitalographAckNakGarbageAndDuplicates) {
  ResultRig<drivers::VitalographDriver> rig("vitalo");
  const auto good = devsim::vitalograph_records().front();
  ASSERT_EQ(good.size(), 59u);
  auto bad = good;
  bad.back() ^= 0x01;  // §5 a: checksum 0x65 arrives as 0x64
  const codec::Bytes garbage = {'?', '?', 0x00};
  const auto sent = rig.dev.send({bad, good, garbage, good}, 50ms);
  const auto replies = rig.dev.read_replies(3, 2s);
  EXPECT_EQ(replies, (codec::Bytes{0x15, 0x06, 0x06}));
  ASSERT_TRUE(simtest::wait_for([&] { return rig.frames() == 1; }, 2s));
  ASSERT_TRUE(simtest::wait_for([&] { return rig.session->counters().decode_errors == 2; }, 2s));
  {
    std::lock_guard lock(rig.mu);
    ASSERT_TRUE(rig.got[0].result.has_value());
    EXPECT_DOUBLE_EQ(rig.got[0].result->fev1_l, 3.12);
    EXPECT_DOUBLE_EQ(rig.got[0].result->fev6_l, 4.01);
    EXPECT_TRUE(rig.got[0].result->good_test);
  }
  const auto c = rig.session->counters();
  EXPECT_EQ(c.duplicates, 1u);
  EXPECT_EQ(c.replies_sent, 3u);
  EXPECT_EQ(rig.journaled(), sent);
}

// A Vitalograph that goes quiet in the middle of a frame (link kept): after 500 ms of silence the
// partial frame is reported as truncated; the next whole frame is delivered. Then an unplug in
// the middle of a frame is reported within 1 s.
TEST(ResultSessionsPty, VitalographTruncatedFrameThenUnplugMidRecord) {
  ResultRig<drivers::VitalographDriver> rig("vitalot");
  const auto good = devsim::vitalograph_records().front();
  rig.dev.send({half(good)}, 0ms);
  ASSERT_TRUE(simtest::wait_for([&] { return rig.session->counters().decode_errors == 1; }, 2s));
  const auto sent = rig.dev.send({good, half(good)}, 30ms);
  ASSERT_TRUE(simtest::wait_for([&] { return rig.frames() == 1; }, 2s));
  ASSERT_TRUE(simtest::wait_for(
      [&] { return rig.session->counters().bytes == half(good).size() + sent.size(); }, 2s));
  const auto t0 = std::chrono::steady_clock::now();
  rig.dev.unplug();
  ASSERT_TRUE(simtest::wait_for([&] { return rig.session->counters().unplugs == 1; }, 1s));
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 1s);
  EXPECT_EQ(rig.session->counters().decode_errors, 2u);
}

// TM262 through its driver: the demo audiogram's two "y" records become one two-ear audiogram;
// unplugged mid-record: reported within 1 s, the partial record counted.
TEST(ResultSessionsPty, Tm262DriverRecordsAndUnplugMidRecord) {
  ResultRig<drivers::Tm262Driver> rig("tm262d");
  const auto recs = devsim::tm262_records(devsim::demo_audiogram(), 3);
  ASSERT_EQ(recs.size(), 2u);
  const auto sent = rig.dev.send({recs[0], recs[1], half(recs[0])}, 30ms);
  ASSERT_TRUE(simtest::wait_for([&] { return rig.frames() == 2; }, 2s));
  ASSERT_TRUE(simtest::wait_for([&] { return rig.session->counters().bytes == sent.size(); }, 2s));
  const auto t0 = std::chrono::steady_clock::now();
  rig.dev.unplug();
  ASSERT_TRUE(simtest::wait_for([&] { return rig.session->counters().unplugs == 1; }, 1s));
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 1s);
  EXPECT_EQ(rig.session->counters().decode_errors, 1u);
  EXPECT_EQ(rig.journaled(), sent);
  acquisition::Tm262AudiogramCollector col;
  {
    std::lock_guard lock(rig.mu);
    for (const auto& r : rig.got) col.add(r);
  }
  ASSERT_TRUE(col.complete());
  // demo_audiogram(): left 4000 Hz = 55 dB HL (sent ×2 = 110 = 0x006E).
  bool seen = false;
  for (const auto& p : col.audiogram().points)
    if (p.ear == codec::Ear::left && p.frequency_hz == 4000) {
      ASSERT_TRUE(p.threshold_db_hl.has_value());
      EXPECT_DOUBLE_EQ(*p.threshold_db_hl, 55.0);
      seen = true;
    }
  EXPECT_TRUE(seen);
}
