// The surveillance commands end to end on a real station database: `worker job` appends to the
// job history (Turkish dates accepted, bad input refused and nothing stored), `worker show`
// shows the history and the next due dates, `report due` lists the due and overdue exams.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/station/support/station_fixture.hpp"

using nlohmann::json;
using odyo::test::run_command;

namespace {

struct ReportCli : ::testing::Test {
  odyo::test::Station st;
  odyo::test::CommandResult run(const std::string& args) { return st.run_as("tekniker", args); }
  void add_worker(const std::string& reg, const std::string& tc, const std::string& job,
                  const std::string& since, const std::string& site = "Kozlu") {
    auto r = run("worker add --registry " + reg + " --tc " + tc +
                 " --first-name Ali --last-name Veli --birth-date 01.01.1980 --sex E "
                 "--height-cm 175 --weight-kg 80 --establishment " +
                 site + " --job " + job + " --since " + since);
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  int job_rows(const std::string& reg) {
    auto r = run("--json worker show " + reg);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return static_cast<int>(json::parse(r.out)["job_history"].size());
  }
};

}  // namespace

TEST_F(ReportCli, JobChangeShowAndDue) {
  add_worker("7001", "10000000146", "YU-BURO-01", "01.03.2015");
  add_worker("7002", "12345678950", "YU-KOMP-01", "2016-05-01", "Amasra");

  // Office → face hewer (dusty, underground) from 1 Sep 2026, decided by a commission.
  auto r =
      run("worker job 7001 --job YA-PANO-01 --from 01.09.2026 --reason 'Ek-2 A, transfer' "
          "--decision 'commission 2026/41'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("YA-PANO-01"), std::string::npos) << r.out;

  r = run("--json worker show 7001");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto w = json::parse(r.out);
  EXPECT_EQ(w["job_code"], "YA-PANO-01");
  EXPECT_EQ(w["work_group"], 1);
  ASSERT_EQ(w["job_history"].size(), 2U);
  EXPECT_EQ(w["job_history"][0]["from"], "2015-03-01");
  EXPECT_EQ(w["job_history"][1]["from"], "2026-09-01");
  EXPECT_EQ(w["job_history"][1]["decision"], "commission 2026/41");
  EXPECT_EQ(w["job_history"][1]["created_by"], "tekniker");
  // Never filmed, never tested since the move: all three due from the day of the move.
  ASSERT_EQ(w["exams_due"].size(), 3U);
  for (const auto& e : w["exams_due"]) {
    EXPECT_EQ(e["due"], "2026-09-01") << e.dump();
    EXPECT_TRUE(e["last"].is_null());
  }

  r = run("worker show 7001");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("Job history"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("commission 2026/41"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("chest film"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("(provisional)"), std::string::npos) << r.out;

  // On 15 Sep 2026 the face hewer is overdue for all three, the compressor operator (no
  // spirometry or audiometry since 2016) for two; per establishment only that one's workers.
  r = run("--json report due --as-of 15.09.2026");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto due = json::parse(r.out);
  EXPECT_EQ(due["as_of"], "2026-09-15");
  ASSERT_EQ(due["workers"].size(), 2U);
  int overdue = 0;
  for (const auto& wd : due["workers"])
    for (const auto& e : wd["exams"]) overdue += e["status"] == "overdue";
  EXPECT_EQ(overdue, 5);
  r = run("--json report due --as-of 2026-09-15 --establishment amasra");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  due = json::parse(r.out);
  ASSERT_EQ(due["workers"].size(), 1U);
  EXPECT_EQ(due["workers"][0]["registry_no"], "7002");
  // Before the move the office worker needs nothing.
  r = run("--json report due --as-of 2026-08-31 --establishment Kozlu");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(json::parse(r.out)["workers"].empty()) << r.out;

  r = run("report due --as-of 15.09.2026");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("OVERDUE"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("5 exam(s) listed"), std::string::npos) << r.out;
}

TEST_F(ReportCli, BadJobChangesAreRefusedAndNothingStored) {
  add_worker("7001", "10000000146", "YU-BURO-01", "01.03.2015");
  const std::pair<std::string, std::string> cases[] = {
      {"--job NOPE --from 01.09.2026 --reason x", "job code \"NOPE\""},
      {"--job YA-PANO-01 --from 31.02.2026 --reason x", "--from"},
      {"--job YA-PANO-01 --from 01.01.2099 --reason x", "in the future"},
      {"--job YA-PANO-01 --from 01.01.2010 --reason x", "before the worker's current"},
      {"--job YA-PANO-01 --from 01.09.2026 --reason x --establishment Ankara",
       "establishment \"Ankara\""},
      {"--job YU-BURO-01 --from 01.09.2026 --reason x", "already does"},
  };
  for (const auto& [args, fragment] : cases) {
    auto r = run("worker job 7001 " + args);
    EXPECT_NE(r.exit_code, 0) << args;
    EXPECT_NE(r.err.find(fragment), std::string::npos) << args << ": " << r.err;
  }
  auto r = run("worker job 7001 --job YA-PANO-01 --from 01.09.2026");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("--reason"), std::string::npos) << r.err;
  r = run("worker job 9999 --job YA-PANO-01 --from 01.09.2026 --reason x");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_EQ(job_rows("7001"), 1);
  r = run("report due --as-of 32.13.2026");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("--as-of"), std::string::npos) << r.err;
  r = run("report due --establishment Ankara");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("establishment \"Ankara\""), std::string::npos) << r.err;
  // The database still verifies: every new row is bound in the audit chain.
  r = st.run_as("admin", "db verify");
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
}

TEST_F(ReportCli, FilmsFeedTheDueListAndPlacementsListTheChanges) {
  add_worker("7001", "10000000146", "LV-YIK-01", "01.03.2015");
  add_worker("7002", "12345678950", "YU-BURO-01", "2016-05-01", "Amasra");
  const std::string film =
      "film add 7001 --date 10.02.2025 --reader-a 'Dr. Ayşe' --ilo-a 0/0 --reader-b 'Dr. "
      "Bülent' --ilo-b 0/1 --quality 2 --referred hayır";
  // Reading films and referring is the physician's: a technician is refused, nothing stored.
  auto r = run(film);
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("physician"), std::string::npos) << r.err;
  r = st.run_as("hekim", film);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = st.run_as("hekim",
                "film add 7001 --date 10.02.2025 --reader-a A --ilo-a 4/4 --reader-b B --ilo-b 0/0 "
                "--referred no");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("not an ILO profusion subcategory"), std::string::npos) << r.err;
  r = st.run_as("hekim",
                "film add 7001 --date 10.02.2025 --reader-a A --ilo-a 1/0 --reader-b B --ilo-b 1/1 "
                "--referred evet");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("a referral needs its reason"), std::string::npos) << r.err;
  r = st.run_as("hekim",
                "film add 7001 --date 10.02.2025 --reader-a A --ilo-a 1/0 --reader-b B "
                "--ilo-b 1/1 --referred maybe");
  EXPECT_NE(r.exit_code, 0);
  r = run("--json film list 7001");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto films = json::parse(r.out);
  ASSERT_EQ(films.size(), 1U);
  EXPECT_EQ(films[0]["taken_on"], "2025-02-10");
  EXPECT_EQ(films[0]["ilo_b"], "0/1");
  EXPECT_EQ(films[0]["referred"], false);
  r = run("film list 7001");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("Dr. Bülent"), std::string::npos) << r.out;

  // The film of 10.02.2025 is due on 10.02.2027: not listed on 1.12.2026, due on 20.01.2027,
  // overdue on 1.3.2027.
  auto film_status = [&](const std::string& as_of) -> std::string {
    auto d = run("--json report due --all --as-of " + as_of);
    EXPECT_EQ(d.exit_code, 0) << d.err;
    const auto report = json::parse(d.out);
    for (const auto& w : report["workers"])
      for (const auto& e : w["exams"])
        if (w["registry_no"] == "7001" && e["exam"] == "chest_film") {
          EXPECT_EQ(e["last"], "2025-02-10");
          EXPECT_EQ(e["due"], "2027-02-10");
          return e["status"];
        }
    return "missing";
  };
  EXPECT_EQ(film_status("01.12.2026"), "ok");
  EXPECT_EQ(film_status("20.01.2027"), "due");
  EXPECT_EQ(film_status("01.03.2027"), "overdue");

  // Placement list: the change of 1 Sep 2026 is in 2026-H2, not in 2026-H1.
  r =
      run("worker job 7001 --job YU-BURO-01 --establishment Amasra --from 01.09.2026 "
          "--reason 'health group D' --decision 'evaluation #4'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = run("--json report placements --half 2026-H2");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto pl = json::parse(r.out);
  EXPECT_EQ(pl["from"], "2026-07-01");
  ASSERT_EQ(pl["placements"].size(), 1U);
  EXPECT_EQ(pl["placements"][0]["registry_no"], "7001");
  EXPECT_EQ(pl["placements"][0]["old"]["job_code"], "LV-YIK-01");
  EXPECT_EQ(pl["placements"][0]["new"]["job_code"], "YU-BURO-01");
  EXPECT_NEAR(pl["placements"][0]["years_worked"].get<double>(), 4202 / 365.25, 1e-9);
  r = run("report placements --from 01.01.2026 --to 30.06.2026");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("No job changed"), std::string::npos) << r.out;
  r = run("report placements --half 2026-H2");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("LV-YIK-01"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("11.5"), std::string::npos) << r.out;
  r = run("report placements --half 2026-H3");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("YYYY-H1"), std::string::npos) << r.err;
  r = run("report placements");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("--half"), std::string::npos) << r.err;
  r = st.run_as("admin", "db verify");
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
}
