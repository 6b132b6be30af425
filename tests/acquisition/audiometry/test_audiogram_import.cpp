// Import of device/GDT audiograms into the station's model: the GDT spec's own AUDI01 example
// (reference/devices/gdt-2.1.md §7, decoded by drivers/codec) and every bad point.
#include "acquisition/audiometry/audiogram_import.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include "drivers/codec/gdt.hpp"

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

}  // namespace
}  // namespace odyo::audiometry
