// End-to-end: `odyospiro audio enter` and `audio import` store audiograms for a worker in a real
// SQLite file, with per-point provenance and the source's SHA-256, validated exactly like the
// audiogram model (a bad audiogram is refused with a clear message, exit 1, nothing stored).
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "drivers/codec/gdt.hpp"
#include "drivers/codec/gsi61.hpp"
#include "drivers/codec/tm262.hpp"
#include "station/storage/hash.hpp"
#include "tests/station/support/station_fixture.hpp"

namespace {

using nlohmann::json;
using odyo::test::run_command;
namespace tm262 = odyo::codec::tm262;
namespace gdt = odyo::codec::gdt;

class AudioEnterImportCli : public ::testing::Test {
 protected:
  odyo::test::Station st;
  const odyo::test::TempDir& dir = st.dir;

  odyo::test::CommandResult run(const std::string& args) {
    return run_command(st.as("tekniker") + " --lang en " + args);
  }
  std::string write(const std::string& name, const std::string& bytes) {
    return dir.write(name, bytes);
  }
  static std::string sha256_of(const std::string& bytes) {
    return odyo::station::sha256_hex(bytes);
  }
  // Nothing was stored: no exam and no baseline.
  void expect_nothing_stored() {
    auto r = run("--json exam list");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(json::parse(r.out).size(), 0u) << r.out;
    r = run("--json audio baseline show --worker 4001");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(json::parse(r.out)["history"].size(), 0u);
  }
  void SetUp() override {
    auto r =
        run("worker add --registry 4001 --tc 10000000146 --first-name Ali --last-name Kaya "
            "--birth-date 1980-06-15 --sex M --height-cm 175 --weight-kg 80 --job YA-PANO-01");
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
};

const json kRight = {{"500", 10},  {"1000", 15}, {"2000", 20}, {"3000", 30},
                     {"4000", 45}, {"6000", 35}, {"8000", 20}};
const json kLeft = {{"500", 10},  {"1000", 10}, {"2000", 15},      {"3000", 20},
                    {"4000", 25}, {"6000", 25}, {"8000", "NR@100"}};

TEST_F(AudioEnterImportCli, BadAudiogramsAreRefusedAndNothingIsStored) {
  struct Case {
    const char* what;
    json audiogram;
    const char* message;
  };
  json unknown = {{"right", kRight}, {"left", kLeft}};
  unknown["right"]["1234"] = 20;
  json off_step = {{"right", kRight}, {"left", kLeft}};
  off_step["left"]["2000"] = 17;
  json beyond = {{"right", kRight}, {"left", kLeft}};
  beyond["right"]["4000"] = 125;
  json bad_masking = {{"right", kRight}, {"left", kLeft}};
  bad_masking["right"]["1000"] = {{"level_db_hl", 15}, {"masking_db_hl", 52}};
  json bone_6k = {{"right", kRight}, {"left", kLeft}, {"bone", {{"right", {{"6000", 20}}}}}};
  const Case cases[] = {
      {"unknown frequency", unknown,
       "right air 1234 Hz: 1234 Hz is not a standard air-conduction frequency"},
      {"level off the step", off_step, "left air 2000 Hz: threshold 17 dB HL is not on the 5 dB"},
      {"beyond the range", beyond, "threshold 125 dB HL is beyond the device range"},
      {"masking off the step", bad_masking, "masking level 52 dB HL is not on the 5 dB step"},
      {"bone at 6 kHz", bone_6k, "6000 Hz is not a standard bone-conduction frequency"},
      {"missing ear", {{"right", kRight}}, "the \"left\" ear is missing"},
  };
  for (const Case& c : cases) {
    const std::string f = write("bad.json", c.audiogram.dump());
    auto r = run("audio enter --worker 4001 --input " + f);
    EXPECT_EQ(r.exit_code, 1) << c.what;
    EXPECT_NE(r.err.find(c.message), std::string::npos) << c.what << ": " << r.err;
  }
  // The worker's sex and age at the test date are checked against the file.
  auto r = run("audio enter --worker 4001 --date 2020-03-01 --input " +
               write("age.json", json{{"age", 41}, {"right", kRight}, {"left", kLeft}}.dump()));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("gives age 41 but worker 4001 (born 1980-06-15) was 39 on 2020-03-01"),
            std::string::npos)
      << r.err;
  r = run("audio enter --worker 4001 --date 2020-02-30 --input " +
          write("ok.json", json{{"right", kRight}, {"left", kLeft}}.dump()));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("is not a real calendar date"), std::string::npos) << r.err;
  r = run("audio enter --worker 4001 --date 2999-01-01 --input " + (dir / "ok.json").string());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("in the future"), std::string::npos) << r.err;
  r = run("audio enter --worker 9999 --input " + (dir / "ok.json").string());
  EXPECT_EQ(r.exit_code, 1);
  expect_nothing_stored();
}

TEST_F(AudioEnterImportCli, ManualEntryWithBoneAndMaskingIsStoredWithProvenance) {
  json a = {{"age", 39}, {"sex", "M"}, {"right", kRight}, {"left", kLeft}};
  a["right"]["4000"] = {{"level_db_hl", 45}, {"masking_db_hl", 60}};
  a["bone"] = {{"right", {{"1000", 10}, {"2000", 15}}}, {"left", {{"4000", 20}}}};
  const std::string text = a.dump();
  const std::string f = write("paper.json", text);
  auto r = run("--json audio enter --worker 4001 --date 2020-03-01 --input " + f);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto exam = json::parse(r.out)["exam_id"].get<std::int64_t>();

  r = run("--json exam show " + std::to_string(exam));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json j = json::parse(r.out);
  EXPECT_EQ(j["started_at"], "2020-03-01");
  const json& p = j["results"][0]["payload"];
  EXPECT_EQ(p["provenance"], "manual");
  EXPECT_EQ(p["procedure"], "manual entry");
  EXPECT_EQ(p["audiogram"]["right"]["4000"], json({{"status", "measured"},
                                                   {"level_db_hl", 45},
                                                   {"provenance", "manual"},
                                                   {"masking_db_hl", 60},
                                                   {"masked", true}}));
  EXPECT_EQ(p["audiogram"]["left"]["8000"]["status"], "no_response");
  EXPECT_EQ(p["audiogram"]["left"]["8000"]["level_db_hl"], 100);
  EXPECT_EQ(p["audiogram"]["bone"]["right"]["2000"]["level_db_hl"], 15);
  EXPECT_EQ(p["audiogram"]["bone"]["left"]["4000"]["provenance"], "manual");
  // The typed file is the raw recording, with its SHA-256.
  EXPECT_EQ(p["source"]["sha256"], sha256_of(text));
  ASSERT_EQ(j["recordings"].size(), 1u);
  EXPECT_EQ(j["recordings"][0]["sha256"], sha256_of(text));
  EXPECT_EQ(j["recordings"][0]["codec"], "manual-json");
  // The same numbers as `audio analyze`: right 10/15/20 → 15 dB, left 10/10/15 → 11.67 dB.
  EXPECT_DOUBLE_EQ(p["right"]["pta_db"].get<double>(), 15.0);
  EXPECT_NEAR(p["left"]["pta_db"].get<double>(), 35.0 / 3.0, 1e-9);
  // First accepted exam → baseline.
  EXPECT_EQ(p["baseline"]["established_by_this_exam"], true);
  EXPECT_EQ(j["audiometric_baselines"][0]["version"], 1);
}

// Two TM262 "y" records (right, left) as the device sends them.
std::string tm262_file(bool both_ears, bool corrupt = false) {
  tm262::AudiometryRecordOut right;
  right.ear = odyo::codec::Ear::right;
  right.total = 2;
  // 125 NT, 250 NT, 500 10, 750 NT, 1000 15, 1500 NT, 2000 20, 3000 30, 4000 45, 6000 35,
  // 8000 no response.
  const std::optional<double> r[11] = {
      std::nullopt, std::nullopt, 10, std::nullopt, 15, std::nullopt, 20, 30, 45, 35, std::nullopt};
  for (int i = 0; i < 11; ++i) right.thresholds_db_hl[i] = r[i];
  right.no_response[10] = true;
  tm262::AudiometryRecordOut left = right;
  left.ear = odyo::codec::Ear::left;
  left.index = 2;
  left.no_response[10] = false;
  left.thresholds_db_hl[10] = 20;
  auto a = tm262::encode_audiometry_record(right);
  std::string s(a.begin(), a.end());
  if (both_ears) {
    auto b = tm262::encode_audiometry_record(left);
    s.append(b.begin(), b.end());
  }
  if (corrupt) s[20] = s[20] == '0' ? '1' : '0';  // a threshold digit: the checksum fails
  return s;
}

TEST_F(AudioEnterImportCli, Tm262RecordsAreImportedWithTheFilesHash) {
  const std::string bytes = tm262_file(true);
  const std::string f = write("tm262.bin", bytes);
  auto r = run("--json audio import --worker 4001 --format tm262 --input " + f);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json p = json::parse(r.out)["result"];
  EXPECT_EQ(p["provenance"], "imported");
  EXPECT_EQ(p["source"]["format"], "tm262");
  EXPECT_EQ(p["source"]["sha256"], sha256_of(bytes));
  EXPECT_EQ(p["audiogram"]["right"]["4000"]["level_db_hl"], 45);
  EXPECT_EQ(p["audiogram"]["right"]["4000"]["provenance"], "imported");
  // NR without a level: the TM262's maximum, 100 dB HL.
  EXPECT_EQ(p["audiogram"]["right"]["8000"]["status"], "no_response");
  EXPECT_EQ(p["audiogram"]["right"]["8000"]["level_db_hl"], 100);
  EXPECT_EQ(p["audiogram"]["right"]["125"]["status"], "not_tested");
  // Right 10/15/20 → 15 dB.
  EXPECT_DOUBLE_EQ(p["right"]["pta_db"].get<double>(), 15.0);
  EXPECT_EQ(p["baseline"]["established_by_this_exam"], true);
}

// GSI 61 type 1 records (gsi61.md §3.2, §5 layout: tone test, offsets 6–14 zeros, 5 dB steps,
// channel 1 HL in tenths, interrupt on, channel 2 0, frequency right-aligned), one per threshold
// the operator sends: the first ear's frequencies, then the second's.
std::string gsi61_file(const std::vector<std::pair<int, int>>& first,
                       const std::vector<std::pair<int, int>>& second) {
  std::string s;
  for (const auto* ear : {&first, &second}) {
    for (const auto& [hz, db] : *ear) {
      char body[64];
      std::snprintf(body, sizeof body, "01000000000000003%04d100000%5d000000", db * 10, hz);
      auto rec = odyo::codec::gsi61::encode_record('1', body);
      s.append(rec.begin(), rec.end());
    }
  }
  return s;
}

TEST_F(AudioEnterImportCli, BadDeviceFilesAreRefusedAndNothingIsStored) {
  auto r = run("audio import --worker 4001 --format tm262 --input " +
               write("one.bin", tm262_file(false)));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("the left ear has no air-conduction threshold"), std::string::npos) << r.err;
  r = run("audio import --worker 4001 --format tm262 --input " +
          write("bad.bin", tm262_file(true, true)));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("nothing imported"), std::string::npos) << r.err;
  r = run("audio import --worker 4001 --format tm262 --input " + write("empty.bin", "hello\r\n"));
  EXPECT_EQ(r.exit_code, 1);
  // A GSI 61 error record only (gsi61.md §4 worked example ":410" + "CF"): no threshold.
  r = run("audio import --worker 4001 --format gsi61 --input " + write("gsi.bin", ":410CF\r\n"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("no GSI 61 pure-tone (type 1) record"), std::string::npos) << r.err;
  r = run("audio import --worker 4001 --format gsi61 --ears right,up --input " +
          write("gsi2.bin", gsi61_file({{1000, 15}}, {{1000, 10}})));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("--ears takes right and left"), std::string::npos) << r.err;
  // The GDT spec's own example (reference/devices/gdt-2.1.md §7) is of another patient (4711
  // Öztürk, Ali, born 14.03.1978): refused before anything else (issue 12).
  r = run("audio import --worker 4001 --format gdt --input " + std::string(ODYO_TEST_DATA_DIR) +
          "/devices/gdt-2.1/6310-audiogram-cp437.gdt");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("the record is of another patient"), std::string::npos) << r.err;
  // The same record for its own patient has 1 and 4 kHz only: the speech-frequency average
  // cannot be computed, so it is not stored.
  r =
      run("worker add --registry 4711 --tc 10000000078 --first-name Ali --last-name Öztürk "
          "--birth-date 1978-03-14 --sex M --height-cm 175 --weight-kg 80 --job YA-PANO-01");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = run("audio import --worker 4711 --format gdt --input " + std::string(ODYO_TEST_DATA_DIR) +
          "/devices/gdt-2.1/6310-audiogram-cp437.gdt");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("500 Hz has no air-conduction threshold"), std::string::npos) << r.err;
  r = run("audio import --worker 4001 --format gdt --input " + write("x.gdt", "not gdt"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("GDT file"), std::string::npos) << r.err;
  expect_nothing_stored();
}

TEST_F(AudioEnterImportCli, Gsi61RecordsAreImportedByTheTestOrder) {
  const std::vector<std::pair<int, int>> a = {
      {1000, 15}, {2000, 20}, {3000, 30}, {4000, 45}, {500, 10}};
  const std::vector<std::pair<int, int>> b = {
      {1000, 10}, {2000, 15}, {3000, 20}, {4000, 25}, {500, 10}};
  const std::string bytes = gsi61_file(a, b);
  const std::string f = write("gsi61.bin", bytes);
  auto r = run("--json audio import --worker 4001 --format gsi61 --input " + f);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json p = json::parse(r.out)["result"];
  EXPECT_EQ(p["source"]["sha256"], sha256_of(bytes));
  EXPECT_NE(p["source"]["description"].get<std::string>().find("ear by test order"),
            std::string::npos);
  // Right first (default): 10/15/20 → 15 dB; left 10/10/15 → 11.67 dB.
  EXPECT_EQ(p["audiogram"]["right"]["4000"]["level_db_hl"], 45);
  EXPECT_EQ(p["audiogram"]["right"]["4000"]["provenance"], "imported");
  EXPECT_DOUBLE_EQ(p["right"]["pta_db"].get<double>(), 15.0);
  EXPECT_NEAR(p["left"]["pta_db"].get<double>(), 35.0 / 3.0, 1e-9);
  // The technician tested the left ear first.
  r = run("--json audio import --worker 4001 --format gsi61 --ears left,right --input " + f);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  p = json::parse(r.out)["result"];
  EXPECT_EQ(p["audiogram"]["left"]["4000"]["level_db_hl"], 45);
  EXPECT_EQ(p["audiogram"]["right"]["4000"]["level_db_hl"], 25);
}

TEST_F(AudioEnterImportCli, GdtAudi01IsImported) {
  std::vector<gdt::FieldOut> fields = {
      {8315, "ODYOSPIR"}, {8316, "AUDIO001"}, {9218, "02.10"}, {3000, "4001"}, {8402, "AUDI01"}};
  for (const char* ear : {"R", "L"}) {
    for (int hz : {500, 1000, 2000, 3000, 4000}) {
      fields.push_back({8410, std::string(ear) + "_AC_" + std::to_string(hz)});
      fields.push_back({8420, hz == 4000 ? "40" : "20"});
      fields.push_back({8421, "dB HL"});
    }
  }
  auto file = gdt::write(6310, fields);
  ASSERT_TRUE(file.ok()) << file.error().message;
  const std::string bytes(file.value().begin(), file.value().end());
  auto r = run("--json audio import --worker 4001 --format gdt --date 2024-05-02 --input " +
               write("a.gdt", bytes));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json j = json::parse(r.out);
  const json& p = j["result"];
  EXPECT_EQ(p["source"]["sha256"], sha256_of(bytes));
  EXPECT_EQ(p["audiogram"]["left"]["4000"]["level_db_hl"], 40);
  EXPECT_EQ(p["audiogram"]["left"]["4000"]["provenance"], "imported");
  EXPECT_DOUBLE_EQ(p["left"]["pta_db"].get<double>(), 20.0);
  EXPECT_EQ(p["baseline"]["age_at_test_years"], 43);  // 1980-06-15 → 2024-05-02
  r = run("exam show " + std::to_string(j["exam_id"].get<int>()));
  EXPECT_NE(r.out.find("Audiogram imported from a device record (gdt)"), std::string::npos)
      << r.out;
}

}  // namespace
