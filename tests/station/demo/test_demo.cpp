// `odyospiro demo` end to end (what ./odyo demo runs): the simulator on a pty, the real driver
// and session, analysis, the threshold search, evaluation and storage; then `exam show`.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/station/support/station_fixture.hpp"

using odyo::test::run_command;

TEST(Demo, RunsEndToEndAndLeavesExamsForExamShow) {
  // The demo creates its own accounts in a new database with random passwords, printed once
  // (--json: "accounts"); then they log in like anyone else.
  const odyo::test::DemoStation demo;
  const std::string exe = demo.as("hekim");
  const std::string admin = demo.as("yonetici");
  const std::string log = demo.run.report["log"].get<std::string>();
  EXPECT_NE(log.find("Spirometry exam #1"), std::string::npos) << log;
  EXPECT_NE(log.find("Audiometry exam #2"), std::string::npos) << log;
  EXPECT_NE(log.find("EK-2/15"), std::string::npos) << log;  // the hearing clause that fired
  ASSERT_EQ(demo.run.passwords.size(), 3u) << demo.run.result.out;
  for (const auto& [user, password] : demo.run.passwords) {
    EXPECT_GE(password.size(), 16u) << user;
    EXPECT_EQ(password.find("demo"), std::string::npos) << user;  // not a published one
    // Printed once, in the demo's own summary too.
    EXPECT_NE(log.find("--user " + user + "  ODYOSPIRO_PASSWORD=" + password), std::string::npos)
        << log;
  }
  EXPECT_NE(demo.password_of("hekim"), demo.password_of("teknisyen"));

  auto r = run_command(exe + " --json exam show 1");
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

TEST(Demo, RunsAgainOnlyAsItsAdminAndNeverShowsThePasswordsAgain) {
  const odyo::test::DemoStation demo;
  // Its database has users now: the demo runs only as its admin.
  const std::string devsim = std::string(ODYO_BINARY_DIR) + "/tools/devsim/devsim";
  auto r = run_command(demo.exe() + " --lang en demo --devsim " + devsim);
  EXPECT_EQ(r.exit_code, 5) << r.err << r.out;
  r = run_command(demo.as("teknisyen") + " --lang en demo --devsim " + devsim);
  EXPECT_EQ(r.exit_code, 5) << r.err << r.out;
  r = run_command(demo.as("yonetici") + " --lang en --json demo --devsim " + devsim);
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_TRUE(j["accounts"].empty()) << r.out;  // no account made, no password shown
  EXPECT_NE(j["log"].get<std::string>().find("shown once, on the first run"), std::string::npos)
      << r.out;
  for (const auto& [user, password] : demo.run.passwords)
    EXPECT_EQ(r.out.find(password), std::string::npos) << user;
  EXPECT_EQ(j["spirometry_exam"], 3);
}

TEST(Demo, RefusesADatabaseWithAnAccountItDidNotCreate) {
  const odyo::test::DemoStation demo;
  // Someone adds a real account to the demo database: from then on it is not the demo's.
  auto r = run_command("ODYOSPIRO_NEW_PASSWORD=gercek-parola-2026 " + demo.as("yonetici") +
                       " user add ayse --name 'Ayşe Hekim' --role physician");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string devsim = std::string(ODYO_BINARY_DIR) + "/tools/devsim/devsim";
  r = run_command(demo.as("yonetici") + " --lang en demo --devsim " + devsim);
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.err.find("\"ayse\", which the demo did not create"), std::string::npos) << r.err;
  r = run_command(demo.as("hekim") + " --json exam list");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out).size(), 2u);  // nothing added
}
