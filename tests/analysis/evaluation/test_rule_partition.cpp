// The partition proof: a rule's rows must give every point of the domain exactly one column.
// Tables here are built by hand so that each hole and overlap is known in advance.
#include <gtest/gtest.h>

#include "analysis/evaluation/partition.hpp"

namespace ev = odyo::evaluation;

namespace {

ev::Test range(std::optional<double> gt, std::optional<double> ge, std::optional<double> lt,
               std::optional<double> le) {
  ev::Test t;
  t.gt = gt;
  t.ge = ge;
  t.lt = lt;
  t.le = le;
  return t;
}

ev::Row row(const char* cit, ev::Column c, ev::Condition when, int line) {
  ev::Row r;
  r.citation = cit;
  r.column = c;
  r.when = std::move(when);
  r.source = {"t.toml", line};
  return r;
}

// One input x in [0, 100]: A for x <= 40, B for x > 40 (correct), with variants broken below.
ev::Ek2Rule one_input(std::optional<double> b_gt, std::optional<double> b_ge) {
  ev::Ek2Rule rule;
  rule.id = "r";
  rule.citation = "EK-T";
  rule.inputs = {"hearing.x"};
  rule.domain = {{"hearing.x", 0.0, 100.0, {}, "dB"}};
  rule.source = {"t.toml", 1};
  rule.rows.push_back(row("EK-T A", ev::Column::A, {{{"hearing.x", range({}, {}, {}, 40.0)}}}, 5));
  rule.rows.push_back(
      row("EK-T B", ev::Column::B, {{{"hearing.x", range(b_gt, b_ge, {}, {})}}}, 9));
  return rule;
}

}  // namespace

TEST(RulePartition, ExactSplitAtABoundaryPasses) {
  // x <= 40 → A, x > 40 → B: every x in [0, 100] has one column.
  EXPECT_TRUE(ev::check_partition(one_input(40.0, {})).ok());
}

TEST(RulePartition, OverlapAtTheSharedBoundaryIsFoundWithTheExample) {
  // x <= 40 → A and x >= 40 → B: x = 40 is in both.
  auto r = ev::check_partition(one_input({}, 40.0));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "rule_overlap");
  EXPECT_NE(r.error().message.find("hearing.x = 40"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("line 5"), std::string::npos);
  EXPECT_NE(r.error().message.find("line 9"), std::string::npos);
}

TEST(RulePartition, HoleBetweenIntegerBoundsIsFound) {
  // x <= 40 → A and x >= 41 → B: 40 < x < 41 (an average like 40.33) has no column.
  auto r = ev::check_partition(one_input({}, 41.0));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "rule_hole");
  EXPECT_NE(r.error().message.find("between 40 and 41"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("t.toml:1"), std::string::npos);
}

TEST(RulePartition, SameColumnOverlapIsAllowed) {
  // Two D rows that overlap on (60, 70] both say D: one column, so no overlap.
  ev::Ek2Rule rule = one_input(40.0, {});
  rule.rows[1].when = {{{"hearing.x", range(40.0, {}, {}, 70.0)}}};
  rule.rows.push_back(
      row("EK-T B2", ev::Column::B, {{{"hearing.x", range(60.0, {}, {}, {})}}}, 12));
  EXPECT_TRUE(ev::check_partition(rule).ok());
}

TEST(RulePartition, TwoInputsHoleIsReportedWithBothValues) {
  // A when both <= 30; B when either > 30 and both <= 60; nothing above 60: hole at (61, x).
  ev::Ek2Rule rule;
  rule.id = "two";
  rule.citation = "EK-T2";
  rule.inputs = {"hearing.r", "hearing.l"};
  rule.domain = {{"hearing.r", -10.0, 120.0, {}, "dB"}, {"hearing.l", -10.0, 120.0, {}, "dB"}};
  rule.source = {"t.toml", 1};
  rule.rows.push_back(
      row("A", ev::Column::A,
          {{{"hearing.r", range({}, {}, {}, 30.0)}, {"hearing.l", range({}, {}, {}, 30.0)}}}, 3));
  rule.rows.push_back(
      row("B", ev::Column::B,
          {{{"hearing.r", range(30.0, {}, {}, 60.0)}, {"hearing.l", range({}, {}, {}, 60.0)}},
           {{"hearing.l", range(30.0, {}, {}, 60.0)}, {"hearing.r", range({}, {}, {}, 60.0)}}},
          4));
  auto r = ev::check_partition(rule);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "rule_hole");
  EXPECT_NE(r.error().message.find("hearing.r ="), std::string::npos);
  EXPECT_NE(r.error().message.find("hearing.l ="), std::string::npos);
  // Closing the space above 60 makes it a partition.
  rule.rows.push_back(
      row("D", ev::Column::D,
          {{{"hearing.r", range(60.0, {}, {}, {})}}, {{"hearing.l", range(60.0, {}, {}, {})}}}, 5));
  EXPECT_TRUE(ev::check_partition(rule).ok());
}

TEST(RulePartition, WordInputMissingAValueIsAHole) {
  ev::Ek2Rule rule;
  rule.id = "v";
  rule.citation = "EK-2/17";
  rule.inputs = {"findings.vertigo"};
  ev::Domain d;
  d.input = "findings.vertigo";
  d.values = {"none", "cured", "meniere"};
  rule.domain = {d};
  rule.source = {"t.toml", 1};
  ev::Test none, cured;
  none.in = {"none"};
  cured.in = {"cured"};
  ev::Row r0 = row("none", ev::Column::A, {{{"findings.vertigo", none}}}, 2);
  r0.column.reset();
  rule.rows = {r0, row("A", ev::Column::A, {{{"findings.vertigo", cured}}}, 3)};
  auto r = ev::check_partition(rule);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "rule_hole");
  EXPECT_NE(r.error().message.find("\"meniere\""), std::string::npos) << r.error().message;
}

TEST(RulePartition, RowReadingAnInputWithoutDomainIsRejected) {
  ev::Ek2Rule rule = one_input(40.0, {});
  rule.rows[0].when[0].push_back({"hearing.y", range({}, {}, {}, 3.0)});
  auto r = ev::check_partition(rule);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "rule_domain");
  EXPECT_NE(r.error().message.find("hearing.y"), std::string::npos);
}
