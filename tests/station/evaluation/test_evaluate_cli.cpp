// `odyospiro evaluate --input FILE.json --json` end to end, on the built binary and the shipped
// tables. Expected values are worked out from DOMAIN.md §1 in the comments.
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <array>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>

namespace {

struct Run {
  int code = -1;
  std::string out;
};

Run odyospiro(const std::string& args) {
  const std::string cmd = std::string(ODYOSPIRO_EXE) + " --config " + ODYO_SOURCE_DIR +
                          "/config/station.toml " + args + " 2>/dev/null";
  Run r;
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return r;
  std::array<char, 4096> buf{};
  while (fgets(buf.data(), buf.size(), p) != nullptr) r.out += buf.data();
  const int status = pclose(p);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

std::string data(const char* name) {
  return std::string(ODYO_TEST_DATA_DIR) + "/evaluation/" + name;
}

}  // namespace

TEST(EvaluateCli, NewHireWithModerateLossInOneEar) {
  // Right 45 dB, left 35 dB: one ear 41-60, the other 31-40 → EK-2/15 C (provisional) → group C,
  // work groups 3-5; the face job (group 1) is unfit, and Ek-1/3 (both ears ≤ 30 dB) fails.
  auto r = odyospiro("evaluate --input " + data("worker_c_new_hire.json") + " --json");
  ASSERT_EQ(r.code, 0) << r.out;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["ek2"]["column"], "C");
  EXPECT_EQ(j["health_group"], "C");
  EXPECT_EQ(j["allowed_work_groups"], nlohmann::json::array({3, 4, 5}));
  EXPECT_EQ(j["ek1"]["pass"], false);
  EXPECT_EQ(j["job_fit"]["status"], "unfit");
  EXPECT_TRUE(j["incomplete"].empty());
  EXPECT_EQ(j["complete"], true);
  EXPECT_EQ(j["rules_version"], "ttk-2014-odyo-2");
  EXPECT_EQ(j["rules_hash"].get<std::string>().size(), 64u);
  bool c_listed = false;
  for (const auto& p : j["provisional_used"]) c_listed = c_listed || p == "EK-2/15 C";
  EXPECT_TRUE(c_listed);
  const auto& first = j["ek2"]["rules"][0];
  EXPECT_EQ(first["clause"], "EK-2/15 C");
  EXPECT_EQ(first["column"], "C");
  EXPECT_EQ(first["provisional"], true);
  EXPECT_EQ(first["inputs"]["hearing.right_pta_db"], 45.0);
  EXPECT_NE(j["summary"]["tr"].get<std::string>().find("→ sağlık grubu C → 3., 4., 5. grup işler"),
            std::string::npos);
}

TEST(EvaluateCli, NoAudiogramIsIncomplete) {
  auto r = odyospiro("evaluate --input " + data("no_audiogram.json") + " --json");
  ASSERT_EQ(r.code, 0) << r.out;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_TRUE(j["health_group"].is_null());
  EXPECT_EQ(j["complete"], false);
  ASSERT_FALSE(j["incomplete"].empty());
  EXPECT_EQ(j["incomplete"][0]["clause"], "EK-2/15");
  EXPECT_EQ(j["job_fit"]["status"], "incomplete");
}

TEST(EvaluateCli, BadInputsAreRejectedWithTheKey) {
  auto r = odyospiro("evaluate --input " + data("bad_key.json") + " --json");
  EXPECT_EQ(r.code, 1);
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_NE(j["error"]["message"].get<std::string>().find("'hearing.right_pta': unknown key"),
            std::string::npos);
  auto missing = odyospiro("evaluate --input /nonexistent/x.json --json");
  EXPECT_EQ(missing.code, 1);
  EXPECT_NE(missing.out.find("cannot read"), std::string::npos);
  auto both = odyospiro("evaluate --json");
  EXPECT_EQ(both.code, 1);
  EXPECT_NE(both.out.find("--input"), std::string::npos);
}

TEST(EvaluateCli, RulesCheckProvesTheShippedTables) {
  auto r = odyospiro("rules check --json");
  ASSERT_EQ(r.code, 0) << r.out;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["ok"], true);
  EXPECT_EQ(j["version"], "ttk-2014-odyo-2");
  auto bad = odyospiro("rules check --rules " + std::string(ODYO_TEST_DATA_DIR) + "/rules --json");
  EXPECT_EQ(bad.code, 2);  // the broken-tables folder is not a rule set
}
