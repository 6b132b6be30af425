// Checksums against the spec's worked values (tests/data/devices/, provenance in each file).
#include <gtest/gtest.h>

#include "drivers/codec/checksum.hpp"
#include "vectors.hpp"

using namespace odyo;
using namespace odyo::testing;

TEST(Checksum, SensirionCrc8MatchesSpecTable) {
  // sensirion-sfm3000.md §4 table and §7 example 2.
  const auto rows = read_tsv("sensirion-sfm3000/crc8-vectors.tsv");
  ASSERT_EQ(rows.size(), 5U);
  for (const auto& r : rows) {
    const auto word = hex(r[1]);
    EXPECT_EQ(codec::crc8(word, 0x31, 0x00), hex(r[2])[0]) << "start 0x00, word " << r[1];
    if (r[3] != "-") {
      EXPECT_EQ(codec::crc8(word, 0x31, 0xFF), hex(r[3])[0]) << "start 0xFF, word " << r[1];
    }
  }
}

TEST(Checksum, SensirionCheckValueWithStartFF) {
  // sensirion-sfm3000.md §4: "bytes BE EF → 92" (Sensirion's usual check value, start 0xFF).
  EXPECT_EQ(codec::crc8(hex("BEEF"), 0x31, 0xFF), 0x92);
}

TEST(Checksum, Crc16CatalogueCheckValues) {
  // Check values of the CRC catalogue (reveng "CRC-16/IBM-3740" a.k.a. CCITT-FALSE: 0x29B1;
  // "CRC-16/MODBUS": 0x4B37) over the ASCII string "123456789".
  const auto s = ascii("123456789");
  EXPECT_EQ(codec::crc16_ccitt_false(s), 0x29B1);
  EXPECT_EQ(codec::crc16_modbus(s), 0x4B37);
}

TEST(Checksum, Sum8AndXor8) {
  // gsi61.md §4: ":410" sums to 0xCF; vitalograph §4: XOR of STX…ETX of the captured record is
  // 0x6A.
  EXPECT_EQ(codec::sum8(ascii(":410")), 0xCF);
  codec::Bytes frame =
      concat({{0x02}, ascii("FTD00001294063633990914040000000950900001305281044180923"), {0x03}});
  EXPECT_EQ(codec::xor8(frame), 0x6A);
}

TEST(Checksum, NamesRoundTrip) {
  for (auto c : {codec::FrameChecksum::none, codec::FrameChecksum::sum8, codec::FrameChecksum::xor8,
                 codec::FrameChecksum::crc8, codec::FrameChecksum::crc16_ccitt_false,
                 codec::FrameChecksum::crc16_modbus}) {
    EXPECT_EQ(codec::frame_checksum_from_name(codec::to_string(c)), c);
  }
  EXPECT_FALSE(codec::frame_checksum_from_name("crc32").has_value());
}
