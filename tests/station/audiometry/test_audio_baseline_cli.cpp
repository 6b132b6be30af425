// End-to-end: the worker's audiometric baseline through the built `odyospiro` on a real SQLite
// file. Audiograms are typed in with `audio enter` at past test dates, so the ages (and the OSHA
// Appendix F allowances, config/audiometry/osha_appendix_f_age_correction.csv) are known; every
// expected number is worked by hand in the comments.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/station/support/station_fixture.hpp"

namespace {

using nlohmann::json;
using odyo::test::run_command;

class AudioBaselineCli : public ::testing::Test {
 protected:
  odyo::test::Station st;
  const odyo::test::TempDir& dir = st.dir;

  odyo::test::CommandResult run(const std::string& args, const std::string& user = "tekniker") {
    return run_command(st.as(user) + " --lang en " + args);
  }
  std::string file(const std::string& name, const json& j) {
    const auto p = dir / name;
    std::ofstream(p) << j.dump();
    return p.string();
  }
  // An audiogram: 500/1000 Hz at 10 dB, then the given 2/3/4 kHz, 6/8 kHz at 20 dB.
  static json ear(int hz2000, int hz3000, int hz4000) {
    return {{"500", 10},      {"1000", 10}, {"2000", hz2000}, {"3000", hz3000},
            {"4000", hz4000}, {"6000", 20}, {"8000", 20}};
  }
  odyo::test::CommandResult enter(const std::string& date, const json& right, const json& left) {
    const std::string f = file("a-" + date + ".json", {{"right", right}, {"left", left}});
    return run("--json audio enter --worker 4001 --input " + f + " --date " + date);
  }
  void SetUp() override {
    // Born 1980-06-15, male.
    auto r =
        run("worker add --registry 4001 --tc 10000000146 --first-name Ali --last-name Kaya "
            "--birth-date 1980-06-15 --sex M --height-cm 175 --weight-kg 80 --job YA-PANO-01");
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
};

TEST_F(AudioBaselineCli,
       FirstExamIsTheBaselineLaterOnesGetTheShiftAndAPersistentShiftIsProposedToThePhysician) {
  // Exam 1, 2010-03-01: age 29 (birthday in June). Accepted → baseline version 1, both ears.
  auto r = enter("2010-03-01", ear(10, 10, 15), ear(10, 15, 15));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json j = json::parse(r.out);
  const auto exam1 = j["exam_id"].get<std::int64_t>();
  EXPECT_EQ(j["result"]["baseline"]["accepted"], true);
  EXPECT_EQ(j["result"]["baseline"]["established_by_this_exam"], true);
  EXPECT_EQ(j["result"]["baseline"]["age_at_test_years"], 29);
  EXPECT_TRUE(j["result"]["sts"].is_null());

  // Exam 2, 2020-03-01: age 39. OSHA M: age 29 → 2/3/4 kHz 4, 6, 8; age 39 → 6, 10, 14:
  // allowances 2, 4, 6 (mean 4).
  // Right 25/25/30 vs 10/10/15: shifts 15/15/15, mean 15 → STS; corrected 15 − 4 = 11 → STS;
  //   current mean 80/3 = 26.67 ≥ 25 → recordable.
  // Left 15/25/30 vs 10/15/15: shifts 5/10/15, mean 10 → STS; corrected 6 → no STS;
  //   current mean 70/3 = 23.33 < 25 → not recordable.
  r = enter("2020-03-01", ear(25, 25, 30), ear(15, 25, 30));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  j = json::parse(r.out);
  const auto exam2 = j["exam_id"].get<std::int64_t>();
  const json& sts = j["result"]["sts"];
  EXPECT_EQ(sts["age_correction_table"], "osha");  // config/station.toml
  EXPECT_EQ(sts["age_at_test_years"], 39);
  EXPECT_EQ(j["result"]["baseline"]["right"]["version"], 1);
  EXPECT_EQ(j["result"]["baseline"]["right"]["exam_id"], exam1);
  EXPECT_EQ(j["result"]["baseline"]["right"]["age_at_test_years"], 29);
  EXPECT_DOUBLE_EQ(sts["right"]["mean_shift_db"].get<double>(), 15.0);
  EXPECT_EQ(sts["right"]["sts"], true);
  EXPECT_EQ(sts["right"]["age_allowance_db"], json({{"2000", 2}, {"3000", 4}, {"4000", 6}}));
  EXPECT_DOUBLE_EQ(sts["right"]["mean_shift_age_corrected_db"].get<double>(), 11.0);
  EXPECT_EQ(sts["right"]["sts_age_corrected"], true);
  EXPECT_NEAR(sts["right"]["current_mean_2k3k4k_db"].get<double>(), 80.0 / 3.0, 1e-9);
  EXPECT_EQ(sts["right"]["recordable"], true);
  EXPECT_DOUBLE_EQ(sts["left"]["mean_shift_db"].get<double>(), 10.0);
  EXPECT_EQ(sts["left"]["sts"], true);
  EXPECT_DOUBLE_EQ(sts["left"]["mean_shift_age_corrected_db"].get<double>(), 6.0);
  EXPECT_EQ(sts["left"]["sts_age_corrected"], false);
  EXPECT_EQ(sts["left"]["recordable_without_age_correction"], false);  // 23.33 < 25
  EXPECT_EQ(sts["recordable"], true);
  // One audiogram since the baseline: the revision rule needs the latest 2.
  EXPECT_EQ(j["result"]["baseline_revision"]["right"]["reason"], "none");

  // exam show shows the baseline used and the STS per ear.
  r = run("--json exam show " + std::to_string(exam2));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  j = json::parse(r.out);
  EXPECT_EQ(j["baseline"]["left"]["version"], 1);
  EXPECT_DOUBLE_EQ(j["sts"]["right"]["mean_shift_db"].get<double>(), 15.0);
  r = run("exam show " + std::to_string(exam2));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("Baseline  : Right v1, exam #" + std::to_string(exam1) +
                       " (2010-03-01, "
                       "age 29)"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("STS       : Right 2/3/4 kHz shift 15.0 dB STS; age-corrected (osha) "
                       "11.0 dB STS; recordable: yes"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("STS       : Left 2/3/4 kHz shift 10.0 dB STS; age-corrected (osha) 6.0 "
                       "dB no STS; recordable: no"),
            std::string::npos)
      << r.out;
  r = run("exam show " + std::to_string(exam1));
  EXPECT_NE(r.out.find("this exam is baseline version 1 (both, initial"), std::string::npos)
      << r.out;

  // Exam 3, 2021-03-01 (age 40): right 30/25/30 → shifts 20/15/15 (STS), mean 85/3 = 28.33;
  // left 15/25/30 again (STS). STS on the latest 2 audiograms in both ears → persistent shift:
  // right: the better 2/3/4 kHz mean of exams 2 (26.67) and 3 (28.33) → exam 2;
  // left: equal means (23.33) → the latest, exam 3. A proposal per ear; the baseline stays.
  r = enter("2021-03-01", ear(30, 25, 30), ear(15, 25, 30));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  j = json::parse(r.out);
  const auto exam3 = j["exam_id"].get<std::int64_t>();
  EXPECT_EQ(j["result"]["baseline_revision"]["right"]["reason"], "persistent_shift");
  EXPECT_EQ(j["result"]["baseline_revision"]["right"]["proposed"], true);
  EXPECT_EQ(j["result"]["baseline_revision"]["right"]["new_baseline_exam_id"], exam2);
  EXPECT_EQ(j["result"]["baseline_revision"]["left"]["new_baseline_exam_id"], "this exam");
  r = run("exam show " + std::to_string(exam3));
  EXPECT_NE(r.out.find("Baseline revision proposed (physician decides): right (persistent_shift)"),
            std::string::npos)
      << r.out;
  r = run("--json audio baseline show --worker 4001");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(json::parse(r.out)["history"].size(), 1u);  // nothing moved by itself

  // The physician applies the proposal, one ear at a time.
  r = run("audio baseline set --worker 4001 --ear right --exam " + std::to_string(exam2) +
              " --reason 'persistent shift confirmed'",
          "hekim");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = run("audio baseline set --worker 4001 --ear left --exam " + std::to_string(exam3) +
              " --reason 'persistent shift confirmed'",
          "hekim");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = run("--json audio baseline show --worker 4001");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  j = json::parse(r.out);
  ASSERT_EQ(j["history"].size(), 3u);
  EXPECT_EQ(j["history"][0]["kind"], "initial");
  EXPECT_EQ(j["history"][0]["ear"], "both");
  EXPECT_EQ(j["history"][1]["version"], 2);
  EXPECT_EQ(j["history"][1]["ear"], "right");
  EXPECT_EQ(j["history"][1]["kind"], "manual");
  EXPECT_EQ(j["history"][1]["exam_id"], exam2);
  EXPECT_EQ(j["history"][1]["supersedes_id"], j["history"][0]["baseline_id"]);
  EXPECT_EQ(j["history"][2]["ear"], "left");
  EXPECT_EQ(j["history"][2]["exam_id"], exam3);
  EXPECT_EQ(j["history"][2]["set_by"], "hekim");
  EXPECT_EQ(j["current"]["right"]["version"], 2);
  EXPECT_EQ(j["current"]["right"]["thresholds_2k3k4k_db_hl"],
            json({{"2000", 25}, {"3000", 25}, {"4000", 30}}));
  EXPECT_EQ(j["current"]["right"]["age_at_test_years"], 39);
  EXPECT_EQ(j["current"]["left"]["version"], 3);

  // Exam 4, 2022-03-01 (age 41; OSHA M 41 = 6/10/14 at 2/3/4 kHz, as at 39 and 40): right
  // 25/25/30 against the new right baseline (exam 2, age 39) → shift 0, allowance 0/0/0.
  r = enter("2022-03-01", ear(25, 25, 30), ear(15, 25, 30));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  j = json::parse(r.out);
  EXPECT_EQ(j["result"]["baseline"]["right"]["version"], 2);
  EXPECT_EQ(j["result"]["baseline"]["left"]["version"], 3);
  EXPECT_DOUBLE_EQ(j["result"]["sts"]["right"]["mean_shift_db"].get<double>(), 0.0);
  EXPECT_EQ(j["result"]["sts"]["right"]["age_allowance_db"],
            json({{"2000", 0}, {"3000", 0}, {"4000", 0}}));
  EXPECT_EQ(j["result"]["sts"]["recordable"], false);
}

TEST_F(AudioBaselineCli, OnlyAPhysicianOrAdminSetsItExplicitlyAndRowsAreNeverEdited) {
  auto r = enter("2010-03-01", ear(10, 10, 15), ear(10, 15, 15));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = enter("2020-03-01", ear(25, 25, 30), ear(15, 25, 30));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto exam2 = json::parse(r.out)["exam_id"].get<std::int64_t>();
  const std::string set = "audio baseline set --worker 4001 --exam " + std::to_string(exam2) +
                          " --reason 'otologist: shift is permanent'";

  // A user the station does not know may not, nor a technician.
  r = run(set, "nobody");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("\"nobody\""), std::string::npos) << r.err;
  r = run(set);
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("only a physician or"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("is technician"), std::string::npos) << r.err;
  r = run("--json " + set, "hekim");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json j = json::parse(r.out);
  ASSERT_EQ(j["history"].size(), 2u);
  EXPECT_EQ(j["history"][1]["kind"], "manual");
  EXPECT_EQ(j["history"][1]["set_by"], "hekim");
  EXPECT_EQ(j["history"][1]["reason"], "otologist: shift is permanent");
  EXPECT_EQ(j["current"]["left"]["exam_id"], exam2);

  // A later exam is compared with the new baseline: 25/25/30 vs 25/25/30 → 0.
  r = enter("2021-03-01", ear(25, 25, 30), ear(15, 25, 30));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(json::parse(r.out)["result"]["baseline"]["right"]["version"], 2);
  EXPECT_DOUBLE_EQ(json::parse(r.out)["result"]["sts"]["right"]["mean_shift_db"].get<double>(),
                   0.0);

  // An exam that cannot be a baseline (no 3 kHz) is refused with the reason.
  json right = ear(10, 10, 10);
  right.erase("3000");
  r = enter("2021-06-01", right, ear(10, 10, 10));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  j = json::parse(r.out);
  EXPECT_EQ(j["result"]["baseline"]["accepted"], false);
  EXPECT_NE(j["result"]["sts"]["right"]["not_computed"].get<std::string>().find("3000 Hz"),
            std::string::npos);
  r = run("audio baseline set --worker 4001 --exam " + std::to_string(j["exam_id"].get<int>()) +
              " --reason x",
          "hekim");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("cannot be a baseline: the right ear has no air-conduction threshold at "
                       "3000 Hz"),
            std::string::npos)
      << r.err;

  // Append-only: SQLite itself refuses to edit or delete a baseline row.
  r = run_command("sqlite3 " + st.db_file.string() +
                  " \"UPDATE audiometric_baselines SET exam_id = 1\"");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("baselines are versioned"), std::string::npos) << r.err;
  r = run_command("sqlite3 " + st.db_file.string() + " \"DELETE FROM audiometric_baselines\"");
  EXPECT_NE(r.exit_code, 0);
  r = run("--json db verify", "admin");
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
}

TEST_F(AudioBaselineCli, ShowWithoutBaselineAndUnknownWorker) {
  auto r = run("audio baseline show --worker 4001");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("none yet"), std::string::npos) << r.out;
  r = run("audio baseline show --worker 9999");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_FALSE(r.err.empty());
}

}  // namespace
