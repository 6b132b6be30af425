// The physician's decision on stored evaluations: confirm, then override with a reason, then a
// re-evaluation under a new rule version — every step a new row, the confirmed row untouched, the
// decision in force still the physician's, the audit chain intact; only physicians may decide.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "analysis/evaluation/engine.hpp"
#include "station/evaluation/decisions.hpp"
#include "station/rules/loader.hpp"
#include "station/storage/audit.hpp"
#include "station/storage/database.hpp"
#include "station/storage/users.hpp"

namespace fs = std::filesystem;
namespace ev = odyo::evaluation;
namespace se = odyo::station::evaluation;
using odyo::station::Database;

namespace {

const fs::path kShipped = fs::path(ODYO_SOURCE_DIR) / "config" / "rules";

std::string slurp(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

void replace_once(std::string& s, const std::string& from, const std::string& to) {
  const auto at = s.find(from);
  ASSERT_NE(at, std::string::npos) << from;
  s.replace(at, from.size(), to);
}

struct Station {
  fs::path dir;
  std::unique_ptr<Database> db;
  ev::RuleSet rules;

  Station() {
    dir = fs::temp_directory_path() /
          ("odyo-decisions-" +
           std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    db = std::move(Database::open(dir / "s.db").value());
    rules = std::move(odyo::station::rules::load_ruleset(kShipped).value());
    EXPECT_TRUE(odyo::station::add_user(*db, {"hekim", "Dr. Hekim", "physician", "correct-horse"},
                                        10, 1000, "admin")
                    .ok());
    EXPECT_TRUE(odyo::station::add_user(*db, {"teknik", "Teknisyen", "technician", "another-pass"},
                                        10, 1000, "admin")
                    .ok());
  }
  ~Station() {
    db.reset();
    fs::remove_all(dir);
  }

  std::int64_t worker(const std::string& registry) {
    auto st = db->prepare(
        "INSERT INTO workers(registry_no, tc_kimlik, first_name, last_name, birth_date, sex, "
        "height_cm, weight_kg, "
        "establishment, job_code, work_group, created_at, created_by) VALUES (?, ?, 'Ali', 'Veli', "
        "'1980-01-01', 'M', "
        "175, 75, 'Kozlu', 'YU-KOMP-01', 3, '2026-01-01', 'test')");
    st->bind(1, registry)
        .bind(2, std::string("1") + std::string(10 - registry.size(), '0') + registry);
    EXPECT_TRUE(st->run().ok());
    const auto id = db->last_insert_id();
    // Stored the way the station stores records: bound into the audit chain.
    EXPECT_TRUE(odyo::station::audit_append(*db, {"test", "worker.add", "workers", id, "{}"}).ok());
    return id;
  }

  // A complete periodic input with the given per-ear averages.
  static ev::EvaluationInput input(double right, double left) {
    ev::EvaluationInput in;
    in.values = {{"hearing.right_pta_db", right},
                 {"hearing.left_pta_db", left},
                 {"spirometry.fvc_pctpred", 95.0},
                 {"spirometry.fev1_pctpred", 95.0},
                 {"spirometry.fev1_fvc", 0.8},
                 {"spirometry.grade_fvc", std::string("A")},
                 {"spirometry.grade_fev1", std::string("A")},
                 {"findings.otitis", std::string("none")},
                 {"findings.vertigo", std::string("none")},
                 {"findings.tinnitus", std::string("none")},
                 {"findings.presbycusis", false},
                 {"findings.acoustic_trauma", false}};
    // Every other Ek-2 system recorded by the physician: nothing found (issue 13).
    for (const char* s : {"vision", "ent", "skeleton", "surgery", "internal", "cardiology", "chest",
                          "genitourinary", "gastrointestinal", "neuropsychiatry", "dermatology"})
      in.values[std::string("systems.") + s] = std::string("none");
    return in;
  }

  std::int64_t store(std::int64_t worker_id, double right, double left) {
    const auto in = input(right, left);
    const auto e = ev::evaluate(rules, in);
    auto id = se::store_evaluation(*db, worker_id, std::nullopt, in, e, rules, "teknik");
    EXPECT_TRUE(id.ok()) << id.error().message;
    return *id;
  }

  std::int64_t count(const char* table) {
    auto st = db->prepare(std::string("SELECT count(*) FROM ") + table);
    EXPECT_TRUE(st->step().value());
    return st->int64(0);
  }

  // The shipped tables with EK-2/15 C moved to column B, under a new version.
  ev::RuleSet revised_rules() {
    const fs::path d = dir / "rules-v2";
    fs::create_directories(d);
    for (const char* f : odyo::station::rules::kRuleFiles) fs::copy_file(kShipped / f, d / f);
    std::string rs = slurp(d / "ruleset.toml");
    replace_once(rs, "version = \"ttk-2014-odyo-2\"", "version = \"test-2\"");
    std::ofstream(d / "ruleset.toml", std::ios::binary) << rs;
    std::string ek2 = slurp(d / "ek2.toml");
    replace_once(ek2, "citation = \"EK-2/15 C\"\ncolumn = \"C\"",
                 "citation = \"EK-2/15 C\"\ncolumn = \"B\"");
    std::ofstream(d / "ek2.toml", std::ios::binary) << ek2;
    auto r = odyo::station::rules::load_ruleset(d);
    EXPECT_TRUE(r.ok()) << r.error().message;
    return std::move(r.value());
  }
};

}  // namespace

TEST(Decisions, ConfirmOverrideReevaluateKeepsEveryVersion) {
  Station s;
  const auto w = s.worker("1001");
  // 45/35 dB → EK-2/15 C (one ear 41-60, the other 31-40) → group C.
  const auto auto_id = s.store(w, 45, 35);
  auto first = se::get_evaluation(*s.db, auto_id);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->kind, "auto");
  EXPECT_EQ(first->version, 1);
  EXPECT_EQ(first->health_group, "C");
  EXPECT_EQ(first->rules_version, "ttk-2014-odyo-2");
  EXPECT_EQ(first->rules_hash, s.rules.hash);

  auto confirmed = se::confirm_evaluation(*s.db, auto_id, "hekim");
  ASSERT_TRUE(confirmed.ok()) << confirmed.error().message;
  const auto confirmed_row = se::get_evaluation(*s.db, *confirmed).value();
  EXPECT_EQ(confirmed_row.kind, "confirm");
  EXPECT_EQ(confirmed_row.version, 2);
  EXPECT_EQ(confirmed_row.supersedes_id, auto_id);
  EXPECT_EQ(confirmed_row.health_group, "C");
  EXPECT_EQ(confirmed_row.created_by, "hekim");

  auto overridden =
      se::override_evaluation(*s.db, *confirmed, ev::Column::D, std::nullopt,
                              "ENT report: progressive loss, see file 17/2026", "hekim");
  ASSERT_TRUE(overridden.ok()) << overridden.error().message;
  const auto override_row = se::get_evaluation(*s.db, *overridden).value();
  EXPECT_EQ(override_row.kind, "override");
  EXPECT_EQ(override_row.version, 3);
  EXPECT_EQ(override_row.health_group, "D");
  EXPECT_EQ(override_row.ek2_column, "D");
  EXPECT_EQ(override_row.reason, "ENT report: progressive loss, see file 17/2026");
  EXPECT_NE(override_row.result_json.find("\"before\""), std::string::npos);

  // New rules: EK-2/15 C becomes B. The 45/35 worker would now be B: a change against the
  // physician's D, listed and stored as a proposal, never replacing the decision in force.
  const auto v2 = s.revised_rules();
  auto report = se::reevaluate_all(*s.db, v2, false, "buro");
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_EQ(report->chains, 1u);
  ASSERT_EQ(report->changed, 1u);
  const auto& change = report->changes[0];
  EXPECT_EQ(change.kind_in_force, "override");
  EXPECT_EQ(change.group_before, "D");
  EXPECT_EQ(change.group_after, "B");
  ASSERT_TRUE(change.stored_id.has_value());

  auto chain = se::evaluation_chain(*s.db, auto_id);
  ASSERT_TRUE(chain.ok());
  ASSERT_EQ(chain->size(), 4u);
  EXPECT_EQ((*chain)[0].kind, "auto");
  EXPECT_EQ((*chain)[1].kind, "confirm");
  EXPECT_EQ((*chain)[2].kind, "override");
  EXPECT_EQ((*chain)[3].kind, "reevaluation");
  EXPECT_EQ((*chain)[3].rules_version, "test-2");
  EXPECT_EQ((*chain)[3].rules_hash, v2.hash);
  EXPECT_EQ((*chain)[3].health_group, "B");
  EXPECT_EQ(se::decision_in_force(*chain).id,
            *overridden);  // the physician's decision stays in force
  // The confirmed row is byte-for-byte what it was.
  const auto again = se::get_evaluation(*s.db, *confirmed).value();
  EXPECT_EQ(again.result_json, confirmed_row.result_json);
  EXPECT_EQ(again.health_group, confirmed_row.health_group);
  EXPECT_EQ(again.created_at, confirmed_row.created_at);
  EXPECT_EQ(again.version, confirmed_row.version);

  // The audit chain is intact and holds every step.
  const auto problems = odyo::station::verify_database(*s.db);
  EXPECT_TRUE(problems.empty()) << problems.front();
  auto st = s.db->prepare("SELECT action FROM audit_log WHERE entity = 'evaluations' ORDER BY id");
  std::vector<std::string> actions;
  while (st->step().value()) actions.push_back(st->text(0));
  EXPECT_EQ(actions, (std::vector<std::string>{"evaluation.auto", "evaluation.confirm",
                                               "evaluation.override", "evaluation.reevaluate",
                                               "evaluation.reevaluate-run"}));

  // Running it again proposes nothing new.
  auto twice = se::reevaluate_all(*s.db, v2, false, "buro");
  ASSERT_TRUE(twice.ok());
  EXPECT_EQ(twice->changed, 0u);
  EXPECT_EQ(se::evaluation_chain(*s.db, auto_id)->size(), 4u);
}

TEST(Decisions, OnlyAPhysicianMayConfirmOrOverride) {
  Station s;
  const auto id = s.store(s.worker("1002"), 20, 20);
  auto tech = se::confirm_evaluation(*s.db, id, "teknik");
  ASSERT_FALSE(tech.ok());
  EXPECT_EQ(tech.error().code, "not_allowed");
  EXPECT_NE(tech.error().message.find("teknik is technician"), std::string::npos);
  auto stranger = se::override_evaluation(*s.db, id, ev::Column::B, std::nullopt, "x", "nobody");
  ASSERT_FALSE(stranger.ok());
  EXPECT_EQ(stranger.error().code, "not_allowed");
  EXPECT_EQ(s.count("evaluations"), 1);  // nothing written
}

TEST(Decisions, BadDecisionsAreRefusedWithTheReason) {
  Station s;
  const auto w = s.worker("1003");
  const auto id = s.store(w, 20, 20);
  auto no_reason = se::override_evaluation(*s.db, id, ev::Column::B, std::nullopt, "  ", "hekim");
  ASSERT_FALSE(no_reason.ok());
  EXPECT_EQ(no_reason.error().code, "reason_required");
  auto nothing = se::override_evaluation(*s.db, id, std::nullopt, std::nullopt, "why", "hekim");
  ASSERT_FALSE(nothing.ok());
  EXPECT_EQ(nothing.error().code, "override_empty");
  auto better = se::override_evaluation(*s.db, id, ev::Column::C, ev::Column::B, "why", "hekim");
  ASSERT_FALSE(better.ok());
  EXPECT_EQ(better.error().code, "override_inconsistent");
  auto unknown = se::confirm_evaluation(*s.db, 999, "hekim");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code, "evaluation_unknown");

  ASSERT_TRUE(se::confirm_evaluation(*s.db, id, "hekim").ok());
  auto stale = se::confirm_evaluation(*s.db, id, "hekim");  // the auto row now has a newer version
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.error().code, "evaluation_superseded");

  // An incomplete evaluation cannot be confirmed, only overridden with a reason.
  auto in = Station::input(20, 20);
  in.values.erase("hearing.left_pta_db");
  const auto e = ev::evaluate(s.rules, in);
  ASSERT_FALSE(e.health_group.has_value());
  const auto inc = se::store_evaluation(*s.db, w, std::nullopt, in, e, s.rules, "teknik").value();
  auto c = se::confirm_evaluation(*s.db, inc, "hekim");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().code, "evaluation_incomplete");
  EXPECT_TRUE(se::override_evaluation(*s.db, inc, std::nullopt, ev::Column::B,
                                      "left ear tested by ENT: 25 dB", "hekim")
                  .ok());
}

TEST(Decisions, DryRunListsButStoresNothing) {
  Station s;
  const auto w = s.worker("1004");
  s.store(w, 45, 35);  // C now, B under the revised rules
  s.store(w, 20, 20);  // A under both
  const auto before = s.count("evaluations");
  const auto audit_before = s.count("audit_log");
  std::size_t last_done = 0, last_total = 0;
  auto r =
      se::reevaluate_all(*s.db, s.revised_rules(), true, "buro", [&](std::size_t d, std::size_t t) {
        last_done = d;
        last_total = t;
      });
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->chains, 2u);
  EXPECT_EQ(r->changed, 1u);
  EXPECT_FALSE(r->changes[0].stored_id.has_value());
  EXPECT_EQ(last_done, 2u);
  EXPECT_EQ(last_total, 2u);
  EXPECT_EQ(s.count("evaluations"), before);
  EXPECT_EQ(s.count("audit_log"), audit_before);
}
