// A result-sending device (Welch Allyn TM262 "y" audiometry records, codec drivers/codec/tm262)
// through a pty into a RecordSession: records decoded, a corrupted record and garbage between
// records counted (not crashing, not delivered), every byte journaled.
#include "acquisition/session/record_session.hpp"
#include "drivers/codec/tm262.hpp"
#include "tests/acquisition/integration/sim_fixture.hpp"
#include "tools/devsim/record_sender.hpp"

using namespace odyo;
using namespace std::chrono_literals;
namespace wa = codec::tm262;

TEST(Tm262Pty, RecordsArriveCorruptedOnesAreCountedAndEverythingIsJournaled) {
  const auto dir = simtest::make_temp_dir("tm262");
  devsim::RecordSender dev(dir / "ttyTM");
  ASSERT_TRUE(dev.plug());
  auto j = acquisition::SqliteJournal::open(dir / "j.db");
  ASSERT_TRUE(j.ok());
  acquisition::JournalWriter writer(**j);
  writer.start();
  simtest::IoThread io;
  acquisition::RecordSession<wa::Tm262Decoder> session(
      io.io,
      std::make_unique<drivers::SerialTransport>(
          io.io, drivers::SerialSettings{(dir / "ttyTM").string(), 9600, false}),
      wa::Tm262Decoder{}, writer,
      {"tm262-1", "tm262", "serial:" + (dir / "ttyTM").string(), "", "W-3"});
  std::mutex mu;
  std::vector<wa::Record> got;
  session.on_record([&](const wa::Record& r) {
    std::lock_guard lock(mu);
    got.push_back(r);
  });
  ASSERT_TRUE(session.start().ok());
  ASSERT_TRUE(simtest::wait_for([&] { return session.counters().bytes == 0; }, 1s));
  std::this_thread::sleep_for(300ms);  // the port is open

  wa::AudiometryRecordOut right;
  right.ear = codec::Ear::right;
  right.thresholds_db_hl[4] = 25;  // 1000 Hz (slot 4, tm262 kFrequenciesHz)
  wa::AudiometryRecordOut left = right;
  left.ear = codec::Ear::left;
  left.sequence = 1;
  left.thresholds_db_hl[4] = 40;
  auto bad = wa::encode_audiometry_record(left);
  bad[bad.size() / 2] ^= 0x01;  // one bit flipped in transit: the checksum no longer matches
  const codec::Bytes garbage = {0x00, 0xFF, 'z', 'z'};
  const auto sent = dev.send(
      {wa::encode_audiometry_record(right), garbage, bad, wa::encode_audiometry_record(left)},
      50ms);

  ASSERT_TRUE(simtest::wait_for([&] { return session.counters().bytes == sent.size(); }, 3s));
  ASSERT_TRUE(simtest::wait_for(
      [&] {
        std::lock_guard l(mu);
        return got.size() == 2;
      },
      1s));
  {
    std::lock_guard lock(mu);
    ASSERT_TRUE(got[0].ear && *got[0].ear == codec::Ear::right);
    ASSERT_TRUE(got[1].ear && *got[1].ear == codec::Ear::left);
    bool seen = false;
    for (const auto& p : got[1].audiogram.points)
      if (p.frequency_hz == 1000 && p.threshold_db_hl) {
        EXPECT_DOUBLE_EQ(*p.threshold_db_hl, 40.0);
        seen = true;
      }
    EXPECT_TRUE(seen);
  }
  const auto c = session.counters();
  EXPECT_EQ(c.records, 2u);
  EXPECT_GE(c.decode_errors, 1u);  // the corrupted record (and the garbage before it)
  writer.flush();
  auto r = acquisition::read_journal(dir / "j.db", session.journal_session_id());
  ASSERT_TRUE(r.ok());
  codec::Bytes journaled;
  for (const auto& ch : r->chunks)
    journaled.insert(journaled.end(), ch.bytes.begin(), ch.bytes.end());
  EXPECT_EQ(journaled, sent);

  // Unplugged: reported, and the session takes records again after re-plug.
  dev.unplug();
  ASSERT_TRUE(simtest::wait_for([&] { return session.counters().unplugs == 1; }, 1s));
  ASSERT_TRUE(dev.plug());
  ASSERT_TRUE(simtest::wait_for([&] { return session.counters().replugs == 1; }, 2s));
  std::this_thread::sleep_for(100ms);
  dev.send({wa::encode_audiometry_record(right)}, 10ms);
  EXPECT_TRUE(simtest::wait_for([&] { return session.counters().records == 3; }, 2s));
  session.stop();
  std::filesystem::remove_all(dir);
}
