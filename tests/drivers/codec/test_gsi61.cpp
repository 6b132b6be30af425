// GSI 61 records against gsi61.md §3/§4/§5 (tests/data/devices/gsi61/error-records.tsv).
// The checksum rule H1 is the spec's unverified hypothesis: records failing it are delivered,
// flagged, not rejected (§4), unless a profile asks for strict checking.
#include <gtest/gtest.h>

#include "drivers/codec/gsi61.hpp"
#include "vectors.hpp"

using namespace odyo;
using namespace odyo::codec;
using namespace odyo::testing;

TEST(Gsi61, DecodesTheSpecErrorRecords) {
  const auto rows = read_tsv("gsi61/error-records.tsv");
  ASSERT_EQ(rows.size(), 3U);
  for (const auto& r : rows) {
    gsi61::Gsi61Decoder d;
    auto b = d.feed(hex(r[1]));
    ASSERT_EQ(b.frames.size(), 1U) << r[0];
    const auto& f = b.frames[0];
    EXPECT_EQ(f.type, '4');
    EXPECT_EQ(f.integrity, gsi61::Integrity::h1_match);
    ASSERT_TRUE(f.type4.has_value()) << f.content_error;
    EXPECT_EQ(f.type4->code, std::stoi(r[2]));
    EXPECT_EQ(f.type4->is_warning, r[2] == "14");
    EXPECT_EQ(gsi61::encode_record('4', r[2]), hex(r[1]));
  }
}

TEST(Gsi61, Type1KnownOffsets) {
  // §5: offsets 15–39 "00030350100000 1000000000"; offsets 6–14 unknown (here "ABCDEFGHI"
  // stands for them); offsets 2–5: tone, stimulus tone, zero, SISI off.
  const std::string body = "0100ABCDEFGHI" + std::string("00030350100000 1000000000");
  ASSERT_EQ(body.size() + 2, 40U);  // offsets 2…39
  auto rec = gsi61::encode_record('1', body);
  ASSERT_EQ(rec.size(), gsi61::kType1Bytes);
  gsi61::Gsi61Decoder d;
  auto b = d.feed(rec);
  ASSERT_EQ(b.frames.size(), 1U);
  ASSERT_TRUE(b.frames[0].type1.has_value()) << b.frames[0].content_error;
  const auto& t = *b.frames[0].type1;
  EXPECT_EQ(t.test_type, 0);
  EXPECT_EQ(t.channel1_stimulus, 1);
  EXPECT_EQ(t.unknown_6_14, "ABCDEFGHI");
  EXPECT_FALSE(t.tracking);
  EXPECT_EQ(t.hl_step_code, 3);  // 5 dB steps
  EXPECT_DOUBLE_EQ(t.channel1_hl_db, 35.0);
  EXPECT_TRUE(t.channel1_interrupt);
  EXPECT_DOUBLE_EQ(t.channel2_hl_db, 0.0);
  EXPECT_FALSE(t.channel2_interrupt);
  EXPECT_EQ(t.frequency_hz, 1000);
}

TEST(Gsi61, HlFieldMayBeSpacePaddedOrNegative) {
  const std::string body = "0100ABCDEFGHI" + std::string("0003 3501-1000 1000000000");
  gsi61::Gsi61Decoder d;
  auto b = d.feed(gsi61::encode_record('1', body));
  ASSERT_TRUE(b.frames.at(0).type1.has_value()) << b.frames[0].content_error;
  EXPECT_DOUBLE_EQ(b.frames[0].type1->channel1_hl_db, 35.0);
  EXPECT_DOUBLE_EQ(b.frames[0].type1->channel2_hl_db, -10.0);
}

TEST(Gsi61, ChecksumMismatchIsFlaggedNotRejectedUnlessStrict) {
  Bytes rec = hex("3A 34 31 30 43 46 0D 0A");
  rec[4] = '0';  // "C0" instead of "CF"
  gsi61::Gsi61Decoder lenient;
  auto b = lenient.feed(rec);
  ASSERT_EQ(b.frames.size(), 1U);
  EXPECT_EQ(b.frames[0].integrity, gsi61::Integrity::unverified_mismatch);
  EXPECT_TRUE(b.errors.empty());
  gsi61::Gsi61Decoder strict(gsi61::ChecksumPolicy::strict);
  b = strict.feed(rec);
  strict.flush(b);
  EXPECT_TRUE(b.frames.empty());
  ASSERT_EQ(b.errors.size(), 1U);
  EXPECT_EQ(b.errors[0].code, errc::bad_checksum);
}

TEST(Gsi61, AckXonXoffAndGarbage) {
  gsi61::Gsi61Decoder d;
  Bytes stream = concat({{0x06}, ascii("??"), {0x13, 0x11}, hex("3A34313244310D0A")});
  auto b = feed_chunked(d, stream, 1);
  ASSERT_EQ(b.frames.size(), 4U);
  EXPECT_EQ(b.frames[0].kind, gsi61::Kind::ack);
  EXPECT_EQ(b.frames[1].kind, gsi61::Kind::xoff);
  EXPECT_EQ(b.frames[2].kind, gsi61::Kind::xon);
  EXPECT_EQ(b.frames[3].type4->code, 12);
  std::uint64_t lost = 0;
  for (const auto& e : b.errors) lost += e.length;
  EXPECT_EQ(lost, 2U);
}

TEST(Gsi61, WrongLengthAndTruncation) {
  gsi61::Gsi61Decoder d;
  auto b = d.feed(gsi61::encode_record('4', "123"));  // 9 bytes, type 4 has 8
  ASSERT_EQ(b.frames.size(), 1U);
  EXPECT_FALSE(b.frames[0].type4.has_value());
  EXPECT_NE(b.frames[0].content_error.find("expected 8"), std::string::npos);
  b = d.feed(concat({ascii(":4"), hex("3A34313244310D0A")}));
  ASSERT_EQ(b.frames.size(), 1U);
  ASSERT_EQ(b.errors.size(), 1U);
  EXPECT_EQ(b.errors[0].code, errc::truncated);
  EXPECT_EQ(b.errors[0].length, 2U);
}

TEST(Gsi61, ErrorTable) {
  EXPECT_EQ(gsi61::error_meaning(12), "GSI 61 UART overrun");
  EXPECT_EQ(gsi61::error_meaning(99), "unknown error code");
}
