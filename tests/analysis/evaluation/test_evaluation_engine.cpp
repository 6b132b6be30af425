// The engine's mechanics on a small hand-built rule set (the shipped tables are tested through
// the loader in tests/station/rules/): worst-column aggregation, provisional propagation,
// incomplete inputs, Ek-1 items, job fitness and Ek-3 moves. Expected values are worked out by
// hand from the tables defined here.
#include <gtest/gtest.h>

#include <algorithm>

#include "analysis/evaluation/engine.hpp"

namespace ev = odyo::evaluation;

namespace {

ev::Test le(double x) {
  ev::Test t;
  t.le = x;
  return t;
}
ev::Test gt(double x) {
  ev::Test t;
  t.gt = x;
  return t;
}
ev::Test is(bool b) {
  ev::Test t;
  t.eq_bool = b;
  return t;
}

ev::Row row(const char* cit, ev::Column c, ev::Condition when, bool provisional = false) {
  ev::Row r;
  r.citation = cit;
  r.column = c;
  r.label_tr = r.label_en = cit;
  r.when = std::move(when);
  r.provisional = provisional;
  return r;
}

// Rule H over hearing.right_pta_db / hearing.left_pta_db: A both <= 30; C (provisional) either in
// (30, 60]; D either > 60. Rule S over spirometry.fvc_pctpred: A > 80... written as A >= 80 via
// not-gt; here: A when > 79, B otherwise (simple, hand-checkable).
ev::RuleSet small_rules() {
  ev::RuleSet rs;
  rs.version = "test-1";
  ev::Ek2Rule h;
  h.id = "h";
  h.citation = "EK-H";
  h.inputs = {"hearing.right_pta_db", "hearing.left_pta_db"};
  h.domain = {{"hearing.right_pta_db", -10.0, 120.0, {}, "dB HL"},
              {"hearing.left_pta_db", -10.0, 120.0, {}, "dB HL"}};
  h.explain_tr = "Sağ kulak {hearing.right_pta_db} dB, sol kulak {hearing.left_pta_db} dB";
  h.explain_en = "Right ear {hearing.right_pta_db} dB, left ear {hearing.left_pta_db} dB";
  ev::Test mid;
  mid.gt = 30.0;
  mid.le = 60.0;
  h.rows = {row("EK-H A", ev::Column::A,
                {{{"hearing.right_pta_db", le(30)}, {"hearing.left_pta_db", le(30)}}}),
            row("EK-H C", ev::Column::C,
                {{{"hearing.right_pta_db", mid}, {"hearing.left_pta_db", le(60)}},
                 {{"hearing.left_pta_db", mid}, {"hearing.right_pta_db", le(60)}}},
                true),
            row("EK-H D", ev::Column::D,
                {{{"hearing.right_pta_db", gt(60)}}, {{"hearing.left_pta_db", gt(60)}}})};
  rs.ek2.push_back(h);

  ev::Ek2Rule s;
  s.id = "s";
  s.citation = "EK-S";
  s.inputs = {"spirometry.fvc_pctpred"};
  s.domain = {{"spirometry.fvc_pctpred", 0.0, 250.0, {}, "%"}};
  s.explain_tr = s.explain_en = "FVC {spirometry.fvc_pctpred}";
  s.rows = {row("EK-S A", ev::Column::A, {{{"spirometry.fvc_pctpred", gt(79)}}}),
            row("EK-S B", ev::Column::B, {{{"spirometry.fvc_pctpred", le(79)}}})};
  rs.ek2.push_back(s);

  ev::Ek1Item hear;
  hear.id = "ek1-h";
  hear.citation = "EK-1/H";
  hear.inputs = {"hearing.right_pta_db", "hearing.left_pta_db"};
  hear.require = {{{"hearing.right_pta_db", le(30)}, {"hearing.left_pta_db", le(30)}}};
  hear.provisional = true;
  rs.ek1.push_back(hear);
  ev::Ek1Item heart;
  heart.id = "ek1-heart";
  heart.citation = "EK-1 heart";
  heart.inputs = {"checklist.heart"};
  heart.require = {{{"checklist.heart", is(true)}}};
  rs.ek1.push_back(heart);
  rs.ek1_purposes = {ev::Purpose::NewHire, ev::Purpose::JobChange};

  rs.work_groups_for = {{ev::Column::A, {1, 2, 3, 4, 5}},
                        {ev::Column::B, {2, 3, 4, 5}},
                        {ev::Column::C, {3, 4, 5}},
                        {ev::Column::D, {4, 5}}};
  rs.jobs = {{"FACE", "ayak", "face", 1, true, false, true, false},
             {"COMP", "kompresör", "compressor", 3, false, true, false, false},
             {"WATCH", "bekçi", "watchman", 4, false, false, false, false},
             {"OFFICE", "büro", "office", 5, false, false, false, false}};
  rs.ek3_moves = {{ev::Column::C, {"OFFICE", "COMP", "FACE"}},
                  {ev::Column::D, {"OFFICE", "WATCH"}}};
  return rs;
}

ev::EvaluationInput input(double right, double left, double fvc) {
  ev::EvaluationInput in;
  in.values["hearing.right_pta_db"] = right;
  in.values["hearing.left_pta_db"] = left;
  in.values["spirometry.fvc_pctpred"] = fvc;
  in.values["spirometry.grade_fvc"] = std::string("A");
  in.values["spirometry.grade_fev1"] = std::string("A");
  return in;
}

bool has(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

}  // namespace

TEST(EvaluationEngine, WorstColumnDecidesTheHealthGroup) {
  const auto rs = small_rules();
  // Hearing 45/35 → EK-H C (45 in (30, 60]); FVC 70 ≤ 79 → EK-S B; worst of {C, B} = C.
  auto e = ev::evaluate(rs, input(45, 35, 70));
  ASSERT_TRUE(e.complete());
  ASSERT_EQ(e.rules.size(), 2u);
  EXPECT_EQ(e.rules[0].citation, "EK-H C");
  EXPECT_EQ(e.rules[1].citation, "EK-S B");
  EXPECT_EQ(e.column, ev::Column::C);
  EXPECT_EQ(e.health_group, ev::Column::C);
  EXPECT_EQ(e.allowed_work_groups, (std::vector<int>{3, 4, 5}));
  // And the other way round: hearing A, FVC B → B.
  auto e2 = ev::evaluate(rs, input(20, 25, 60));
  EXPECT_EQ(e2.health_group, ev::Column::B);
  EXPECT_EQ(e2.allowed_work_groups, (std::vector<int>{2, 3, 4, 5}));
}

TEST(EvaluationEngine, ProvisionalRowsArePropagatedOnlyWhenTheyFire) {
  const auto rs = small_rules();
  auto c = ev::evaluate(rs, input(45, 35, 90));
  EXPECT_TRUE(c.rules[0].provisional);
  EXPECT_TRUE(has(c.provisional_used, "EK-H C"));
  EXPECT_NE(c.rules[0].explain_tr.find("(geçici kural)"), std::string::npos);
  auto a = ev::evaluate(rs, input(20, 20, 90));
  EXPECT_FALSE(a.rules[0].provisional);
  EXPECT_TRUE(a.provisional_used.empty());
}

TEST(EvaluationEngine, ExplanationCarriesTheNumbersTheClauseAndTheGroups) {
  const auto rs = small_rules();
  auto e = ev::evaluate(rs, input(45, 35, 90));
  EXPECT_EQ(e.rules[0].explain_tr.rfind(
                "Sağ kulak 45 dB, sol kulak 35 dB → EK-H C sütunu (geçici kural) [EK-H C]", 0),
            0u)
      << e.rules[0].explain_tr;
  EXPECT_NE(e.summary_tr.find("→ sağlık grubu C → 3., 4., 5. grup işler"), std::string::npos)
      << e.summary_tr;
  EXPECT_NE(e.summary_en.find("→ health group C → work groups 3, 4, 5"), std::string::npos)
      << e.summary_en;
}

TEST(EvaluationEngine, MissingAudiogramIsIncompleteNeverAPass) {
  const auto rs = small_rules();
  ev::EvaluationInput in = input(0, 0, 90);
  in.values.erase("hearing.right_pta_db");
  in.values.erase("hearing.left_pta_db");
  auto e = ev::evaluate(rs, in);
  EXPECT_FALSE(e.complete());
  EXPECT_FALSE(e.health_group.has_value());
  EXPECT_FALSE(e.column.has_value());
  EXPECT_EQ(e.column_at_least, ev::Column::A);  // FVC 90 → A is all that is known
  ASSERT_EQ(e.incomplete.size(), 2u);
  EXPECT_EQ(e.incomplete[0].citation, "EK-H");
  EXPECT_NE(e.incomplete[0].reason_en.find("no audiogram"), std::string::npos);
  EXPECT_NE(e.summary_en.find("undecided"), std::string::npos);
}

TEST(EvaluationEngine, NoResponseInsideTheAverageMakesItUnusable) {
  const auto rs = small_rules();
  ev::EvaluationInput in = input(20, 20, 90);
  in.values["hearing.left_pta_no_response"] = true;
  auto e = ev::evaluate(rs, in);
  EXPECT_FALSE(e.complete());
  EXPECT_FALSE(e.health_group.has_value());
  ASSERT_EQ(e.incomplete.size(), 1u);
  EXPECT_EQ(e.incomplete[0].input, "hearing.left_pta_db");
  EXPECT_NE(e.incomplete[0].reason_en.find("no-response"), std::string::npos);
}

TEST(EvaluationEngine, SpirometryGradeBelowCIsUnusable) {
  const auto rs = small_rules();
  for (const char* grade : {"D", "E", "U", "F"}) {
    ev::EvaluationInput in = input(20, 20, 90);
    in.values["spirometry.grade_fvc"] = std::string(grade);
    auto e = ev::evaluate(rs, in);
    ASSERT_EQ(e.incomplete.size(), 1u) << grade;
    EXPECT_EQ(e.incomplete[0].input, "spirometry.fvc_pctpred");
    EXPECT_NE(e.incomplete[0].reason_en.find(std::string("grade ") + grade), std::string::npos);
  }
  ev::EvaluationInput c = input(20, 20, 90);
  c.values["spirometry.grade_fvc"] = std::string("C");
  EXPECT_TRUE(ev::evaluate(rs, c).complete());
  ev::EvaluationInput none = input(20, 20, 90);
  none.values.erase("spirometry.grade_fvc");
  auto e = ev::evaluate(rs, none);
  ASSERT_EQ(e.incomplete.size(), 1u);
  EXPECT_NE(e.incomplete[0].reason_en.find("missing"), std::string::npos);
}

TEST(EvaluationEngine, ColumnDIsFinalEvenWhenIncomplete) {
  const auto rs = small_rules();
  ev::EvaluationInput in = input(65, 20, 0);
  in.values.erase("spirometry.fvc_pctpred");
  auto e = ev::evaluate(rs, in);
  EXPECT_FALSE(e.complete());
  EXPECT_EQ(e.health_group, ev::Column::D);  // nothing can be worse than D
  EXPECT_EQ(e.allowed_work_groups, (std::vector<int>{4, 5}));
}

TEST(EvaluationEngine, OutOfDomainValueIsIncompleteWithTheRange) {
  const auto rs = small_rules();
  auto e = ev::evaluate(rs, input(130, 20, 90));
  ASSERT_EQ(e.incomplete.size(), 1u);
  EXPECT_NE(e.incomplete[0].reason_en.find("outside the table's range (-10…120 dB HL)"),
            std::string::npos)
      << e.incomplete[0].reason_en;
}

TEST(EvaluationEngine, DerivedMonauralPercentAndBmi) {
  ev::Inputs v;
  v["hearing.right_pta_db"] = 45.0;  // (45 - 25) × 1.5 = 30 %
  v["hearing.left_pta_db"] = 35.0;   // (35 - 25) × 1.5 = 15 %
  v["findings.height_m"] = 1.80;
  v["findings.weight_kg"] = 81.0;  // 81 / 3.24 = 25
  ev::add_derived(v);
  EXPECT_DOUBLE_EQ(std::get<double>(v["derived.right_hearing_loss_pct"]), 30.0);
  EXPECT_DOUBLE_EQ(std::get<double>(v["derived.left_hearing_loss_pct"]), 15.0);
  EXPECT_NEAR(std::get<double>(v["derived.bmi_kg_m2"]), 25.0, 1e-12);
  // 74.52 kg at 1.80 m is exactly 23 kg/m² (74.52 / 3.24), though 74.52 / 1.8² computes as 22.999…
  ev::Inputs b{{"findings.height_m", 1.80}, {"findings.weight_kg", 74.52}};
  ev::add_derived(b);
  EXPECT_GE(std::get<double>(b["derived.bmi_kg_m2"]), 23.0);
  ev::Inputs w{{"hearing.right_pta_db", 20.0}, {"hearing.left_pta_db", 100.0}};
  ev::add_derived(w);
  EXPECT_DOUBLE_EQ(std::get<double>(w["derived.right_hearing_loss_pct"]), 0.0);   // below the fence
  EXPECT_DOUBLE_EQ(std::get<double>(w["derived.left_hearing_loss_pct"]), 100.0);  // capped
}

TEST(EvaluationEngine, Ek1PerItemAndOnlyForItsPurposes) {
  const auto rs = small_rules();
  ev::EvaluationInput in = input(35, 20, 90);
  in.purpose = ev::Purpose::NewHire;
  in.job_code = "FACE";  // Ek-1 applies only when the job requires it (issue 13)
  in.values["checklist.heart"] = true;
  in.notes["checklist.heart"] = "EKG normal";
  auto e = ev::evaluate(rs, in);
  EXPECT_TRUE(e.ek1_applies);
  EXPECT_EQ(e.ek1_status, ev::Status::Fail);  // right ear 35 > 30
  ASSERT_EQ(e.ek1_items.size(), 2u);
  EXPECT_EQ(e.ek1_items[0].status, ev::Status::Fail);
  EXPECT_NE(e.ek1_items[0].explain_en.find("hearing.right_pta_db = 35, required ≤ 30"),
            std::string::npos)
      << e.ek1_items[0].explain_en;
  EXPECT_EQ(e.ek1_items[1].status, ev::Status::Pass);
  EXPECT_EQ(e.ek1_items[1].note, "EKG normal");
  EXPECT_TRUE(has(e.provisional_used, "EK-1/H"));

  in.values["hearing.right_pta_db"] = 30.0;
  EXPECT_EQ(ev::evaluate(rs, in).ek1_status, ev::Status::Pass);
  in.values.erase("checklist.heart");
  auto inc = ev::evaluate(rs, in);
  EXPECT_EQ(inc.ek1_status, ev::Status::Incomplete);
  EXPECT_FALSE(inc.complete());

  in.purpose = ev::Purpose::Periodic;
  auto p = ev::evaluate(rs, in);
  EXPECT_FALSE(p.ek1_applies);
  EXPECT_EQ(p.ek1_status, ev::Status::NotApplicable);
  in.purpose = ev::Purpose::NewHire;
  in.job_code = "OFFICE";  // a new hire into a job without ek1_required: Ek-2 only
  EXPECT_FALSE(ev::evaluate(rs, in).ek1_applies);
}

TEST(EvaluationEngine, JobFitByWorkGroupAndEk1) {
  const auto rs = small_rules();
  ev::EvaluationInput in = input(45, 20, 90);  // group C: 3, 4, 5
  in.job_code = "FACE";
  EXPECT_EQ(ev::evaluate(rs, in).job_fit.status, ev::Fit::Unfit);
  in.job_code = "COMP";
  EXPECT_EQ(ev::evaluate(rs, in).job_fit.status, ev::Fit::Fit);
  in.job_code.reset();
  in.job_work_group = 2;
  EXPECT_EQ(ev::evaluate(rs, in).job_fit.status, ev::Fit::Unfit);
  in.job_work_group.reset();
  EXPECT_EQ(ev::evaluate(rs, in).job_fit.status, ev::Fit::NotAsked);
  in.job_code = "NOPE";
  auto unknown = ev::evaluate(rs, in);
  EXPECT_EQ(unknown.job_fit.status, ev::Fit::Incomplete);
  EXPECT_NE(unknown.job_fit.reason_en.find("not in the job catalogue"), std::string::npos);

  // Group A but the face job needs Ek-1 for a new hire, and the heart item fails.
  ev::EvaluationInput hire = input(20, 20, 90);
  hire.purpose = ev::Purpose::NewHire;
  hire.job_code = "FACE";
  hire.values["checklist.heart"] = false;
  auto f = ev::evaluate(rs, hire);
  EXPECT_EQ(f.health_group, ev::Column::A);
  EXPECT_EQ(f.job_fit.status, ev::Fit::Unfit);
  hire.values["checklist.heart"] = true;
  EXPECT_EQ(ev::evaluate(rs, hire).job_fit.status, ev::Fit::Fit);
}

TEST(EvaluationEngine, IncompleteButAlreadyTooWeakForTheJobIsUnfit) {
  const auto rs = small_rules();
  ev::EvaluationInput in = input(45, 20, 0);  // hearing C known, spirometry missing
  in.values.erase("spirometry.fvc_pctpred");
  in.job_work_group = 1;
  auto e = ev::evaluate(rs, in);
  EXPECT_FALSE(e.health_group.has_value());
  EXPECT_EQ(e.job_fit.status, ev::Fit::Unfit);  // at best C, and C may not do group 1
  in.job_work_group = 4;
  EXPECT_EQ(ev::evaluate(rs, in).job_fit.status, ev::Fit::Incomplete);
}

TEST(EvaluationEngine, ReturnWhenUnfitListsEk3MovesHighestFirst) {
  const auto rs = small_rules();
  ev::EvaluationInput in = input(45, 20, 90);  // group C
  in.purpose = ev::Purpose::ReturnAfterAbsence;
  in.job_code = "FACE";
  auto e = ev::evaluate(rs, in);
  EXPECT_EQ(e.job_fit.status, ev::Fit::Unfit);
  // C's marked jobs are OFFICE (5), COMP (3), FACE (1, not open to C): highest first → COMP,
  // OFFICE.
  EXPECT_EQ(e.ek3_moves, (std::vector<std::string>{"COMP", "OFFICE"}));
}
