// Vitalograph Lung Monitor records against vitalograph-lung-monitor.md §4/§5
// (tests/data/devices/vitalograph-lung-monitor/frames.tsv).
#include <gtest/gtest.h>

#include "drivers/codec/vitalograph.hpp"
#include "vectors.hpp"

using namespace odyo;
using namespace odyo::codec;
using namespace odyo::testing;

namespace {
Bytes frame_with(const std::string& data, std::uint8_t checksum) {
  return concat({{0x02}, ascii(data), {0x03, checksum}});
}
}  // namespace

TEST(Vitalograph, DecodesTheCapturedAndConstructedRecords) {
  const auto rows = read_tsv("vitalograph-lung-monitor/frames.tsv");
  ASSERT_EQ(rows.size(), 3U);
  for (const auto& r : rows) {
    const auto ck = hex(r[2])[0];
    EXPECT_EQ(vitalograph::encode_frame(r[1]), frame_with(r[1], ck)) << r[0];
    vitalograph::VitalographDecoder d;
    auto b = d.feed(frame_with(r[1], ck));
    ASSERT_TRUE(b.errors.empty()) << r[0];
    ASSERT_EQ(b.frames.size(), 1U);
    ASSERT_TRUE(b.frames[0].result.has_value()) << b.frames[0].content_error;
    const auto& f = *b.frames[0].result;
    // Values are printed with two decimals in the vector file; the codec divides by 100.
    EXPECT_NEAR(f.fev1_l, std::stod(r[3]), 1e-9) << r[0];
    EXPECT_NEAR(f.fev6_l, std::stod(r[4]), 1e-9) << r[0];
    EXPECT_NEAR(f.fev1_fev6_ratio, std::stod(r[5]), 1e-9) << r[0];
    EXPECT_NEAR(f.fef25_75_lps, std::stod(r[6]), 1e-9) << r[0];
    char dt[32];
    std::snprintf(dt, sizeof dt, "%04d-%02d-%02dT%02d:%02d:%02d", f.year, f.month, f.day, f.hour,
                  f.minute, f.second);
    EXPECT_EQ(dt, r[7]) << r[0];
    EXPECT_EQ(f.good_test, r[8] == "1") << r[0];
    EXPECT_EQ(f.software_version, std::stoi(r[9])) << r[0];
    EXPECT_EQ(d.take_replies(), Bytes{vitalograph::kAck}) << r[0];
  }
}

TEST(Vitalograph, CapturedRecordDeviceIdAndZones) {
  // §4 decoded: device 0000129406; personal best 000; FEV1% 000; zones 095, 090, 000.
  const auto r = read_tsv("vitalograph-lung-monitor/frames.tsv")[0];
  auto f = vitalograph::decode_fev(r[1]);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->device_id, "0000129406");
  EXPECT_EQ(f->green_zone_raw, 95);
  EXPECT_EQ(f->yellow_zone_raw, 90);
  EXPECT_EQ(f->orange_zone_raw, 0);
  EXPECT_EQ(vitalograph::format_fev(f.value()), r[1]);  // simulator formatting round trip
}

TEST(Vitalograph, BadChecksumGetsNakAndTheNextRecordIsAccepted) {
  // §4: last byte 0x6B instead of 0x6A → NAK ("got 107, expected 106"); V4 then accepts a good one.
  const auto rows = read_tsv("vitalograph-lung-monitor/frames.tsv");
  Bytes stream = concat({frame_with(rows[0][1], 0x6B), ascii("zz"), frame_with(rows[1][1], 0x65)});
  vitalograph::VitalographDecoder d;
  auto b = feed_chunked(d, stream, 4);
  ASSERT_EQ(b.frames.size(), 1U);
  EXPECT_EQ(b.frames[0].stream_offset, 61U);
  ASSERT_EQ(b.errors.size(), 1U);
  EXPECT_EQ(b.errors[0].code, errc::bad_checksum);
  EXPECT_EQ(b.errors[0].offset, 0U);
  EXPECT_EQ(b.errors[0].length, 61U);  // the 59-byte frame plus "zz"
  EXPECT_NE(b.errors[0].message.find("0x6B"), std::string::npos);
  EXPECT_EQ(d.take_replies(), (Bytes{vitalograph::kNak, vitalograph::kAck}));
}

TEST(Vitalograph, ChecksumByteMayLookLikeStxOrEtx) {
  // §2: the checksum byte is taken whatever its value. The captured record's XOR is 0x6A; the
  // device id may hold any characters, so replacing its first '0' (0x30) by 0x30 ^ 0x6A ^ 0x02
  // = 0x58 'X' makes the checksum 0x02 (an STX).
  std::string data = read_tsv("vitalograph-lung-monitor/frames.tsv")[0][1];
  data[3] = 'X';
  Bytes f = vitalograph::encode_frame(data);
  ASSERT_EQ(f.back(), 0x02);
  vitalograph::VitalographDecoder d;
  auto b = d.feed(concat({f, f}));
  EXPECT_EQ(b.frames.size(), 2U);
  EXPECT_TRUE(b.errors.empty());
}

TEST(Vitalograph, IntactFrameWithBadContentIsAckedThenRejectedVisibly) {
  // §7: ACK first (frame intact), then a visible content error.
  std::string data = read_tsv("vitalograph-lung-monitor/frames.tsv")[0][1];
  data[14] = 'X';  // inside FEV1
  vitalograph::VitalographDecoder d;
  auto b = d.feed(vitalograph::encode_frame(data));
  ASSERT_EQ(b.frames.size(), 1U);
  EXPECT_FALSE(b.frames[0].result.has_value());
  EXPECT_NE(b.frames[0].content_error.find("FEV1"), std::string::npos) << b.frames[0].content_error;
  EXPECT_EQ(d.take_replies(), Bytes{vitalograph::kAck});
  // Wrong literal and wrong length.
  EXPECT_FALSE(vitalograph::decode_fev("XTD" + data.substr(3)).ok());
  EXPECT_FALSE(vitalograph::decode_fev(data.substr(0, 55)).ok());
}

TEST(Vitalograph, DroppedConnectionMidRecord) {
  const auto r = read_tsv("vitalograph-lung-monitor/frames.tsv")[0];
  Bytes f = frame_with(r[1], 0x6A);
  vitalograph::VitalographDecoder d;
  auto b = d.feed(ByteSpan(f.data(), 30));
  EXPECT_TRUE(b.frames.empty());
  auto e = d.finish();
  ASSERT_EQ(e.errors.size(), 1U);
  EXPECT_EQ(e.errors[0].code, errc::truncated);
  EXPECT_EQ(e.errors[0].length, 30U);
  EXPECT_TRUE(d.take_replies().empty());  // nothing to answer for a partial record
}
