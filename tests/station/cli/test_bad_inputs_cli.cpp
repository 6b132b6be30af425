// Issue 12, item 8 ("Trust" — inputs), end to end through the built odyospiro on a real SQLite
// database: "every silent accept above becomes a clear refusal that stores nothing", and the
// must-show "each bad input above as a test". Each case below quotes the clause it proves.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "drivers/codec/gdt.hpp"
#include "tests/station/support/station_fixture.hpp"

namespace {

using nlohmann::json;
using odyo::test::run_command;
namespace gdt = odyo::codec::gdt;

class BadInputsCli : public ::testing::Test {
 protected:
  odyo::test::Station st;  // a database with its accounts; the technician acts
  odyo::test::TempDir dir;

  odyo::test::CommandResult run(const std::string& args) {
    return run_command(st.as("tekniker") + " --lang en " + args);
  }
  std::string write(const std::string& name, const std::string& bytes) {
    return dir.write(name, bytes);
  }
  // A shell word holding exactly `bytes` (no NUL; a trailing newline would be lost by $(…)).
  std::string word(const std::string& name, const std::string& bytes) {
    return "\"$(cat '" + write(name, bytes) + "')\"";
  }
  json exams() {
    auto r = run("--json exam list");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.exit_code == 0 ? json::parse(r.out) : json::array();
  }
  void SetUp() override {
    auto r =
        run("worker add --registry 4001 --tc 10000000146 --first-name Şükrü --last-name Kaya "
            "--birth-date 1980-06-15 --sex M --height-cm 175 --weight-kg 80 --job YA-PANO-01");
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
};

// "free text limited (length, no control or bidi characters, valid UTF-8)"; "names with
// newlines, ANSI escapes, bidi overrides, control bytes, invalid UTF-8 or 100 kB are stored (a
// newline forges a row in `worker list`)".
TEST_F(BadInputsCli, FreeTextIsRefusedAndNoRowIsForged) {
  struct Case {
    const char* what;
    std::string first_name;
    const char* message;
  };
  const Case cases[] = {
      {"newline forging a row", "Ali\n4099    Sahte    Kayit", "line break"},
      {"ANSI escape", "Ali\x1b[2J\x1b[31m", "ESC"},
      {"bidi override U+202E",
       "Ali\xe2\x80\xae"
       "ilev",
       "U+202E"},
      {"bidi isolate U+2067", "Ali\xe2\x81\xa7", "U+2067"},
      {"control byte BEL", "Ali\a", "U+0007"},
      {"C1 control CSI", "Ali\xc2\x9b", "U+009B"},
      {"invalid UTF-8", "Al\xff", "not valid UTF-8"},
      {"100 kB", std::string(100 * 1024, 'A'), "longer than 100 characters"},
  };
  int n = 0;
  for (const auto& c : cases) {
    const std::string reg = std::to_string(5000 + n++);
    auto r = run("worker add --registry " + reg + " --tc 10000000078 --first-name " +
                 word("name" + reg, c.first_name) +
                 " --last-name Kaya --birth-date 1980-06-15 --sex M --height-cm 175 "
                 "--weight-kg 80 --job YA-PANO-01");
    EXPECT_EQ(r.exit_code, 1) << c.what << ": " << r.err;
    EXPECT_NE(r.err.find("first name"), std::string::npos) << c.what << ": " << r.err;
    EXPECT_NE(r.err.find(c.message), std::string::npos) << c.what << ": " << r.err;
    EXPECT_EQ(r.err.find('\x1b'), std::string::npos) << c.what;  // nothing echoed raw
  }
  // The last name and the establishment go through the same check.
  auto r = run("worker add --registry 5100 --tc 10000000078 --first-name Ali --last-name " +
               word("ln", "Kaya\x1b]0;owned\a") +
               " --birth-date 1980-06-15 --sex M --height-cm 175 --weight-kg 80 --job YA-PANO-01");
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("last name"), std::string::npos) << r.err;
  // Nothing was stored: one worker, one row.
  r = run("--json worker list");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(json::parse(r.out).size(), 1u) << r.out;
  r = run("worker list");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.find("4099"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("Sahte"), std::string::npos) << r.out;
}

const json kRight = {{"500", 10}, {"1000", 15}, {"2000", 20}, {"4000", 45}};
const json kLeft = {{"500", 10}, {"1000", 10}, {"2000", 15}, {"4000", 25}};

// "NR below the audiometer's minimum, duplicate JSON keys, bone worse than air beyond a
// configurable margin refused"; "`"NR@-10"` is averaged as −10 dB; duplicate JSON keys keep the
// last value".
TEST_F(BadInputsCli, BadAudiogramsAreRefusedAndNothingIsStored) {
  struct Case {
    const char* what;
    std::string text;
    const char* message;
  };
  json nr = {{"right", kRight}, {"left", kLeft}};
  nr["right"]["1000"] = "NR@-10";
  json bone = {{"right", kRight}, {"left", kLeft}};
  bone["bone"] = {{"left", {{"2000", 40}}}};  // air 15, bone 40: 25 dB worse
  json wrap = {{"right", kRight}, {"left", kLeft}};
  wrap["left"]["500"] = 4294967306ULL;  // 2^32 + 10: must not become 10 dB HL
  const Case cases[] = {
      {"NR at the audiometer's minimum", nr.dump(), "no response"},
      {"bone 25 dB worse than air", bone.dump(), "25 dB worse than air conduction"},
      {"a level that would wrap around an int", wrap.dump(), "is not a hearing level"},
      {"a duplicate frequency",
       R"({"right": {"500": 10, "1000": 15, "2000": 20, "1000": 90}, "left": {"500": 10, "1000": 10, "2000": 15}})",
       "\"1000\" appears twice in the object at /right"},
      {"a duplicate ear",
       R"({"right": {"500": 10, "1000": 15, "2000": 20}, "left": {"500": 10, "1000": 10, "2000": 15}, "right": {"500": 90, "1000": 90, "2000": 90}})",
       "\"right\" appears twice"},
  };
  for (const auto& c : cases) {
    const std::string f = write("a.json", c.text);
    auto r = run("audio enter --worker 4001 --input " + f);
    EXPECT_EQ(r.exit_code, 1) << c.what << ": " << r.err;
    EXPECT_NE(r.err.find(c.message), std::string::npos) << c.what << ": " << r.err;
    r = run("audio analyze --input " + f);
    EXPECT_EQ(r.exit_code, 1) << c.what << " (analyze): " << r.err;
  }
  EXPECT_EQ(exams().size(), 0u);
  // The margin is configured: [audiometry].max_bone_above_air_db.
  std::ifstream in(std::string(ODYO_SOURCE_DIR) + "/config/station.toml");
  std::string toml((std::istreambuf_iterator<char>(in)), {});
  const std::string key = "max_bone_above_air_db = 10";
  ASSERT_NE(toml.find(key), std::string::npos);
  toml.replace(toml.find(key), key.size(), "max_bone_above_air_db = 30");
  const std::string cfg_dir = (dir / "config").string();
  std::filesystem::create_directories(cfg_dir);
  for (const char* sub : {"rules", "reference", "audiometry", "calibration", "devices"}) {
    std::filesystem::create_directory_symlink(std::string(ODYO_SOURCE_DIR) + "/config/" + sub,
                                              cfg_dir + "/" + sub);
  }
  std::ofstream(cfg_dir + "/station.toml") << toml;
  auto r = run_command(st.as_with_config("tekniker", cfg_dir + "/station.toml") +
                       " --lang en --json audio enter --worker 4001 --input " +
                       write("bone.json", bone.dump()));
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

// "a speech frequency of 99999999999 overflows".
TEST_F(BadInputsCli, SpeechFrequencyThatWouldOverflowIsRefused) {
  std::ifstream in(std::string(ODYO_TEST_DATA_DIR) + "/evaluation/worker_c_new_hire.json");
  json j = json::parse(in);
  for (const json& bad : {json::array({99999999999LL, 1000, 2000}),
                          json::array({4294967796ULL, 1000, 2000}), json::array({1234, 1000})}) {
    j["hearing"]["speech_frequencies_hz"] = bad;
    auto r = run("--json evaluate --input " + write("e.json", j.dump()));
    EXPECT_EQ(r.exit_code, 1) << bad.dump() << ": " << r.out << r.err;
    EXPECT_NE(r.err.find("speech_frequencies_hz"), std::string::npos) << r.err;
  }
  auto r = run("audio analyze --speech-hz 99999999999 --input " +
               write("a.json", json{{"right", kRight}, {"left", kLeft}}.dump()));
  EXPECT_EQ(r.exit_code, 1) << r.err;
  // Duplicate keys in the evaluation input too.
  r = run("--json evaluate --input " +
          write("d.json", R"({"purpose": "new-hire", "purpose": "periodic"})"));
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("\"purpose\" appears twice"), std::string::npos) << r.err;
}

// "an input size limit on every file read"; "`--input /dev/zero` reads forever".
TEST_F(BadInputsCli, EndlessInputFilesAreRefusedNamingFileAndLimit) {
  const std::string cmds[] = {
      "spiro analyze --rate 1000 --input /dev/zero",
      "audio analyze --input /dev/zero",
      "audio enter --worker 4001 --input /dev/zero",
      "audio import --worker 4001 --format gdt --input /dev/zero",
      "audio import --worker 4001 --format tm262 --input /dev/zero",
      "evaluate --input /dev/zero",
  };
  for (const auto& c : cmds) {
    auto r = run(c);
    EXPECT_EQ(r.exit_code, 1) << c << ": " << r.err;
    EXPECT_NE(r.err.find("/dev/zero"), std::string::npos) << c << ": " << r.err;
    EXPECT_NE(r.err.find("limit of 64 MiB"), std::string::npos) << c << ": " << r.err;
  }
  auto r = run_command(std::string(ODYOSPIRO_EXE) +
                       " --config /dev/zero --lang en spiro predict "
                       "--equation gli2012 --sex M --age 40 --height-cm 175");
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("limit of 64 MiB"), std::string::npos) << r.err;
  EXPECT_EQ(exams().size(), 0u);
}

// "flows beyond a physiological limit refused"; "1e300 L/s flows are analysed".
TEST_F(BadInputsCli, ImpossibleFlowsAreRefused) {
  std::ifstream in(std::string(ODYO_TEST_DATA_DIR) + "/spirometry/ats26_flow/1.txt");
  std::vector<std::string> lines;
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  ASSERT_GT(lines.size(), 1000u);
  for (const char* bad : {"1e300", "-1e300", "25.0", "5000"}) {
    auto copy = lines;
    copy[600] = bad;
    std::string csv;
    for (const auto& l : copy) csv += l + "\n";
    auto r = run("spiro analyze --rate 500 --btps 1.0 --input " + write("f.csv", csv));
    EXPECT_EQ(r.exit_code, 1) << bad << ": " << r.out << r.err;
    EXPECT_NE(r.err.find("beyond the 20 L/s"), std::string::npos) << bad << ": " << r.err;
  }
  json session = {{"rate_hz", 500}, {"manoeuvres", json::array({json::array()})}};
  for (const auto& l : lines) session["manoeuvres"][0].push_back(std::stod(l));
  session["manoeuvres"][0][600] = 1e300;
  auto r = run("spiro analyze --input " + write("s.json", session.dump()));
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("beyond the 20 L/s"), std::string::npos) << r.err;
}

// "NaN/inf/out-of-range refused in every config value"; "`min_sample_rate_hz = nan` in
// station.toml is accepted and disables the sample-rate rule (`--rate 1` → FVC 787 L)".
TEST_F(BadInputsCli, NanInTheConfigurationStopsTheStation) {
  std::ifstream in(std::string(ODYO_SOURCE_DIR) + "/config/station.toml");
  std::string toml((std::istreambuf_iterator<char>(in)), {});
  const std::string key = "min_sample_rate_hz = 100.0";
  ASSERT_NE(toml.find(key), std::string::npos);
  for (const char* v : {"nan", "inf", "-inf", "1.0"}) {
    std::string t = toml;
    t.replace(t.find(key), key.size(), std::string("min_sample_rate_hz = ") + v);
    const std::string cfg = write("station.toml", t);
    auto r = run_command(std::string(ODYOSPIRO_EXE) + " --config " + cfg +
                         " --lang en spiro analyze --rate 1 --input " +
                         std::string(ODYO_TEST_DATA_DIR) + "/spirometry/ats26_flow/1.txt");
    EXPECT_EQ(r.exit_code, 2) << v << ": " << r.out << r.err;
    EXPECT_NE(r.err.find("min_sample_rate_hz"), std::string::npos) << v << ": " << r.err;
    EXPECT_EQ(r.out.find("FVC"), std::string::npos) << r.out;
  }
  // With the shipped configuration, --rate 1 is refused by the ATS/ERS rule.
  auto r = run("spiro analyze --rate 1 --input " + std::string(ODYO_TEST_DATA_DIR) +
               "/spirometry/ats26_flow/1.txt");
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.err.find("100 Hz"), std::string::npos) << r.err;
}

// A GDT 6310 record with the patient fields and the test date; `extra` adds or overrides.
std::string gdt_record(const std::vector<gdt::FieldOut>& patient) {
  std::vector<gdt::FieldOut> fields = {{8315, "ODYOSPIR"}, {8316, "AUDIO001"}, {9218, "02.10"}};
  for (const auto& f : patient) fields.push_back(f);
  fields.push_back({8402, "AUDI01"});
  for (const char* ear : {"R", "L"}) {
    for (int hz : {500, 1000, 2000, 3000, 4000}) {
      fields.push_back({8410, std::string(ear) + "_AC_" + std::to_string(hz)});
      fields.push_back({8420, hz == 4000 ? "40" : "20"});
      fields.push_back({8421, "dB HL"});
    }
  }
  auto file = gdt::write(6310, fields);
  EXPECT_TRUE(file.ok());
  return file.ok() ? std::string(file.value().begin(), file.value().end()) : std::string();
}

// "GDT patient identity compared with the worker (mismatch refused, with both shown)"; "a GDT
// 6310 file of another patient (fields 3101/3102/3103) is stored as the given worker".
TEST_F(BadInputsCli, GdtOfAnotherPatientIsRefusedShowingBoth) {
  struct Case {
    const char* what;
    std::vector<gdt::FieldOut> patient;
    const char* differs;
  };
  const Case cases[] = {
      {"the GDT spec's example patient",
       {{3000, "4711"}, {3101, "Öztürk"}, {3102, "Ali"}, {3103, "14031978"}},
       "patient number (3000), surname (3101), first name (3102), birth date (3103)"},
      {"same number, another name", {{3000, "4001"}, {3101, "Yilmaz"}}, "surname (3101)"},
      {"same name, another birth date",
       {{3101, "KAYA"}, {3102, "Sukru"}, {3103, "15061981"}},
       "birth date (3103)"},
      {"names nobody", {{3102, "Sukru"}}, "names no patient"},
  };
  for (const auto& c : cases) {
    auto r = run("audio import --worker 4001 --format gdt --input " +
                 write("p.gdt", gdt_record(c.patient)));
    EXPECT_EQ(r.exit_code, 1) << c.what << ": " << r.err;
    EXPECT_NE(r.err.find(c.differs), std::string::npos) << c.what << ": " << r.err;
    if (std::string(c.differs) != "names no patient") {
      EXPECT_NE(r.err.find("record: "), std::string::npos) << r.err;
      EXPECT_NE(r.err.find("worker 4001: number 4001, Kaya, Şükrü, born 1980-06-15"),
                std::string::npos)
          << r.err;
    }
  }
  EXPECT_EQ(exams().size(), 0u);
  // The same worker — CP437 senders write Şükrü as "Sukru" — is stored.
  auto r = run("--json audio import --worker 4001 --format gdt --input " +
               write("ok.gdt", gdt_record({{3000, "4001"},
                                           {3101, "KAYA"},
                                           {3102, "Sukru"},
                                           {3103, "15061980"},
                                           {6200, "02052024"}})));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(exams().size(), 1u);
}

// "GDT test date used and checked"; "the GDT's own test date (6200) is ignored".
TEST_F(BadInputsCli, GdtTestDateIsUsedAndChecked) {
  const std::vector<gdt::FieldOut> kaya = {{3000, "4001"}, {3101, "Kaya"}, {3103, "15061980"}};
  auto with_date = [&](const char* d) {
    auto p = kaya;
    p.push_back({6200, d});
    return write("d.gdt", gdt_record(p));
  };
  struct Case {
    const char* what;
    const char* date_6200;
    const char* option;
    const char* message;
  };
  const Case cases[] = {
      {"in the future", "01012099", "", "2099-01-01 is in the future"},
      {"before the worker's birth", "01011970", "", "is before worker 4001's birth"},
      {"not a date", "31022024", "", "field 6200"},
      {"a --date that contradicts the file", "02052024", "--date 2024-05-03",
       "the file dates the test 2024-05-02 (field 6200) but --date says 2024-05-03"},
  };
  for (const auto& c : cases) {
    auto r = run("audio import --worker 4001 --format gdt " + std::string(c.option) + " --input " +
                 with_date(c.date_6200));
    EXPECT_EQ(r.exit_code, 1) << c.what << ": " << r.err;
    EXPECT_NE(r.err.find(c.message), std::string::npos) << c.what << ": " << r.err;
  }
  EXPECT_EQ(exams().size(), 0u);
  // The file's date is the exam's date (and the age at the test follows from it).
  auto r = run("--json audio import --worker 4001 --format gdt --input " + with_date("02052024"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json stored = json::parse(r.out);
  EXPECT_EQ(stored["result"]["baseline"]["age_at_test_years"], 43);  // 1980-06-15 → 2024-05-02
  auto list = exams();
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0]["started_at"].get<std::string>().substr(0, 10), "2024-05-02") << list.dump();
  // A --date that agrees with the file is fine.
  r = run("--json audio import --worker 4001 --format gdt --date 2024-05-02 --input " +
          with_date("02052024"));
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

// "CLI parse errors exit with the documented code"; "Parse errors exit 104–109 although the
// README documents 1".
TEST_F(BadInputsCli, ParseErrorsExitWithTheDocumentedCode) {
  const std::string cmds[] = {
      "worker add --registry 1",                               // required options missing
      "worker list --no-such-option",                          // unknown option
      "--lang xx worker list",                                 // not allowed
      "spiro analyze --rate abc --input x.csv",                // not a number
      "audio analyze --speech-hz 99999999999 --input x.json",  // does not fit
      "no-such-command",                                       // unknown subcommand
      "",                                                      // no subcommand
  };
  for (const auto& c : cmds) {
    auto r = run(c);
    EXPECT_EQ(r.exit_code, 1) << c << ": " << r.err;
    EXPECT_FALSE(r.err.empty()) << c;
  }
  EXPECT_EQ(run("--help").exit_code, 0);
  EXPECT_EQ(run("worker add --help").exit_code, 0);
  EXPECT_EQ(run_command(std::string(ODYOSPIRO_EXE) + " --version").exit_code, 0);
}

}  // namespace
