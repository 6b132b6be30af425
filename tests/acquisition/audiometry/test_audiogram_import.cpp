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
  // The record's patient (3000, 3101–3103) and test date (6200, TTMMJJJJ) come with it.
  ASSERT_TRUE(a->patient.has_value());
  EXPECT_EQ(a->patient->patient_id, "4711");
  EXPECT_EQ(a->patient->surname, "Öztürk");
  EXPECT_EQ(a->patient->first_name, "Ali");
  EXPECT_EQ(a->patient->birth_date, "1978-03-14");
  EXPECT_EQ(a->test_date, "2026-11-23");
}

std::vector<std::uint8_t> gdt_file(const std::vector<codec::gdt::FieldOut>& patient) {
  std::vector<codec::gdt::FieldOut> fields = patient;
  fields.push_back({8402, "AUDI01"});
  for (const char* ear : {"R", "L"}) {
    fields.push_back({8410, std::string(ear) + "_AC_1000"});
    fields.push_back({8420, "20"});
  }
  auto f = codec::gdt::write(6310, fields);
  EXPECT_TRUE(f.ok());
  return f.ok() ? std::vector<std::uint8_t>(f.value().begin(), f.value().end())
                : std::vector<std::uint8_t>{};
}

// Issue 12, item 8: "GDT test date used and checked": a 3103/6200 that is not a real date is
// refused, never read as some other day.
TEST(AudiogramImport, GdtDatesMustBeRealDates) {
  struct Case {
    int field;
    const char* value;
  };
  const Case cases[] = {{6200, "31022026"}, {6200, "2026-11-23"}, {6200, "1123202"},
                        {3103, "00001980"}, {3103, "15138000"},   {6200, "23112026x"}};
  for (const auto& c : cases) {
    auto r = import_gdt_bytes(gdt_file({{3000, "4001"}, {c.field, c.value}}));
    ASSERT_FALSE(r.ok()) << c.field << " " << c.value;
    EXPECT_EQ(r.error().code, "bad_record");
    EXPECT_NE(r.error().message.find("field " + std::to_string(c.field)), std::string::npos)
        << r.error().message;
  }
  auto ok = import_gdt_bytes(gdt_file({{3000, "4001"}, {6200, "02052024"}}));
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_EQ(ok->test_date, "2024-05-02");
  EXPECT_EQ(ok->patient->birth_date, "");
}

// Issue 12, item 8: "GDT patient identity compared with the worker (mismatch refused, with both
// shown)".
TEST(AudiogramImport, RecordPatientMustBeTheWorker) {
  const WorkerIdentity kaya{"4001", "10000000146", "Şükrü", "Kaya", "1980-06-15"};
  struct Case {
    const char* what;
    RecordPatient record;
    const char* differs;  // nullptr: the same patient
  };
  const Case cases[] = {
      {"all fields the same", {"4001", "Kaya", "Şükrü", "1980-06-15"}, nullptr},
      {"3000 is the T.C. kimlik no", {"10000000146", "KAYA", "Sukru", ""}, nullptr},
      {"transliterated by a CP437 sender", {"", "KAYA", "ŞüKRü", "1980-06-15"}, nullptr},
      {"spacing", {"", "  Kaya ", "Şükrü", ""}, nullptr},
      {"another patient (the GDT spec's example)",
       {"4711", "Öztürk", "Ali", "1978-03-14"},
       "patient number (3000), surname (3101), first name (3102), birth date (3103)"},
      {"another surname only", {"", "Kayan", "", ""}, "surname (3101)"},
      {"another first name", {"4001", "Kaya", "Ali", ""}, "first name (3102)"},
      {"another birth date", {"4001", "", "", "1980-06-16"}, "birth date (3103)"},
      {"another patient number", {"4002", "Kaya", "", ""}, "patient number (3000)"},
  };
  for (const auto& c : cases) {
    auto r = check_record_patient(c.record, kaya);
    if (c.differs == nullptr) {
      EXPECT_TRUE(r.ok()) << c.what << ": " << r.error().message;
      continue;
    }
    ASSERT_FALSE(r.ok()) << c.what;
    EXPECT_EQ(r.error().code, "patient_mismatch") << c.what;
    EXPECT_NE(r.error().message.find(c.differs), std::string::npos) << r.error().message;
    // Both sides are shown.
    EXPECT_NE(r.error().message.find("worker 4001: number 4001, Kaya, Şükrü, born 1980-06-15"),
              std::string::npos)
        << r.error().message;
  }
  auto r = check_record_patient({"4711", "Öztürk", "Ali", "1978-03-14"}, kaya);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("record: number 4711, Öztürk, Ali, born 1978-03-14"),
            std::string::npos)
      << r.error().message;
  // A record that names nobody cannot be told apart from another patient's.
  r = check_record_patient({"", "", "Şükrü", ""}, kaya);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "patient_unknown");
  // Control characters in the record's name fields are refused, not printed.
  r = check_record_patient({"4001", "Kaya\x1b[2J", "", ""}, kaya);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "text_invalid");
  EXPECT_EQ(identity_fold("  ŞÜKRÜ   Çağlar İnce ıŞık "), "sukru caglar ince isik");
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
