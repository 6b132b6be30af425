// A Turkish clinic at the command line: E/K, GG.AA.YYYY, decimal commas, an establishment in
// another letter case, list tables with headers aligned by characters, and the demo refusing
// a database that is not its own.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "station/core/text_table.hpp"
#include "tests/station/support/station_fixture.hpp"

using odyo::test::run_command;

namespace {

// A clinic's database (db migrate --admin, a technician); commands act as the technician.
class TurkishCli : public ::testing::Test {
 protected:
  odyo::test::Station st;
  odyo::test::TempDir& dir = st.dir;
  odyo::test::CommandResult run(const std::string& args) { return st.run_as("tekniker", args); }
};

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

}  // namespace

TEST_F(TurkishCli, WorkerTypedTheTurkishWay) {
  auto r = run(
      "--lang tr worker add --registry 2001 --tc 10000000146 --first-name Şükrü --last-name Çelik "
      "--birth-date 01.05.1990 --sex E --height-cm 175,5 --weight-kg 80,2 --job YA-PANO-01 "
      "--establishment ÜZÜLMEZ");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = run(
      "--lang tr worker add --registry 2002 --tc 38492017510 --first-name Ayşe --last-name Kaya "
      "--birth-date 1992-11-20 --sex K --height-cm 163 --weight-kg 60 --job YU-BURO-01 "
      "--establishment kozlu");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = run("--json worker show 2001");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["birth_date"], "1990-05-01");  // stored as YYYY-MM-DD
  EXPECT_EQ(j["sex"], "M");
  EXPECT_DOUBLE_EQ(j["height_cm"].get<double>(), 175.5);
  EXPECT_DOUBLE_EQ(j["weight_kg"].get<double>(), 80.2);
  EXPECT_EQ(j["establishment"], "Üzülmez");  // the configured spelling
  EXPECT_EQ(nlohmann::json::parse(run("--json worker show 2002").out)["sex"], "F");

  // The list in any letter case of the establishment; a header row; columns aligned although
  // "Şükrü Çelik" has more bytes than characters.
  r = run("--json worker list --establishment üzülmez");
  ASSERT_EQ(nlohmann::json::parse(r.out).size(), 1u) << r.out;
  r = run("--lang tr worker list");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto l = lines_of(r.out);
  ASSERT_GE(l.size(), 3u) << r.out;
  EXPECT_EQ(l[0].rfind("Sicil", 0), 0u) << r.out;
  auto col = [](const std::string& line, const std::string& cell) {
    return odyo::station::display_width(line.substr(0, line.find(cell)));
  };
  EXPECT_EQ(col(l[1], "01.05.1990"), col(l[0], "Doğum")) << r.out;
  EXPECT_EQ(col(l[2], "20.11.1992"), col(l[0], "Doğum")) << r.out;
  EXPECT_EQ(col(l[1], "Üzülmez"), col(l[2], "Kozlu")) << r.out;
}

TEST_F(TurkishCli, ImpossibleDatesAndUnknownLettersAreRefusedBeforeAnythingIsWritten) {
  for (const char* date : {"31.02.1990", "1990-02-30", "29.02.1991"}) {
    auto r =
        run("--json worker add --registry 2001 --tc 10000000146 --first-name Ali "
            "--last-name Kaya --birth-date " +
            std::string(date) + " --sex E --height-cm 175 --weight-kg 80 --job YA-PANO-01");
    EXPECT_EQ(r.exit_code, 1) << date;
    const auto e = nlohmann::json::parse(r.out)["error"];
    EXPECT_EQ(e["code"], "bad_date") << date;
    EXPECT_NE(e["message"].get<std::string>().find("--birth-date"), std::string::npos);
    EXPECT_NE(e["message"].get<std::string>().find("the calendar has no such day"),
              std::string::npos);
  }
  auto r =
      run("--json worker add --registry 2001 --tc 10000000146 --first-name Ali "
          "--last-name Kaya --birth-date 01.05.1990 --sex X --height-cm 175 --weight-kg 80 "
          "--job YA-PANO-01");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(nlohmann::json::parse(r.out)["error"]["code"], "bad_sex");
  r = run("--json worker list");
  EXPECT_EQ(nlohmann::json::parse(r.out).size(), 0u);
}

TEST_F(TurkishCli, DemoRefusesADatabaseItDidNotCreate) {
  auto r =
      run("worker add --registry 2001 --tc 10000000146 --first-name Ali --last-name Kaya "
          "--birth-date 01.05.1990 --sex E --height-cm 175 --weight-kg 80 --job YA-PANO-01");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string devsim = std::string(ODYO_BINARY_DIR) + "/tools/devsim/devsim";
  r = run("--lang en demo --devsim " + devsim);
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.err.find("database of its own"), std::string::npos) << r.err;
  // Nothing added: still one worker, no account.
  EXPECT_EQ(nlohmann::json::parse(run("--json worker list").out).size(), 1u);
  r = st.run_as("admin", "--json user list");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out).size(), 3u);  // admin, hekim, tekniker: no demo account
  // Not even its admin may run the demo on it.
  r = st.run_as("admin", "--lang en demo --devsim " + devsim);
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.err.find("database of its own"), std::string::npos) << r.err;
}

TEST_F(TurkishCli, TimeZoneIsCheckedAtStartUp) {
  std::ifstream in(std::string(ODYO_SOURCE_DIR) + "/config/station.toml");
  std::string text{std::istreambuf_iterator<char>(in), {}};
  const auto at = text.find("timezone = \"Europe/Istanbul\"");
  ASSERT_NE(at, std::string::npos);
  text.replace(at, 28, "timezone = \"Europe/Ankara\"");
  // The zone is checked with the rest of [station], before any database is opened.
  const auto cfg = dir / "tz.toml";
  std::ofstream(cfg) << text;
  const auto r = run_command(st.as_with_config("tekniker", cfg) + " worker list");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("[station].timezone"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("Europe/Ankara"), std::string::npos) << r.err;
}
