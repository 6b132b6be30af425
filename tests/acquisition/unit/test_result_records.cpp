// Result records gathered into one result per test (acquisition/devices/result_records): the
// GSI 61 ear-by-test-order convention, error records and flagged checksums; TM262 ears, repeats
// and retransmissions; the first valid Vitalograph record. Records built with the codecs'
// encoders from values chosen here.
#include <gtest/gtest.h>

#include <cstdio>

#include "acquisition/devices/result_records.hpp"

using namespace odyo;
namespace g = codec::gsi61;

namespace {

// A GSI 61 type 1 record (gsi61.md §3.2) at `hz` with channel 1 at `tenths_db` tenths of a dB.
g::Frame gsi(int hz, int tenths_db, int test_type = 0) {
  char body[64];
  std::snprintf(body, sizeof body, "%d1000000000000003%04d100000%5d000000", test_type, tenths_db,
                hz);
  auto bytes = g::encode_record('1', body);
  g::Gsi61Decoder d;
  auto b = d.feed(bytes);
  EXPECT_EQ(b.frames.size(), 1u);
  EXPECT_TRUE(b.frames.empty() || b.frames[0].type1.has_value()) << body;
  return b.frames.empty() ? g::Frame{} : b.frames[0];
}

const codec::AudiogramPoint* point(const codec::Audiogram& a, codec::Ear e, int hz) {
  for (const auto& p : a.points)
    if (p.ear == e && p.frequency_hz == hz) return &p;
  return nullptr;
}

}  // namespace

TEST(Gsi61AudiogramCollector, EarFollowsTheTestOrderAndSwitchesWhenAFrequencyComesAgain) {
  acquisition::Gsi61AudiogramCollector c({codec::Ear::left, codec::Ear::right});
  c.add(gsi(1000, 250));
  c.add(gsi(2000, 300));
  EXPECT_FALSE(c.complete());
  c.add(gsi(1000, 150));  // 1000 Hz again: the operator moved to the second ear (right)
  c.add(gsi(500, 100));
  EXPECT_TRUE(c.complete());
  EXPECT_EQ(c.records_used(), 4u);
  const auto a = c.audiogram();
  ASSERT_NE(point(a, codec::Ear::left, 1000), nullptr);
  EXPECT_DOUBLE_EQ(*point(a, codec::Ear::left, 1000)->threshold_db_hl, 25.0);
  EXPECT_DOUBLE_EQ(*point(a, codec::Ear::left, 2000)->threshold_db_hl, 30.0);
  EXPECT_DOUBLE_EQ(*point(a, codec::Ear::right, 1000)->threshold_db_hl, 15.0);
  EXPECT_DOUBLE_EQ(*point(a, codec::Ear::right, 500)->threshold_db_hl, 10.0);
  EXPECT_EQ(c.source_text().size(), 4u * 44u);  // four 44-byte type 1 records, CR LF kept
  // A third pass has no ear left: noted, not used.
  c.add(gsi(500, 100));
  EXPECT_EQ(c.records_used(), 4u);
  ASSERT_FALSE(c.notes().empty());
  EXPECT_NE(c.notes().back().find("after the last ear"), std::string::npos);
}

TEST(Gsi61AudiogramCollector, SpeechTestsErrorRecordsAndFlaggedChecksumsAreNoted) {
  acquisition::Gsi61AudiogramCollector c;
  c.add(gsi(1000, 400, 1));  // speech test
  EXPECT_EQ(c.records_used(), 0u);
  g::Gsi61Decoder d;
  auto err = d.feed(g::encode_record('4', "14"));  // HL clipped
  ASSERT_EQ(err.frames.size(), 1u);
  c.add(err.frames[0]);
  auto flagged = gsi(2000, 200);
  flagged.integrity = g::Integrity::unverified_mismatch;
  c.add(flagged);
  EXPECT_EQ(c.records_used(), 1u);
  EXPECT_EQ(c.unverified_checksums(), 1u);
  ASSERT_EQ(c.notes().size(), 3u);
  EXPECT_NE(c.notes()[0].find("not a pure-tone test"), std::string::npos);
  EXPECT_NE(c.notes()[1].find("error 14"), std::string::npos);
  EXPECT_NE(c.notes()[2].find("H1"), std::string::npos);
}

TEST(Tm262AudiogramCollector, BothEarsRepeatsReplaceRetransmissionsAreNotUsed) {
  namespace wa = codec::tm262;
  wa::Tm262Decoder d;
  wa::AudiometryRecordOut r;
  r.ear = codec::Ear::right;
  r.thresholds_db_hl[4] = 20;  // 1000 Hz
  wa::AudiometryRecordOut l = r;
  l.ear = codec::Ear::left;
  l.sequence = 1;
  wa::AudiometryRecordOut r2 = r;
  r2.sequence = 2;
  r2.thresholds_db_hl[4] = 30;
  codec::Bytes all;
  for (const auto& rec : {r, l, l, r2}) {
    auto b = wa::encode_audiometry_record(rec);
    all.insert(all.end(), b.begin(), b.end());
  }
  auto batch = d.feed(all);
  ASSERT_EQ(batch.frames.size(), 4u);
  acquisition::Tm262AudiogramCollector c;
  for (const auto& f : batch.frames) c.add(f);
  EXPECT_TRUE(c.complete());
  EXPECT_EQ(c.records_used(), 3u);  // the retransmitted left record is not used again
  const auto a = c.audiogram();
  ASSERT_NE(point(a, codec::Ear::right, 1000), nullptr);
  EXPECT_DOUBLE_EQ(*point(a, codec::Ear::right, 1000)->threshold_db_hl, 30.0);  // the later one
  EXPECT_DOUBLE_EQ(*point(a, codec::Ear::left, 1000)->threshold_db_hl, 20.0);
}

TEST(VitalographResultCollector, KeepsTheFirstValidRecord) {
  namespace vg = codec::vitalograph;
  // vitalograph-lung-monitor.md §4: the published captured record (FEV1 3.63 L, FEV6 3.99 L).
  const std::string captured = "FTD00001294063633990914040000000950900001305281044180923";
  vg::VitalographDecoder d;
  auto b = d.feed(vg::encode_frame("FTX" + captured.substr(3)));  // wrong literal: content error
  auto b2 = d.feed(vg::encode_frame(captured));
  acquisition::VitalographResultCollector c;
  for (const auto& f : b.frames) c.add(f);
  EXPECT_FALSE(c.complete());
  for (const auto& f : b2.frames) c.add(f);
  ASSERT_TRUE(c.complete());
  EXPECT_DOUBLE_EQ(c.result()->fev1_l, 3.63);
  EXPECT_DOUBLE_EQ(c.result()->fev6_l, 3.99);
  EXPECT_EQ(c.data(), captured);
  EXPECT_EQ(c.notes().size(), 1u);
}
