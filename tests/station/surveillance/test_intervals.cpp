// The exam intervals file: the shipped one loads against the shipped job catalogue; every wrong
// file is refused with its line, key and what is allowed.
#include <gtest/gtest.h>

#include "station/rules/loader.hpp"
#include "station/surveillance/intervals.hpp"

using namespace odyo::station;
using namespace odyo::station::surveillance;
using odyo::evaluation::Job;

namespace {

std::vector<Job> jobs() {
  Job a;
  a.code = "UG-FACE";
  a.work_group = 1;
  a.dusty = true;
  Job b;
  b.code = "COMP";
  b.work_group = 3;
  b.noisy = true;
  return {a, b};
}

constexpr const char* kHeader = R"([table]
name = "surveillance"
version = "t-1"
effective = 2014-08-19
source = "test"
[due]
soon_days = 30
)";

constexpr const char* kRule = R"([[intervals]]
id = "film"
exam = "chest_film"
every_months = 24
exposure = "dusty"
title_en = "Dusty"
title_tr = "Tozlu"
citation = "Madde 8"
provisional = false
)";

std::string refused(const std::string& text) {
  auto r = parse_intervals(text, "s.toml", jobs());
  EXPECT_FALSE(r.ok()) << text;
  return r.ok() ? std::string() : r.error().message;
}

std::string with(const std::string& from, const std::string& to) {
  std::string rule = kRule;
  const auto at = rule.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  rule.replace(at, from.size(), to);
  return std::string(kHeader) + rule;
}

}  // namespace

TEST(Intervals, ShippedFileLoadsWithCitationsAndProvisionalFlags) {
  const std::filesystem::path dir = std::filesystem::path(ODYO_SOURCE_DIR) / "config/rules";
  auto rules = rules::load_ruleset(dir);
  ASSERT_TRUE(rules.ok()) << rules.error().message;
  auto t = load_intervals(dir, rules->jobs);
  ASSERT_TRUE(t.ok()) << t.error().message;
  ASSERT_FALSE(t->rules.empty());
  bool film = false;
  for (const auto& r : t->rules) {
    EXPECT_FALSE(r.citation.empty()) << r.id;
    if (r.exam == "chest_film") {
      film = true;
      EXPECT_EQ(r.every_months, 24);  // Madde 8: at least every 2 years
      EXPECT_EQ(r.exposure, "dusty");
      EXPECT_FALSE(r.provisional);
    } else {
      EXPECT_EQ(r.every_months, 12) << r.id;
      EXPECT_TRUE(r.provisional) << r.id << ": the directive gives no number";
    }
  }
  EXPECT_TRUE(film);
}

TEST(Intervals, GoodFileParses) {
  auto r = parse_intervals(std::string(kHeader) + kRule, "s.toml", jobs());
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->soon_days, 30);
  EXPECT_EQ(r->effective, "2014-08-19");
  ASSERT_EQ(r->rules.size(), 1U);
  EXPECT_TRUE(r->rules[0].applies_to(jobs()[0]));
  EXPECT_FALSE(r->rules[0].applies_to(jobs()[1]));
}

TEST(Intervals, WrongFilesAreRefusedWithLineAndKey) {
  EXPECT_NE(refused(with("exam = \"chest_film\"", "exam = \"xray\"")).find("unknown exam \"xray\""),
            std::string::npos);
  EXPECT_NE(refused(with("every_months = 24", "every_months = 0")).find("s.toml:11"),
            std::string::npos);
  EXPECT_NE(refused(with("every_months = 24", "every_months = \"24\"")).find("every_months"),
            std::string::npos);
  EXPECT_NE(refused(with("citation = \"Madde 8\"\n", "")).find("missing required key 'citation'"),
            std::string::npos);
  EXPECT_NE(refused(with("citation = \"Madde 8\"", "citation = \"\"")).find("must not be empty"),
            std::string::npos);
  EXPECT_NE(refused(with("provisional = false", "provisional = \"no\"")).find("true or false"),
            std::string::npos);
  EXPECT_NE(
      refused(with("provisional = false", "provisional = false\ncolour = 1")).find("unknown key"),
      std::string::npos);
  EXPECT_NE(refused(with("exposure = \"dusty\"", "exposure = \"hot\""))
                .find("unknown job attribute \"hot\""),
            std::string::npos);
  EXPECT_NE(refused(with("exposure = \"dusty\"", "jobs = [\"NOPE\"]"))
                .find("job code \"NOPE\" is not in the job catalogue"),
            std::string::npos);
  EXPECT_NE(refused(with("exposure = \"dusty\"", "exposure = \"dusty\"\njobs = [\"COMP\"]"))
                .find("either exposure or jobs"),
            std::string::npos);
  EXPECT_NE(refused(with("exposure = \"dusty\"\n", "")).find("exposure or jobs"),
            std::string::npos);
  EXPECT_NE(refused(std::string(kHeader) + kRule + kRule).find("\"film\" is used twice"),
            std::string::npos);
  EXPECT_NE(refused(std::string(kHeader)).find("missing required key 'intervals'"),
            std::string::npos);
  EXPECT_NE(refused("[table\n").find("TOML syntax error"), std::string::npos);
  EXPECT_NE(refused(std::string(kHeader) + "[[intervals]]\nid = 3\n").find("must be a string"),
            std::string::npos);
}

TEST(Intervals, MissingFileNamesTheSetting) {
  auto r = load_intervals("/nonexistent-odyo-rules", jobs());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("[rules].dir"), std::string::npos) << r.error().message;
}
