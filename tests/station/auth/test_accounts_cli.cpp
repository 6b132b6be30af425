// Accounts end to end: the first admin comes with a new database (`db migrate --admin`), then
// only an admin adds users; the test fixture every CLI test uses builds on exactly that.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/station/support/station_fixture.hpp"

using odyo::test::run_command;
using odyo::test::Station;

TEST(Accounts, FixtureCreatesAdminPhysicianAndTechnician) {
  Station st;
  const auto r = st.run_as("admin", "--json user list");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j.size(), 3u) << r.out;
  std::map<std::string, std::string> roles;
  for (const auto& u : j) roles[u["username"]] = u["role"];
  EXPECT_EQ(roles["admin"], "admin");
  EXPECT_EQ(roles["hekim"], "physician");
  EXPECT_EQ(roles["tekniker"], "technician");
  EXPECT_EQ(r.out.find("pbkdf2"), std::string::npos);  // hashes never printed
}

TEST(Accounts, FirstAdminOnlyOnANewDatabase) {
  Station st;
  const auto r = run_command("ODYOSPIRO_PASSWORD=another-admin-pw " + st.exe() +
                             " --lang en db migrate --admin mallory");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("already has users"), std::string::npos) << r.err;
  const auto list = st.run_as("admin", "--json user list");
  EXPECT_EQ(list.out.find("mallory"), std::string::npos) << list.out;
}
