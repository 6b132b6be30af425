// `odyospiro demo` end to end (what ./odyo demo runs): the simulator on a pty, the real driver
// and session, analysis, the threshold search, evaluation and storage; then `exam show`.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/station/support/station_fixture.hpp"

using odyo::test::run_command;

TEST(Demo, RunsEndToEndAndLeavesExamsForExamShow) {
  odyo::test::TempDir dir;
  // The demo creates its own accounts in a new database, then they log in like anyone else.
  const std::string base = odyo::test::odyospiro(dir / "demo.db");
  const std::string exe = "ODYOSPIRO_PASSWORD=demo-parola-hekim " + base + " --user hekim";
  const std::string admin = "ODYOSPIRO_PASSWORD=demo-parola-yonetici " + base + " --user yonetici";
  const std::string devsim = std::string(ODYO_BINARY_DIR) + "/tools/devsim/devsim";
  auto r = run_command(base + " --lang en demo --devsim " + devsim);
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  EXPECT_NE(r.out.find("Spirometry exam #1"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Audiometry exam #2"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("EK-2/15"), std::string::npos) << r.out;  // the hearing clause that fired
  EXPECT_NE(r.out.find("--user hekim  ODYOSPIRO_PASSWORD=demo-parola-hekim"), std::string::npos)
      << r.out;  // the demo's logins are printed

  r = run_command(exe + " --json exam show 1");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto spiro = nlohmann::json::parse(r.out);
  EXPECT_EQ(spiro["kind"], "spirometry");
  ASSERT_EQ(spiro["results"].size(), 1u);
  const auto& p = spiro["results"][0]["payload"];
  // Three simulated blows, each captured and analysed: every one must have reached the analysis.
  EXPECT_EQ(p["manoeuvres"].size(), 3u);
  EXPECT_EQ(p["reference"]["equation"], "gli-global-2022");
  // The simulator blows a ~4.5 L expiration with PEF 9 L/s (tools/devsim/flow_script.hpp) at
  // sensor conditions; BTPS raises it by the factor the payload records. ATS/ERS 2019 device
  // accuracy: volume ±3 %, PEF ±10 %.
  const double btps = p["btps"].get<double>();
  EXPECT_GT(btps, 1.05);
  EXPECT_LT(btps, 1.12);
  EXPECT_NEAR(p["session"]["pef_lps"].get<double>() / btps, 9.0, 0.9);
  EXPECT_EQ(spiro["recordings"].size(), 3u);

  r = run_command(exe + " --json exam show 2");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto audio = nlohmann::json::parse(r.out);
  EXPECT_EQ(audio["kind"], "audiometry");
  // The demo listener's true 500/1000/2000 Hz thresholds average 16.7 dB (right) and 25 dB
  // (left) (station/demo/demo.cpp); the search reports 5-dB steps at or above them.
  const auto& h = audio["results"][0]["payload"];
  EXPECT_GE(h["right"]["pta_db"].get<double>(), 15.0);
  EXPECT_LE(h["right"]["pta_db"].get<double>(), 25.0);
  EXPECT_GE(h["left"]["pta_db"].get<double>(), 25.0);
  EXPECT_LE(h["left"]["pta_db"].get<double>(), 35.0);
  // The evaluation belongs to the newest exam that took part, with a decided health group: the
  // demo supplies the physician's findings, so nothing is missing.
  ASSERT_EQ(audio["evaluations"].size(), 1u);
  EXPECT_EQ(audio["evaluations"][0]["kind"], "auto");
  EXPECT_FALSE(audio["evaluations"][0]["health_group"].get<std::string>().empty());

  r = run_command(exe + " --lang en exam show");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("Exam #2"), std::string::npos) << r.out;

  r = run_command(admin + " db verify");
  EXPECT_EQ(r.exit_code, 0) << r.err;
}
