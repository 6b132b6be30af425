// Welch Allyn TM262 records against welch-allyn-tm262.md §3/§4
// (tests/data/devices/welch-allyn-tm262/y-records.tsv).
#include <gtest/gtest.h>

#include <sstream>

#include "drivers/codec/tm262.hpp"
#include "vectors.hpp"

using namespace odyo;
using namespace odyo::codec;
using namespace odyo::testing;

namespace {
Bytes line(const std::string& record) {
  return concat({ascii(record), {'\r', '\n'}});
}

void expect_thresholds(const Audiogram& a, const std::string& spec) {
  std::istringstream in(spec);
  std::string tok;
  std::size_t i = 0;
  while (in >> tok) {
    ASSERT_LT(i, a.points.size());
    const auto& p = a.points[i];
    EXPECT_EQ(p.frequency_hz, tm262::kFrequenciesHz[i]);
    if (tok == "NT") {
      EXPECT_EQ(p.status, PointStatus::not_tested) << p.frequency_hz;
    } else if (tok == "NR") {
      EXPECT_EQ(p.status, PointStatus::no_response) << p.frequency_hz;
      EXPECT_FALSE(p.threshold_db_hl.has_value());  // §3: level not recoverable
    } else {
      EXPECT_EQ(p.status, PointStatus::measured) << p.frequency_hz;
      EXPECT_EQ(p.threshold_db_hl, std::stod(tok)) << p.frequency_hz;
    }
    ++i;
  }
  EXPECT_EQ(i, 11U);
}
}  // namespace

TEST(Tm262, DecodesTheSpecRecords) {
  const auto rows = read_tsv("welch-allyn-tm262/y-records.tsv");
  ASSERT_EQ(rows.size(), 2U);
  for (const auto& r : rows) {
    tm262::Tm262Decoder d;
    auto b = d.feed(line(r[1]));
    ASSERT_TRUE(b.errors.empty()) << r[0] << ": " << b.errors[0].message;
    ASSERT_EQ(b.frames.size(), 1U);
    const auto& rec = b.frames[0];
    EXPECT_EQ(rec.type, 'y');
    EXPECT_EQ(rec.text.size(), 58U);
    EXPECT_EQ(rec.ear, r[4] == "left" ? Ear::left : Ear::right);
    expect_thresholds(rec.audiogram, r[5]);
  }
}

TEST(Tm262, ChecksumVariantIsReported) {
  const auto rows = read_tsv("welch-allyn-tm262/y-records.tsv");
  // Record 1: both readings give 52. Record 2: 80 with & 0xFF, 00 with & 0x7F (§4).
  tm262::Tm262Decoder d;
  auto b = d.feed(line(rows[0][1]));
  EXPECT_EQ(b.frames.at(0).checksum_variant, tm262::ChecksumVariant::both);
  b = d.feed(line(rows[1][1]));
  EXPECT_EQ(b.frames.at(0).checksum_variant, tm262::ChecksumVariant::full_byte);
  std::string seven = rows[1][1];
  seven.replace(56, 2, "00");
  b = d.feed(line(seven));
  ASSERT_EQ(b.frames.size(), 1U);
  EXPECT_EQ(b.frames[0].checksum_variant, tm262::ChecksumVariant::seven_bit);
}

TEST(Tm262, EncoderReproducesTheSpecRecords) {
  tm262::AudiometryRecordOut o;
  o.sequence = 3;
  o.ear = Ear::right;
  const double th[] = {10, 10, 5, 5, 5, 10, 15, 30, 45, 25, 20};
  for (int i = 0; i < 11; ++i) o.thresholds_db_hl[i] = th[i];
  EXPECT_EQ(tm262::encode_audiometry_record(o),
            line(read_tsv("welch-allyn-tm262/y-records.tsv")[0][1]));
}

TEST(Tm262, BadChecksumGarbageAndResync) {
  const auto rows = read_tsv("welch-allyn-tm262/y-records.tsv");
  std::string damaged = rows[0][1];
  damaged[20] = '9';  // one threshold digit flipped in transit
  Bytes stream = concat({ascii("\x11noise"), line(damaged), line(rows[1][1])});
  tm262::Tm262Decoder d;
  auto b = feed_chunked(d, stream, 3);
  ASSERT_EQ(b.frames.size(), 1U);
  EXPECT_EQ(b.frames[0].sequence, 4);
  ASSERT_EQ(b.errors.size(), 2U);
  EXPECT_EQ(b.errors[0].code, errc::garbage);
  EXPECT_EQ(b.errors[0].offset, 0U);
  EXPECT_EQ(b.errors[0].length, 6U);
  EXPECT_EQ(b.errors[1].code, errc::bad_checksum);
  EXPECT_EQ(b.errors[1].offset, 6U);
  EXPECT_EQ(b.errors[1].length, 60U);
  EXPECT_NE(b.errors[1].message.find("send it again"), std::string::npos);
}

TEST(Tm262, TruncatedRecordFollowedByANewOne) {
  const auto rows = read_tsv("welch-allyn-tm262/y-records.tsv");
  Bytes stream = concat({ascii(rows[0][1].substr(0, 30)), line(rows[1][1])});
  tm262::Tm262Decoder d;
  auto b = d.feed(stream);
  ASSERT_EQ(b.frames.size(), 1U);
  EXPECT_EQ(b.frames[0].stream_offset, 30U);
  ASSERT_EQ(b.errors.size(), 1U);
  EXPECT_EQ(b.errors[0].code, errc::truncated);
  EXPECT_EQ(b.errors[0].length, 30U);
}

TEST(Tm262, InvalidEarAndOutOfRangeAreRejected) {
  // Ear "03" (both ears) is invalid (§3); checksum recomputed so only the content is wrong.
  auto rebuild = [](std::string body56) {
    const ByteSpan b(reinterpret_cast<const std::uint8_t*>(body56.data()), 56);
    char ck[3];
    std::snprintf(ck, sizeof ck, "%02X", tm262::checksum_full(b));
    return line(body56 + ck);
  };
  const std::string base = read_tsv("welch-allyn-tm262/y-records.tsv")[0][1].substr(0, 56);
  std::string both = base;
  both.replace(10, 2, "03");
  tm262::Tm262Decoder d;
  auto b = d.feed(rebuild(both));
  d.flush(b);
  EXPECT_TRUE(b.frames.empty());
  ASSERT_EQ(b.errors.size(), 1U);
  EXPECT_EQ(b.errors[0].code, errc::bad_field);
  EXPECT_NE(b.errors[0].message.find("ear"), std::string::npos);
  std::string high = base;
  high.replace(12, 4, "0190");  // 400 → between NR 231…450: valid NR, not an error
  b = d.feed(rebuild(high));
  d.flush(b);
  ASSERT_EQ(b.frames.size(), 1U);
  EXPECT_EQ(b.frames[0].audiogram.points[0].status, PointStatus::no_response);
  std::string wild = base;
  wild.replace(12, 4, "01F4");  // 500: neither a level, NR nor NT
  b = d.feed(rebuild(wild));
  d.flush(b);
  EXPECT_TRUE(b.frames.empty());
  ASSERT_EQ(b.errors.size(), 1U);
  EXPECT_EQ(b.errors[0].code, errc::bad_field);
}

TEST(Tm262, RetransmissionIsFlaggedAsDuplicate) {
  const auto rows = read_tsv("welch-allyn-tm262/y-records.tsv");
  tm262::Tm262Decoder d;
  auto b = d.feed(concat({line(rows[0][1]), line(rows[0][1]), line(rows[1][1])}));
  ASSERT_EQ(b.frames.size(), 3U);
  EXPECT_FALSE(b.frames[0].duplicate);
  EXPECT_TRUE(b.frames[1].duplicate);
  EXPECT_FALSE(b.frames[2].duplicate);
}

TEST(Tm262, TympanometryRecordKnownPart) {
  // §5: ear 02, ECV raw 0080, peak compliance 0042 (66/64 = 1.03 cm³ per W4 note 3), pressure
  // FFE2 (−30 daPa), gradient 0064 (100 daPa), end index 57 (87); then unknown data.
  std::string body = ".x511-----0200800042FFE2006457" + std::string(20, '0');
  const ByteSpan b(reinterpret_cast<const std::uint8_t*>(body.data()), body.size());
  char ck[3];
  std::snprintf(ck, sizeof ck, "%02X", tm262::checksum_full(b));
  tm262::Tm262Decoder d;
  auto r = d.feed(line(body + ck));
  ASSERT_EQ(r.frames.size(), 1U) << (r.errors.empty() ? "" : r.errors[0].message);
  ASSERT_TRUE(r.frames[0].tympanometry.has_value());
  const auto& t = *r.frames[0].tympanometry;
  EXPECT_DOUBLE_EQ(t.peak_compliance_cm3, 66.0 / 64.0);
  EXPECT_EQ(t.peak_pressure_dapa, -30);
  EXPECT_EQ(t.gradient_dapa, 100);
  EXPECT_EQ(t.end_index, 87);
}
