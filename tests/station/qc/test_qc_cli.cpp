// Quality control through the built program (issue 17 item 4): the 3-L syringe check measured on
// the simulated spirometer (devsim's syringe stroke, its volume error set), a spirometry test
// refused without today's passed check and allowed after it, the listening check, `checks
// status|list`, `report qc`, a corrective action against a QC finding, and the second review's
// refusals. Real SQLite file, real pseudo-terminal, the shipped configuration.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/station/support/station_fixture.hpp"

using nlohmann::json;
using odyo::test::run_command;

namespace {

struct Station {
  odyo::test::Station st;
  std::string tech = st.as("tekniker") + " --lang en";
  std::string doc = st.as("hekim") + " --lang en";
  std::string devsim = std::string(" --devsim ") + ODYO_BINARY_DIR + "/tools/devsim/devsim";
  std::string journal = " --journal " + (st.dir / "j.db").string();

  Station() {
    auto r = run_command(tech +
                         " worker add --registry D-1001 --tc 38492017510 --first-name Ahmet "
                         "--last-name Kaya --birth-date 1984-03-12 --sex M --height-cm 174 "
                         "--weight-kg 78 --job YA-PANO-01 --establishment Kozlu");
    EXPECT_EQ(r.exit_code, 0) << r.err;
  }
  json json_of(const std::string& who, const std::string& args, int want = 0) {
    auto r = run_command(who + " --json " + args);
    EXPECT_EQ(r.exit_code, want) << args << "\n" << r.out << r.err;
    auto j = json::parse(r.out, nullptr, false);
    return j.is_discarded() ? json(r.err) : j;
  }
  odyo::test::CommandResult acquire() {
    return run_command(tech + " --json acquire spiro --device spiro-sim --worker D-1001" + devsim +
                       journal);
  }
};

}  // namespace

TEST(QcCli, ASpirometryTestNeedsTodaysPassedSyringeCheckMeasuredOnTheDevice) {
  Station s;
  auto r = s.acquire();
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("no 3-L syringe check today"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("spiro syringe-check --device spiro-sim"), std::string::npos) << r.err;

  // A stroke reading 4 % high: recorded, failed, and the test is still refused.
  auto c = s.json_of(
      s.tech, "spiro syringe-check --device spiro-sim --sim-error-pct 4" + s.devsim + s.journal);
  ASSERT_TRUE(c.is_object()) << c;
  EXPECT_FALSE(c["passed"].get<bool>());
  EXPECT_NEAR(c["measured"]["measured_l"].get<double>(), 3.12, 0.01);
  EXPECT_EQ(c["measured"]["source"], "device");
  r = s.acquire();
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("syringe check of spirometer spiro-sim failed"), std::string::npos) << r.err;

  // A stroke 1.5 % low: inside ±3 %, passed; the test runs and is stored.
  c = s.json_of(
      s.tech, "spiro syringe-check --device spiro-sim --sim-error-pct -1.5" + s.devsim + s.journal);
  ASSERT_TRUE(c.is_object()) << c;
  EXPECT_TRUE(c["passed"].get<bool>());
  EXPECT_NEAR(c["measured"]["measured_l"].get<double>(), 2.955, 0.01);
  EXPECT_NEAR(c["measured"]["error_pct"].get<double>(), -1.5, 0.35);
  r = s.acquire();
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(json::parse(r.out).contains("exam"));

  // The syringe strokes are not sessions to recover as exams.
  auto rec = s.json_of(s.tech, "acquire recover" + s.journal);
  EXPECT_TRUE(rec["sessions"].empty()) << rec.dump();

  // A typed reading; --sim-error-pct only for a simulated device.
  c = s.json_of(s.tech, "spiro syringe-check --device spiro-sim --measured-l 3.05");
  EXPECT_TRUE(c["passed"].get<bool>());
  EXPECT_EQ(c["measured"]["source"], "entered");
  r = run_command(s.tech + " spiro syringe-check --device serial:/dev/null --sim-error-pct 2");
  EXPECT_EQ(r.exit_code, 1);
  r = run_command(s.tech + " spiro syringe-check --device spiro-sim --measured-l 30");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("not a syringe stroke"), std::string::npos) << r.err;

  // The status of the devices and the record.
  auto st = s.json_of(s.tech, "checks status");
  bool spiro = false, audio = false;
  for (const auto& d : st["devices"]) {
    if (d["id"] == "spiro-sim") {
      spiro = true;
      EXPECT_EQ(d["reachable"], "simulated");
      EXPECT_TRUE(d["ready"].get<bool>());
      EXPECT_DOUBLE_EQ(d["today"]["measured"]["measured_l"].get<double>(), 3.05);
    }
    if (d["id"] == "audio-sim") {
      audio = true;
      EXPECT_FALSE(d["ready"].get<bool>());
      EXPECT_TRUE(d["today"].is_null());
    }
  }
  EXPECT_TRUE(spiro && audio) << st.dump();
  EXPECT_EQ(s.json_of(s.tech, "checks list --device spiro-sim")["checks"].size(), 3u);
}

TEST(QcCli, AnAudiometrySearchNeedsTodaysListeningCheck) {
  Station s;
  const std::string acquire =
      "acquire audio --device audio-sim --worker D-1001 --frequencies 1000,2000,500 --tone-ms 300 "
      "--gap-ms 150 --no-retest" +
      s.devsim + s.journal;
  auto r = run_command(s.tech + " " + acquire);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("no daily listening check today"), std::string::npos) << r.err;
  auto c = s.json_of(s.tech,
                     "audio listening-check --device audio-sim --fail --listener Ayşe "
                     "--note 'crackle on the left'");
  EXPECT_FALSE(c["passed"].get<bool>());
  r = run_command(s.tech + " " + acquire);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("crackle on the left"), std::string::npos) << r.err;
  c = s.json_of(s.tech, "audio listening-check --device audio-sim --pass --listener Ayşe");
  EXPECT_TRUE(c["passed"].get<bool>());
  r = run_command(s.tech + " --json " + acquire);
  ASSERT_EQ(r.exit_code, 0) << r.err;
}

TEST(QcCli, ReportQcActionsAndReviewRefuseWhatTheyCannotDo) {
  Station s;
  s.st.daily_checks({"spiro-sim"});
  auto r = s.acquire();
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto q = s.json_of(s.doc, "report qc");
  bool tech = false;
  for (const auto& g : q["groups"])
    if (g["dimension"] == "technician" && g["subject"] == "tekniker") {
      tech = true;
      EXPECT_EQ(g["spirometry"]["sessions"], 1);
      EXPECT_EQ(g["checks"]["compliance"], 1.0);
    }
  EXPECT_TRUE(tech) << q.dump();
  EXPECT_TRUE(q["findings"].empty()) << q.dump();  // one session: too few to judge
  // Bad month, a technician asking, a finding that does not exist, nothing signed to draw.
  EXPECT_EQ(run_command(s.doc + " report qc --month 2026-13").exit_code, 1);
  EXPECT_EQ(run_command(s.tech + " report qc").exit_code, 5);
  r = run_command(s.doc +
                  " action add --finding QC-2026-03-technician-nobody-ab_share --description x "
                  "--owner y --due 2099-01-01");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("no QC finding"), std::string::npos) << r.err;
  r = run_command(s.doc + " review draw");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("nothing to draw"), std::string::npos) << r.err;
}
