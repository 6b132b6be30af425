// The physician's records an evaluation reads (issue 13), through `odyospiro record …` and
// `odyospiro evaluate --worker`, and `odyospiro reevaluate` over the demo database: decisions
// made under the rules before issue 13 are listed when the corrections change them, while a
// physician's confirmed decision stays in force.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "station/evaluation/decisions.hpp"
#include "station/storage/database.hpp"
#include "tests/station/support/station_fixture.hpp"

using nlohmann::json;
using odyo::test::run_command;
namespace fs = std::filesystem;

namespace {

// A station.toml like the shipped one whose rule tables are `rules_dir` (absolute).
fs::path config_with_rules(const fs::path& dir, const fs::path& rules_dir) {
  std::ifstream in(fs::path(ODYO_SOURCE_DIR) / "config" / "station.toml");
  std::stringstream s;
  s << in.rdbuf();
  std::string t = s.str();
  auto swap = [&](const std::string& from, const std::string& to) {
    const auto at = t.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    if (at != std::string::npos) t.replace(at, from.size(), to);
  };
  swap("dir = \"rules\"", "dir = \"" + rules_dir.string() + "\"");
  // Every other folder the configuration names (relative to it) is the shipped one.
  for (const auto& entry : fs::directory_iterator(fs::path(ODYO_SOURCE_DIR) / "config"))
    if (entry.is_directory() && entry.path().filename() != "rules")
      fs::create_directory_symlink(entry.path(), dir / entry.path().filename());
  const fs::path out = dir / "station-old-rules.toml";
  std::ofstream(out) << t;
  return out;
}

std::string exe(const fs::path& config, const fs::path& db) {
  return std::string(ODYOSPIRO_EXE) + " --config " + config.string() + " --db " + db.string();
}

}  // namespace

// Madde 9(2)(a)(4)(dd) restrictions, the Ek-5 special examination, "every other Ek-2 system" and
// the absence of Madde 9(2)(a)(4): each record kind through the CLI, physician only, versioned
// (a correction is a new version with a reason), and read by the evaluation.
TEST(PhysicianRecords, RecordedThroughTheCliVersionedAndReadByTheEvaluation) {
  odyo::test::TempDir dir;
  const fs::path db = dir / "demo.db";
  const std::string base = odyo::test::odyospiro(db);
  // The demo's own accounts, with the random passwords it printed once (demo --json).
  const auto demo = odyo::test::run_demo_with(base + " --lang en");
  odyo::test::CommandResult r;

  struct Step {
    const char* user;
    std::string args;
    int exit_code;
    const char* fragment;  // in stdout (JSON) or stderr
  };
  const std::vector<Step> steps{
      {"teknisyen", "record system --worker '#1' --system vision --column B", 5,
       "only a physician may record"},
      {"hekim", "record system --worker '#1' --system elbow --column B", 1,
       "is not an Ek-2 system"},
      {"hekim", "record system --worker '#1' --system vision --column B", 1,
       "needs a reason"},  // already recorded by the demo: a correction needs --reason
      {"hekim", "record system --worker '#1' --system vision --column B --reason \"myopia -4\"", 0,
       "\"version\": 2"},
      {"hekim", "record restriction --worker '#1' --restriction noise-free", 0, "\"active\": true"},
      {"hekim", "record restriction --worker '#1' --restriction quiet-please", 1,
       "is not a restriction"},
      {"hekim", "record special-exam --worker '#1' --job YA-LOK-01 --result fit", 0,
       "\"result\": \"fit\""},
      {"hekim", "record special-exam --worker '#1' --job YU-BURO-01 --result fit", 1,
       "does not need a special examination"},
      {"hekim",
       "record absence --worker '#1' --start 2026-10-01 --end 2026-10-31 --sgk-report "
       "--sgk-report-no R-1 --controlled-until 2026-12-31 --temporary-job YU-BEK-01",
       0, "\"temporary_job\": \"YU-BEK-01\""},
      {"hekim", "record absence --worker '#1' --start 2026-10-05 --end 2026-10-01", 1,
       "end is before start"},
  };
  for (const auto& s : steps) {
    r = run_command(demo.as(base, s.user) + " --json " + s.args);
    EXPECT_EQ(r.exit_code, s.exit_code) << s.args << "\n" << r.out << r.err;
    EXPECT_NE((r.out + r.err).find(s.fragment), std::string::npos) << s.args << "\n"
                                                                   << r.out << r.err;
  }
  r = run_command(demo.as(base, "hekim") + " --json record show --worker '#1'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto history = json::parse(r.out);
  int vision_versions = 0;
  for (const auto& h : history) vision_versions += h["subject"] == "vision" ? 1 : 0;
  EXPECT_EQ(vision_versions, 2);  // the first version is kept, never edited

  // The evaluation reads the records: vision B decides, the noisy compressor job conflicts with
  // the noise-free restriction, and the records are shown with the result. The ear findings are
  // the examination's (--findings), as in the demo.
  const fs::path findings = dir / "findings.json";
  std::ofstream(findings) << json{
      {"otitis", "none"},
      {"vertigo", "none"},
      {"tinnitus", "none"},
      {"presbycusis", false},
      {"acoustic_trauma", false}}.dump();
  const std::string with_findings = " --findings " + findings.string();
  r = run_command(demo.as(base, "hekim") +
                  " --json evaluate --worker '#1' --purpose periodic --job "
                  "YU-KOMP-01 --no-store" +
                  with_findings);
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  auto e = json::parse(r.out);
  EXPECT_EQ(e["restrictions"], json::array({"noise-free"}));
  EXPECT_EQ(e["job_fit"]["status"], "unfit");
  ASSERT_TRUE(e.contains("records"));
  EXPECT_GE(e["records"].size(), 12u);  // 11 systems + the restriction
  bool vision_b = false;
  for (const auto& h : e["ek2"]["rules"])
    vision_b = vision_b || (h["clause"] == "EK-2 (göz hastalıkları) B" && h["column"] == "B");
  EXPECT_TRUE(vision_b) << e["ek2"]["rules"].dump();

  // Return after the 31-day absence: the article applies, the SGK report and the controlled
  // period are in the trace; the demo's exams are from today, after the absence.
  r = run_command(demo.as(base, "hekim") +
                  " --json evaluate --worker '#1' --purpose "
                  "return-after-absence --job YU-BURO-01 --no-store" +
                  with_findings);
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  e = json::parse(r.out);
  bool absence_note = false;
  for (const auto& n : e["notes"])
    absence_note =
        absence_note ||
        (n["clause"] == "Madde 9(2)(a)(4)" &&
         n["en"].get<std::string>().find("Absence of 31 days (more than 20); SGK report "
                                         "R-1; controlled period until 2026-12-31, "
                                         "temporary surface job YU-BEK-01") != std::string::npos);
  EXPECT_TRUE(absence_note) << e["notes"].dump();

  // The table refuses edits in place.
  auto handle = std::move(odyo::station::Database::open(db).value());
  EXPECT_FALSE(handle->exec("UPDATE physician_records SET payload = '{}'").ok());
  EXPECT_FALSE(handle->exec("DELETE FROM physician_records").ok());
}

// `odyospiro reevaluate` over the demo database: the demo's decision was made under the rules
// before issue 13 (config/rules/versions/ttk-2014-odyo-1) and confirmed by the physician. Under
// the corrected tables it changes — the other Ek-2 systems were never recorded under the old
// tables, so the group is no longer final — and is listed; the physician's confirmation stays in
// force and no row is edited.
TEST(PhysicianRecords, ReevaluateOverTheDemoDatabaseListsChangesAndKeepsConfirmations) {
  odyo::test::TempDir dir;
  const fs::path db = dir / "demo.db";
  // A station still on the old directive tables: their five files, beside the station's own
  // settings that are no part of the directive (quality control, intervals, suspected-disease
  // criteria: the shipped ones).
  const fs::path shipped = fs::path(ODYO_SOURCE_DIR) / "config" / "rules";
  const fs::path old_rules = dir / "rules-ttk-2014-odyo-1";
  fs::create_directory(old_rules);
  for (const auto& f : fs::directory_iterator(shipped / "versions" / "ttk-2014-odyo-1"))
    fs::copy_file(f.path(), old_rules / f.path().filename());
  for (const char* own : {"qc.toml", "surveillance.toml", "suspected.toml"})
    fs::copy_file(shipped / own, old_rules / own);
  const std::string old_exe = exe(config_with_rules(dir.path(), old_rules), db);
  const auto demo = odyo::test::run_demo_with(old_exe + " --lang en");
  odyo::test::CommandResult r;

  r = run_command(demo.as(old_exe, "hekim") + " --json exam show 2");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto audio = json::parse(r.out);
  ASSERT_EQ(audio["evaluations"].size(), 1u);
  const auto eval_id = audio["evaluations"][0]["id"].get<std::int64_t>();
  const auto group_before = audio["evaluations"][0]["health_group"];
  ASSERT_FALSE(group_before.is_null());

  r = run_command(demo.as(old_exe, "hekim") + " --json decision confirm " +
                  std::to_string(eval_id));
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  const auto confirmed = json::parse(r.out)["in_force"].get<std::int64_t>();

  const std::string now_exe = odyo::test::odyospiro(db);
  r = run_command(demo.as(now_exe, "hekim") + " --json reevaluate --dry-run");
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  auto rep = json::parse(r.out);
  EXPECT_EQ(rep["rules_version"], "ttk-2014-odyo-2");
  EXPECT_EQ(rep["chains"], 1);
  ASSERT_EQ(rep["changed"], 1) << rep.dump();
  EXPECT_EQ(rep["changes"][0]["in_force"], "confirm");
  EXPECT_EQ(rep["changes"][0]["health_group_before"], group_before);
  EXPECT_TRUE(rep["changes"][0]["health_group_after"].is_null());  // not final any more

  r = run_command(demo.as(now_exe, "hekim") + " --json reevaluate");
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  r = run_command(demo.as(now_exe, "hekim") + " --json decision show " + std::to_string(eval_id));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto chain = json::parse(r.out);
  EXPECT_EQ(chain["in_force"], confirmed);  // the physician's confirmation stays in force
  ASSERT_EQ(chain["chain"].size(), 3u);
  EXPECT_EQ(chain["chain"][1]["kind"], "confirm");
  EXPECT_EQ(chain["chain"][1]["health_group"], group_before);  // untouched
  EXPECT_EQ(chain["chain"][2]["kind"], "reevaluation");
  r = run_command(demo.as(now_exe, "yonetici") + " db verify");
  EXPECT_EQ(r.exit_code, 0) << r.err;
}
