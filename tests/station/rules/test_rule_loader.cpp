// The rule-table loader: the shipped tables load and prove themselves; broken tables are rejected
// with the file, line and field; holes and overlaps are reported with an example point.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "station/rules/loader.hpp"
#include "station/storage/hash.hpp"

namespace fs = std::filesystem;
namespace ev = odyo::evaluation;
namespace rules = odyo::station::rules;

namespace {

const fs::path kShipped = fs::path(ODYO_SOURCE_DIR) / "config" / "rules";
const fs::path kData = fs::path(ODYO_TEST_DATA_DIR) / "rules";

std::string slurp(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

// A private copy of the shipped tables, to break one file at a time.
struct TempRules {
  fs::path dir;
  TempRules() {
    dir = fs::temp_directory_path() /
          ("odyo-rules-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "-" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir);
    fs::create_directories(dir);
    for (const char* f : rules::kRuleFiles) fs::copy_file(kShipped / f, dir / f);
  }
  ~TempRules() { fs::remove_all(dir); }
  void write(const char* name, const std::string& text) const {
    std::ofstream(dir / name, std::ios::binary) << text;
  }
};

}  // namespace

TEST(RuleLoader, ShippedTablesLoadAndPartition) {
  auto rs = rules::load_ruleset(kShipped);
  ASSERT_TRUE(rs.ok()) << rs.error().message;
  EXPECT_EQ(rs->version, "ttk-2014-odyo-2");
  EXPECT_EQ(rs->effective, "2014-08-19");
  EXPECT_EQ(rs->hash.size(), 64u);
  ASSERT_EQ(rs->tables.size(), 4u);
  for (const auto& t : rs->tables) {
    EXPECT_FALSE(t.version.empty()) << t.name;
    EXPECT_EQ(t.effective, "2014-08-19") << t.name;
  }
  // 9 hearing/respiratory rules and the 11 other Ek-2 systems the physician records (issue 13).
  EXPECT_EQ(rs->ek2.size(), 20u);
  EXPECT_FALSE(rs->ek1.empty());
  EXPECT_EQ(rs->work_groups_for.at(ev::Column::C), (std::vector<int>{3, 4, 5}));
  // Every Ek-2 row carries a citation.
  for (const auto& r : rs->ek2)
    for (const auto& row : r.rows) EXPECT_EQ(row.citation.rfind("EK-2", 0), 0u) << row.citation;
}

TEST(RuleLoader, HashChangesWithAnyByteOfTheTables) {
  TempRules t;
  auto a = rules::load_ruleset(t.dir);
  ASSERT_TRUE(a.ok()) << a.error().message;
  t.write("ek3.toml", slurp(kShipped / "ek3.toml") + "\n# a comment\n");
  auto b = rules::load_ruleset(t.dir);
  ASSERT_TRUE(b.ok());
  EXPECT_NE(a->hash, b->hash);
  EXPECT_EQ(a->hash, rules::load_ruleset(kShipped)->hash);
}

TEST(RuleLoader, Sha256OfKnownText) {
  // FIPS 180-2 example: SHA-256("abc").
  EXPECT_EQ(odyo::station::sha256_hex(std::string_view("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(RuleLoader, HoleInBrokenTableIsReportedWithAnExample) {
  ev::RuleSet rs;
  const auto file = (kData / "ek2_hole_91db.toml").string();
  auto r = rules::parse_ek2(slurp(file), file, rs);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "rule_hole");
  EXPECT_NE(r.error().message.find("ek2_hole_91db.toml:9"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("EK-2/15"), std::string::npos);
  EXPECT_NE(r.error().message.find("between 90 and 92"), std::string::npos) << r.error().message;
}

TEST(RuleLoader, OverlapInBrokenTableNamesBothRowsAndThePoint) {
  ev::RuleSet rs;
  const auto file = (kData / "ek2_overlap_40db.toml").string();
  auto r = rules::parse_ek2(slurp(file), file, rs);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "rule_overlap");
  const auto& m = r.error().message;
  EXPECT_NE(m.find("EK-2/15 A (line 22, column A)"), std::string::npos) << m;
  EXPECT_NE(m.find("EK-2/15 B (line 29, column B)"), std::string::npos) << m;
  EXPECT_NE(m.find("= 40"), std::string::npos) << m;
}

TEST(RuleLoader, UnknownKeyNamesFileLineAndField) {
  ev::RuleSet rs;
  const auto file = (kData / "ek2_unknown_key.toml").string();
  auto r = rules::parse_ek2(slurp(file), file, rs);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "rules_schema");
  EXPECT_NE(r.error().message.find("ek2_unknown_key.toml:21: rules[0].rows[0].colum: unknown key"),
            std::string::npos)
      << r.error().message;
}

TEST(RuleLoader, UnknownTestKeyInEk1) {
  ev::RuleSet rs;
  const auto file = (kData / "ek1_bad_test_key.toml").string();
  auto r = rules::parse_ek1(slurp(file), file, rs);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("ek1_bad_test_key.toml:17:"), std::string::npos)
      << r.error().message;
  EXPECT_NE(r.error().message.find("\"spirometry.fvc_pctpred\".gte: unknown key"),
            std::string::npos)
      << r.error().message;
}

TEST(RuleLoader, SchemaErrorsAreSpecific) {
  const std::string head =
      "[table]\nname = \"ek2\"\nversion = \"t\"\neffective = 2014-08-19\nsource = \"t\"\n"
      "[[rules]]\nid = \"r\"\ncitation = \"EK-2/T\"\ntitle_tr = \"t\"\ntitle_en = \"t\"\n"
      "inputs = [\"hearing.right_pta_db\"]\nexplain_tr = \"\"\nexplain_en = \"\"\n"
      "domain = [{ input = \"hearing.right_pta_db\", min = -10, max = 120 }]\n[[rules.rows]]\n"
      "citation = \"EK-2/T A\"\nlabel_tr = \"\"\nlabel_en = \"\"\n";
  struct Case {
    std::string tail, expect;
  };
  const Case cases[] = {
      {"column = \"E\"\nwhen = [{ \"hearing.right_pta_db\" = { le = 120 } }]\n",
       "\"E\" is not a column"},
      {"column = \"A\"\nwhen = [{ \"hearing.left_pta_db\" = { le = 120 } }]\n",
       "not listed in the rule's 'inputs'"},
      {"column = \"A\"\nwhen = [{ \"blood.x\" = { le = 120 } }]\n", "unknown input name"},
      {"column = \"A\"\nwhen = [{ \"hearing.right_pta_db\" = { gt = 50, lt = 40 } }]\n",
       "never holds"},
      {"column = \"A\"\nwhen = [{ \"hearing.right_pta_db\" = { le = \"40\" } }]\n",
       "le: must be a number"},
      {"column = \"A\"\nwhen = [{ \"hearing.right_pta_db\" = { } }]\n", "empty test"},
      {"column = \"A\"\nwhen = []\n", "is empty"},
      {"column = \"A\"\n", "missing required key 'when'"},
      {"column = \"A\"\nwhen = [{ \"hearing.right_pta_db\" = { le = 120 } }\n",
       "TOML syntax error"},
  };
  for (const auto& c : cases) {
    ev::RuleSet rs;
    auto r = rules::parse_ek2(head + c.tail, "t.toml", rs);
    ASSERT_FALSE(r.ok()) << c.expect;
    EXPECT_NE(r.error().message.find(c.expect), std::string::npos) << r.error().message;
    EXPECT_EQ(r.error().message.rfind("t.toml:", 0), 0u) << r.error().message;
  }
}

TEST(RuleLoader, MissingFileSaysWhichAndWhatToDo) {
  TempRules t;
  fs::remove(t.dir / "ek1.toml");
  auto r = rules::load_ruleset(t.dir);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "rules_file");
  EXPECT_NE(r.error().message.find("ek1.toml"), std::string::npos);
}

TEST(RuleLoader, CrossReferencesAreChecked) {
  {
    TempRules t;
    t.write("ek3.toml", slurp(kShipped / "ek3.toml") + "");
    std::string s = slurp(kShipped / "ek3.toml");
    s.replace(s.find("D = [\"YU-BEK-01\""), 16, "D = [\"NO-SUCH-JOB\"");
    t.write("ek3.toml", s);
    auto r = rules::load_ruleset(t.dir);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, "rules_reference");
    EXPECT_NE(r.error().message.find("NO-SUCH-JOB"), std::string::npos) << r.error().message;
  }
  {
    TempRules t;
    std::string s = slurp(kShipped / "ek3.toml");
    s.replace(s.find("D = [\"YU-BEK-01\""), 16, "D = [\"YA-PANO-01\"");  // work group 1 for D
    t.write("ek3.toml", s);
    auto r = rules::load_ruleset(t.dir);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("may not do"), std::string::npos) << r.error().message;
  }
  {
    TempRules t;
    std::string s = slurp(kShipped / "work-groups.toml");
    s.replace(s.find("D = [4, 5]"), 10, "D = [3, 4, 5, 1]");
    t.write("work-groups.toml", s);
    auto r = rules::load_ruleset(t.dir);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("health_groups.D allows work group 1"), std::string::npos)
        << r.error().message;
  }
}

TEST(JobCatalogueCsv, ImportsQuotedFieldsAndFlags) {
  const auto file = (kData / "jobs_good.csv").string();
  auto jobs = rules::parse_jobs_csv(slurp(file), file);
  ASSERT_TRUE(jobs.ok()) << jobs.error().message;
  ASSERT_EQ(jobs->size(), 3u);
  EXPECT_EQ((*jobs)[0].work_group, 1);
  EXPECT_TRUE((*jobs)[0].ek1_required);
  EXPECT_TRUE((*jobs)[0].dusty);
  EXPECT_TRUE((*jobs)[1].noisy);  // "evet"
  EXPECT_EQ((*jobs)[2].title_tr, "Büro memuru, \"merkez\"");
  EXPECT_EQ((*jobs)[2].work_group, 5);

  // Round trip: the TOML written for the import loads back as the same catalogue.
  auto rs = rules::load_ruleset(kShipped);
  ASSERT_TRUE(rs.ok());
  ev::TableInfo info{"work-groups", "imported-1", "2026-11-23", "jobs_good.csv"};
  const std::string toml = rules::work_groups_toml(info, rs->work_groups_for, *jobs, rs->special_exam_citation);
  ev::RuleSet back;
  auto r = rules::parse_work_groups(toml, "imported.toml", back);
  ASSERT_TRUE(r.ok()) << r.error().message << "\n" << toml;
  ASSERT_EQ(back.jobs.size(), 3u);
  EXPECT_EQ(back.jobs[2].title_tr, "Büro memuru, \"merkez\"");
  EXPECT_EQ(back.jobs[1].work_group, 3);
  EXPECT_EQ(back.tables[0].version, "imported-1");
}

TEST(JobCatalogueCsv, BadRowsNameLineAndColumn) {
  const auto file = (kData / "jobs_bad_work_group.csv").string();
  auto r = rules::parse_jobs_csv(slurp(file), file);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find(
                "jobs_bad_work_group.csv:3: column work_group: \"6\" is not a work group 1..5"),
            std::string::npos)
      << r.error().message;
  const std::pair<const char*, const char*> cases[] = {
      {"code,title_tr,title_en\nA,b,c\n", "missing column \"work_group\""},
      {"code,title_tr,title_en,work_group,colour\nA,b,c,1,x\n", "unknown column \"colour\""},
      {"code,title_tr,title_en,work_group\nA,b,c,1\nA,d,e,2\n",
       ":3: column code: \"A\" is used twice"},
      {"code,title_tr,title_en,work_group\nA,b,c\n", ":2: 3 fields, the header has 4"},
      {"code,title_tr,title_en,work_group,noisy\nA,b,c,1,maybe\n",
       "column noisy: \"maybe\" is not yes/no"},
      {"code,title_tr,title_en,work_group\nA,\"b,c,1\n", "not closed"},
      {"code,title_tr,title_en,work_group\n", "no jobs"},
  };
  for (const auto& [text, expect] : cases) {
    auto e = rules::parse_jobs_csv(text, "x.csv");
    ASSERT_FALSE(e.ok()) << expect;
    EXPECT_NE(e.error().message.find(expect), std::string::npos) << e.error().message;
  }
}
