// Import of device/GDT audiograms into the station's model: the GDT spec's own AUDI01 example
// (reference/devices/gdt-2.1.md §7, decoded by drivers/codec) and every bad point.
#include "acquisition/audiometry/audiogram_import.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <iterator>

#include "drivers/codec/gdt.hpp"
#include "drivers/codec/gsi61.hpp"
#include "drivers/codec/tm262.hpp"

namespace odyo::audiometry {
namespace {

codec::AudiogramPoint pt(codec::Ear e, int hz, std::optional<double> level,
                         codec::PointStatus s = codec::PointStatus::measured,
                         codec::Transducer t = codec::Transducer::air) {
  codec::AudiogramPoint p;
  p.ear = e;
  p.frequency_hz = hz;
  p.threshold_db_hl = level;
  p.status = s;
  p.transducer = t;
  return p;
}

codec::Audiogram both_ears() {
  codec::Audiogram a;
  a.source = "TM262 record y seq 3";
  for (int hz : {500, 1000, 2000, 4000}) {
    a.points.push_back(pt(codec::Ear::right, hz, 20));
    a.points.push_back(pt(codec::Ear::left, hz, 25));
  }
  return a;
}

TEST(AudiogramImport, GdtSpecExample) {
  std::ifstream in(std::string(ODYO_TEST_DATA_DIR) + "/devices/gdt-2.1/6310-audiogram-cp437.gdt",
                   std::ios::binary);
  ASSERT_TRUE(in);
  const codec::Bytes file((std::istreambuf_iterator<char>(in)), {});
  auto rec = codec::gdt::parse(file);
  ASSERT_TRUE(rec.ok()) << rec.error().message;
  auto dev = codec::gdt::audiogram(rec.value());
  ASSERT_TRUE(dev.ok()) << dev.error().message;
  auto a = import_audiogram(dev.value());
  ASSERT_TRUE(a.ok()) << a.error().message;
  // §7: right AC 1000 Hz 15 dB HL, right AC 4000 Hz 45, left AC 4000 Hz NR ("bei 100 dB HL").
  const Audiogram& g = a->audiogram;
  EXPECT_EQ(g.right.air.at(1000).level_db_hl, 15);
  EXPECT_EQ(g.right.air.at(4000).level_db_hl, 45);
  EXPECT_EQ(g.right.air.at(1000).provenance, Provenance::imported);
  EXPECT_TRUE(g.left.air.at(4000).no_response());
  EXPECT_EQ(g.left.air.at(4000).level_db_hl, 100);
  EXPECT_FALSE(a->source.empty());
}

TEST(AudiogramImport, NoResponseWithoutLevelIsAtTheDeviceMaximum) {
  codec::Audiogram a = both_ears();
  a.points.push_back(pt(codec::Ear::left, 8000, std::nullopt, codec::PointStatus::no_response));
  AudiometerRange tdh39;
  tdh39.max_db_hl_at_hz = {{8000, 100}};
  auto r = import_audiogram(a, tdh39);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->audiogram.left.air.at(8000).level_db_hl, 100);
  EXPECT_TRUE(r->audiogram.left.air.at(8000).no_response());
}

TEST(AudiogramImport, MaskedAndBoneAndNotTested) {
  codec::Audiogram a = both_ears();
  auto bone =
      pt(codec::Ear::right, 1000, 10, codec::PointStatus::measured, codec::Transducer::bone);
  bone.masked = true;
  a.points.push_back(bone);
  a.points.push_back(pt(codec::Ear::right, 6000, std::nullopt, codec::PointStatus::not_tested));
  auto r = import_audiogram(a);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_TRUE(r->audiogram.right.bone.at(1000).masked());
  EXPECT_FALSE(r->audiogram.right.bone.at(1000).masking_db_hl.has_value());
  EXPECT_FALSE(r->audiogram.right.air.at(6000).tested());
}

struct Bad {
  const char* name;
  codec::AudiogramPoint point;
  const char* code;
};

TEST(AudiogramImport, BadPointsAreRejectedWithTheirPlace) {
  const Bad cases[] = {
      {"unknown frequency", pt(codec::Ear::right, 1234, 20), "unknown_frequency"},
      {"off step", pt(codec::Ear::right, 3000, 22), "level_off_step"},
      {"fraction", pt(codec::Ear::right, 3000, 22.5), "level_off_step"},
      {"beyond range", pt(codec::Ear::right, 3000, 130), "level_out_of_range"},
      {"duplicate", pt(codec::Ear::right, 1000, 30), "duplicate_point"},
      {"unknown transducer",
       pt(codec::Ear::right, 3000, 20, codec::PointStatus::measured, codec::Transducer::unknown),
       "unknown_transducer"},
      {"measured without level", pt(codec::Ear::right, 3000, std::nullopt), "bad_input"},
  };
  for (const Bad& c : cases) {
    codec::Audiogram a = both_ears();
    a.points.push_back(c.point);
    auto r = import_audiogram(a);
    ASSERT_FALSE(r.ok()) << c.name;
    EXPECT_EQ(r.error().code, c.code) << c.name << ": " << r.error().message;
    EXPECT_NE(r.error().message.find("TM262 record y seq 3"), std::string::npos) << c.name;
  }
}

TEST(AudiogramImport, MissingEar) {
  codec::Audiogram a;
  a.points.push_back(pt(codec::Ear::right, 1000, 20));
  auto r = import_audiogram(a);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "missing_ear");
}

// The TM262 worked example of reference/devices/welch-allyn-tm262.md §4 (tests/data/devices/
// welch-allyn-tm262/y-records.tsv) and a left-ear record built with the encoder.
std::vector<std::uint8_t> tm262_bytes(const codec::tm262::AudiometryRecordOut& r) {
  auto b = codec::tm262::encode_audiometry_record(r);
  return {b.begin(), b.end()};
}

TEST(AudiogramImport, Tm262BytesBothEarsAndRetransmission) {
  codec::tm262::AudiometryRecordOut right;
  right.ear = codec::Ear::right;
  for (int i = 0; i < 11; ++i) right.thresholds_db_hl[i] = 5.0 * i;  // 0…50 dB HL
  right.no_response[10] = true;                                      // 8000 Hz: NR
  codec::tm262::AudiometryRecordOut left = right;
  left.ear = codec::Ear::left;
  left.no_response[10] = false;
  auto bytes = tm262_bytes(right);
  auto again = tm262_bytes(right);  // a retransmission (same sequence): dropped, not an error
  auto l = tm262_bytes(left);
  bytes.insert(bytes.end(), again.begin(), again.end());
  bytes.insert(bytes.end(), l.begin(), l.end());
  auto r = import_tm262_bytes(bytes);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->audiogram.right.air.at(125).level_db_hl, 0);
  EXPECT_EQ(r->audiogram.right.air.at(6000).level_db_hl, 45);  // slot 9: 5 × 9
  EXPECT_TRUE(r->audiogram.right.air.at(8000).no_response());
  EXPECT_EQ(r->audiogram.right.air.at(8000).level_db_hl, 100);  // the TM262 maximum
  EXPECT_EQ(r->audiogram.left.air.at(8000).level_db_hl, 50);
  EXPECT_EQ(r->audiogram.left.air.at(8000).provenance, Provenance::imported);
}

TEST(AudiogramImport, Tm262BytesErrors) {
  codec::tm262::AudiometryRecordOut right;
  right.thresholds_db_hl[4] = 20;
  auto only_right = import_tm262_bytes(tm262_bytes(right));
  ASSERT_FALSE(only_right.ok());
  EXPECT_EQ(only_right.error().code, "missing_ear");
  auto bytes = tm262_bytes(right);
  bytes[bytes.size() - 3] ^= 0x01;  // a checksum character
  auto bad = import_tm262_bytes(bytes);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, "bad_record");
  auto none = import_tm262_bytes({});
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().code, "no_audiogram");
  codec::tm262::AudiometryRecordOut other = right;
  other.thresholds_db_hl[4] = 30;
  other.sequence = 1;  // another test, not a retransmission
  auto two = tm262_bytes(right);
  auto b2 = tm262_bytes(other);
  two.insert(two.end(), b2.begin(), b2.end());
  auto dup = import_tm262_bytes(two);
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().code, "duplicate_point");
}

TEST(AudiogramImport, GdtBytes) {
  std::ifstream in(std::string(ODYO_TEST_DATA_DIR) + "/devices/gdt-2.1/6310-audiogram-cp437.gdt",
                   std::ios::binary);
  ASSERT_TRUE(in);
  const std::vector<std::uint8_t> file((std::istreambuf_iterator<char>(in)), {});
  auto a = import_gdt_bytes(file);
  ASSERT_TRUE(a.ok()) << a.error().message;
  EXPECT_EQ(a->audiogram.right.air.at(4000).level_db_hl, 45);
  auto bad = import_gdt_bytes(std::vector<std::uint8_t>{'x', 'y'});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, "bad_record");
}

// GSI 61 type 1 record (gsi61.md §3.2 layout, offsets 6–14 zeros): a tone test at hz, HL db.
std::vector<std::uint8_t> gsi61_record(int hz, int db) {
  char body[64];
  std::snprintf(body, sizeof body, "01000000000000003%04d100000%5d000000", db * 10, hz);
  auto r = codec::gsi61::encode_record('1', body);
  return {r.begin(), r.end()};
}

TEST(AudiogramImport, Gsi61BytesEarFromTheTestOrder) {
  std::vector<std::uint8_t> bytes;
  for (auto [hz, db] : {std::pair{1000, 20}, {2000, 25}, {1000, 30}, {2000, 35}}) {
    auto r = gsi61_record(hz, db);
    bytes.insert(bytes.end(), r.begin(), r.end());
  }
  auto a = import_gsi61_bytes(bytes, {Ear::left, Ear::right});
  ASSERT_TRUE(a.ok()) << a.error().message;
  // 1000 Hz came again: the second run is the second ear of the order.
  EXPECT_EQ(a->audiogram.left.air.at(1000).level_db_hl, 20);
  EXPECT_EQ(a->audiogram.right.air.at(2000).level_db_hl, 35);
  EXPECT_EQ(a->audiogram.right.air.at(2000).provenance, Provenance::imported);
  // One ear only: missing ear.
  auto one = import_gsi61_bytes(gsi61_record(1000, 20));
  ASSERT_FALSE(one.ok());
  EXPECT_EQ(one.error().code, "missing_ear");
}

}  // namespace
}  // namespace odyo::audiometry
