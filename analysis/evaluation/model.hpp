#pragma once
// The data model of the directive's rule tables (TTK Beden Gücü Yönergesi, 2014: Ek-1, Ek-2,
// Ek-3, Ek-4 work groups). Every threshold lives in config/rules/*.toml and reaches the engine
// through these types; the engine itself holds no number from the directive.
// Pure value types: no I/O. Thread-safety: immutable after loading; share freely for reading.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace odyo::evaluation {

// Ek-2 columns, in order of increasing impairment (A best, D worst). Health groups carry the
// same letters (Madde 6: the worst column over all findings decides the group).
enum class Column : std::uint8_t { A = 0, B = 1, C = 2, D = 3 };
std::optional<Column> parse_column(std::string_view text);
const char* column_name(Column c);
inline Column worse(Column a, Column b) {
  return a > b ? a : b;
}

// The purpose of the examination (the directive's article on when each table applies).
enum class Purpose : std::uint8_t {
  NewHire,
  ReHire,
  JobChange,
  GoingUnderground,
  ReturnAfterAbsence,
  Periodic
};
// new-hire | re-hire | job-change | going-underground | return-after-absence | periodic
// ("return", the earlier name, is read as return-after-absence).
std::optional<Purpose> parse_purpose(std::string_view text);
const char* purpose_name(Purpose p);
// "new-hire, re-hire, …" for messages.
const char* purpose_list();

// One input value given to the engine: missing, a number, a yes/no or a word.
using Value = std::variant<std::monostate, double, bool, std::string>;
// Inputs by dotted name: "hearing.right_pta_db", "spirometry.fvc_pctpred", "findings.height_m",
// "checklist.heart", "derived.bmi_kg_m2" (derived ones are computed by the engine).
using Inputs = std::map<std::string, Value, std::less<>>;

// The test one condition applies to one input. Numeric bounds combine (gt/ge lower, lt/le upper);
// `eq_bool` tests a yes/no; `in` tests a word against a list.
struct Test {
  std::optional<double> gt, ge, lt, le;
  std::optional<bool> eq_bool;
  std::vector<std::string> in;

  [[nodiscard]] bool numeric() const { return gt || ge || lt || le; }
  // true/false, or nullopt when the value is missing or of another type than the test needs.
  [[nodiscard]] std::optional<bool> holds(const Value& v) const;
  // "> 30 ve ≤ 40" / "> 30 and ≤ 40", "= evet" / "= yes", "∈ {a, b}"
  [[nodiscard]] std::string describe(bool turkish) const;
};

struct Clause {
  std::string input;
  Test test;
};
using Conjunction = std::vector<Clause>;  // every clause must hold
// A condition: any one of the conjunctions holds (an empty list never holds).
using Condition = std::vector<Conjunction>;

// Tri-state evaluation: nullopt when the answer depends on a missing value.
std::optional<bool> holds(const Conjunction& c, const Inputs& in);
std::optional<bool> holds(const Condition& c, const Inputs& in);

struct Source {  // where a rule was read from, for messages
  std::string file;
  int line = 0;
};

// One row of an Ek-2 rule: a condition and the column it places the finding in. `column` empty
// means "finding absent: the rule places nothing" (e.g. vertigo = none).
struct Row {
  std::string citation;  // "EK-2/15 C"
  std::optional<Column> column;
  std::string label_tr, label_en;
  Condition when;
  bool provisional = false;
  Source source;
};

// The range of one input a rule's rows must partition: numeric [min, max] or a list of words.
struct Domain {
  std::string input;
  std::optional<double> min, max;
  std::vector<std::string> values;  // for word-valued inputs
  std::string unit;
  bool yes_no = false;  // a yes/no input (values = [false, true] in the table)
};

struct Ek2Rule {
  std::string id;        // "ek2-15"
  std::string citation;  // "EK-2/15"
  std::string title_tr, title_en;
  std::vector<std::string> inputs;  // every input the rows read
  Conjunction applies_if;           // empty: always applies
  bool provisional = false;         // the whole rule is provisional
  std::vector<Domain> domain;       // the rows must partition this space (checked at load)
  std::vector<Row> rows;
  std::string explain_tr, explain_en;  // templates, {input.name} is replaced by its value
  Source source;
};

// One Ek-1 item: passes when `require` holds (if `applies_if` holds, or always when empty).
struct Ek1Item {
  std::string id;
  std::string citation;  // "EK-1/4"
  std::string title_tr, title_en;
  std::vector<std::string> inputs;
  Conjunction applies_if;
  Condition require;
  bool provisional = false;
  std::string explain_tr, explain_en;
  Source source;
};

struct Job {
  std::string code;
  std::string title_tr, title_en;
  int work_group = 0;  // 1 (heaviest) .. 5 (lightest)
  bool ek1_required = false;
  bool noisy = false;
  bool dusty = false;
  bool special_exam = false;
  bool heavy_load = false;  // carrying loads (a restriction may exclude it)
  // The job attribute a restriction names: "noisy", "dusty", "heavy_load"; false for others.
  [[nodiscard]] bool attribute(std::string_view name) const;
};

// A restriction the physician may record for a worker (e.g. "noise-free"): a job with the
// attribute `excludes` is neither fit nor proposed as a move while it stands.
struct Restriction {
  std::string id;
  std::string citation;
  std::string title_tr, title_en;
  std::string excludes;  // job attribute: noisy | dusty | heavy_load
};

// The conditions of an evaluation on return after an absence.
struct ReturnRule {
  std::string citation;
  double more_than_days = 0;  // the article applies to absences longer than this
  bool sgk_report_required = false;
};

struct TableInfo {
  std::string name;       // ek1 | ek2 | work-groups | ek3
  std::string version;    // e.g. "2014.1-odyo.1"
  std::string effective;  // ISO date the table takes effect
  std::string source;     // where its content came from
};

struct RuleSet {
  std::string version;    // ruleset.toml: the version a decision records
  std::string effective;  // ISO date
  std::string hash;       // SHA-256 over the table files (set by the loader)
  std::vector<TableInfo> tables;

  std::vector<Purpose> ek1_purposes;  // purposes for which Ek-1 applies
  std::vector<Ek1Item> ek1;
  std::vector<Ek2Rule> ek2;
  std::map<Column, std::vector<int>> work_groups_for;  // health group → allowed work groups
  std::vector<Job> jobs;
  std::map<Column, std::vector<std::string>> ek3_moves;  // health group → job codes marked (+)
  std::string special_exam_citation;  // jobs with special_exam need its recorded result
  std::vector<Restriction> restrictions;
  ReturnRule return_rule;
  std::optional<double> max_exam_age_days;  // older exams are not used

  [[nodiscard]] const Job* job(std::string_view code) const;
  [[nodiscard]] const Restriction* restriction(std::string_view id) const;
};

// Formats a number for people: at most two decimals, no trailing zeros ("45", "31.67", "0.7").
std::string format_number(double v);
std::string format_value(const Value& v);  // yes/no for booleans
std::string format_value(const Value& v, bool turkish);

}  // namespace odyo::evaluation
