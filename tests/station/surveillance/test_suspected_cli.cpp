// `report suspected` and `flag show|notify|refer|dismiss` end to end on a real station database:
// a chest film read 1/0 by reader B raises ILO-1; the physician sees it with its evidence and
// criterion (text and --json, Turkish and English), notifies and refers; refusals (a technician,
// an unknown flag, a dismissal without a reason) say why, exit non-zero and change nothing.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/station/support/station_fixture.hpp"

using nlohmann::json;

namespace {

struct SuspectedCli : ::testing::Test {
  odyo::test::Station st;
  void SetUp() override {
    auto r = st.run_as("tekniker",
                       "worker add --registry 7101 --tc 10000000146 --first-name Ali --last-name "
                       "Veli --birth-date 01.01.1980 --sex E --height-cm 175 --weight-kg 80 "
                       "--establishment Kozlu --job YA-PANO-01 --since 01.03.2015");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    r = st.run_as("hekim",
                  "film add 7101 --date 01.06.2026 --reader-a 'Dr. A' --ilo-a 0/1 --reader-b "
                  "'Dr. B' --ilo-b 1/0 --referred no");
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  json suspected(const std::string& extra = "") {
    auto r = st.run_as("hekim", "--json report suspected " + extra);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return json::parse(r.out, nullptr, false);
  }
  int actions() {
    auto j = suspected("--all");
    int n = 0;
    for (const auto& f : j["flags"]) n += static_cast<int>(f["actions"].size());
    return n;
  }
};

}  // namespace

TEST_F(SuspectedCli, ListNotifyReferAndRefusals) {
  auto j = suspected();
  ASSERT_EQ(j["flags"].size(), 1U) << j.dump();
  const auto& f = j["flags"][0];
  EXPECT_EQ(f["id"], "ILO-1");
  EXPECT_EQ(f["kind"], "chest_film_ilo");
  EXPECT_EQ(f["state"], "open");
  EXPECT_EQ(f["worker"]["registry_no"], "7101");
  EXPECT_EQ(f["evidence"]["ilo_b"], "1/0");
  EXPECT_NE(f["criterion"]["citation"].get<std::string>().find("ILO"), std::string::npos);

  auto r = st.run_as("hekim", "--lang en report suspected --establishment kozlu");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("ILO-1"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("reader B Dr. B reads 1/0"), std::string::npos) << r.out;
  r = st.run_as("hekim", "--lang tr report suspected");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("Akciğer grafisi"), std::string::npos) << r.out;
  r = st.run_as("hekim", "--lang en report suspected --establishment Amasra");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("No open flag"), std::string::npos) << r.out;

  // Refusals: each says why, exits non-zero and stores nothing.
  r = st.run_as("hekim", "--lang en flag dismiss ILO-1");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("dismissed only with a reason"), std::string::npos) << r.err;
  r = st.run_as("tekniker", "--lang en flag notify ILO-1");
  EXPECT_EQ(r.exit_code, 5) << r.err;
  EXPECT_NE(r.err.find("physician"), std::string::npos) << r.err;
  r = st.run_as("tekniker", "--lang en report suspected");
  EXPECT_EQ(r.exit_code, 5) << r.err;
  r = st.run_as("hekim", "--lang en flag refer ILO-99");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("there is no flag ILO-99"), std::string::npos) << r.err;
  r = st.run_as("hekim", "--lang en flag notify HL-1");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("there is no flag HL-1"), std::string::npos) << r.err;
  EXPECT_EQ(actions(), 0);

  // Notify, then refer: each a new action; the flag leaves the open list.
  r = st.run_as("hekim", "--lang en flag notify ILO-1 --reason 'worker and employer told'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("state: notified"), std::string::npos) << r.out;
  r = st.run_as("hekim", "--lang en flag notify ILO-1");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("already notified"), std::string::npos) << r.err;
  r = st.run_as("hekim", "--json flag refer ILO-1 --reason 'SGK hospital'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto referred = json::parse(r.out);
  EXPECT_EQ(referred["state"], "referred");
  ASSERT_EQ(referred["actions"].size(), 2U);
  EXPECT_EQ(referred["actions"][1]["by"], "hekim");
  EXPECT_EQ(referred["actions"][1]["reason"], "SGK hospital");
  EXPECT_EQ(suspected()["flags"].size(), 0U);
  EXPECT_EQ(actions(), 2);
  r = st.run_as("hekim", "--lang en flag show ILO-1");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("SGK hospital"), std::string::npos) << r.out;

  // Every action is in the audit log and the database verifies.
  r = st.run_as("admin", "db verify");
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
}
