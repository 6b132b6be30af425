#pragma once
// The Ek-1/Ek-2 evaluation engine: applies a RuleSet (config/rules/) to one worker's results and
// says, clause by clause and with the numbers, which Ek-2 column each finding falls in, the
// health group, the allowed work groups, Ek-1 pass/fail per item, fitness for a proposed job and
// which provisional rules took part. Missing or unusable inputs give "incomplete" with the
// reason, never a silent pass. Pure: no I/O, no globals; thread-safe (const inputs only).

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "analysis/evaluation/model.hpp"

namespace odyo::evaluation {

// What the engine is given: the purpose, the proposed/current job (a catalogue code or just its
// work group) and the results as named values (see model.hpp for the names). `notes` holds the
// physician's note per checklist item ("checklist.heart" → "…").
struct EvaluationInput {
  Purpose purpose = Purpose::Periodic;
  std::optional<std::string> job_code;
  std::optional<int> job_work_group;
  Inputs values;
  std::map<std::string, std::string> notes;
};

// One Ek-2 row that fired.
struct RowHit {
  std::string rule_id;
  std::string rule_citation;     // "EK-2/15"
  std::string citation;          // "EK-2/15 C"
  std::optional<Column> column;  // empty: finding absent, nothing placed
  std::string label_tr, label_en;
  std::vector<std::pair<std::string, Value>> inputs;  // the values the rule read
  bool provisional = false;
  // A value the rule read is a lower bound (a no-response point at a maximum): the true column
  // may be worse, so unless it is D the evaluation is not final.
  bool lower_bound = false;
  std::string explain_tr, explain_en;  // "Sağ kulak 45 dB, … → EK-2/15 C sütunu (geçici kural)"
};

// A line of the trace that is not an Ek-2 row: the special examination, restrictions, the
// absence, exams not used. Every note names the clause it rests on.
struct Note {
  std::string citation;
  std::string tr, en;
};

enum class Status { Pass, Fail, Incomplete, NotApplicable };
const char* status_name(Status s);  // pass | fail | incomplete | not-applicable

struct Ek1ItemResult {
  std::string id;
  std::string citation;
  std::string title_tr, title_en;
  Status status = Status::Incomplete;
  std::vector<std::pair<std::string, Value>> inputs;
  bool provisional = false;
  std::string note;                    // the physician's note, for checklist items
  std::string explain_tr, explain_en;  // values and, on failure, the condition not met
};

// A reason the evaluation is incomplete.
struct Missing {
  std::string citation;  // the rule or item that could not be decided
  std::string input;     // the input at fault
  std::string reason_tr, reason_en;
};

enum class Fit { NotAsked, Fit, Unfit, Incomplete };
const char* fit_name(Fit f);  // not-asked | fit | unfit | incomplete

struct JobFit {
  Fit status = Fit::NotAsked;
  std::string job_code;
  std::optional<int> work_group;
  std::string reason_tr, reason_en;
};

struct Evaluation {
  Purpose purpose = Purpose::Periodic;
  std::vector<RowHit> rules;              // every Ek-2 row that applied, in table order
  std::optional<Column> column;           // worst column; empty while incomplete unless already D
  std::optional<Column> column_at_least;  // worst column among the decided rules
  std::optional<Column> health_group;
  std::vector<int> allowed_work_groups;
  bool ek1_applies = false;
  Status ek1_status = Status::NotApplicable;
  std::vector<Ek1ItemResult> ek1_items;
  JobFit job_fit;
  std::vector<std::string> ek3_moves;  // job codes (Ek-3, marked +) for a return when unfit
  std::vector<Missing> incomplete;
  std::vector<std::string> provisional_used;  // citations of provisional rules that took part
  // The Ek-2 rules whose column decided column_at_least, and those that could not be assessed
  // (their inputs are missing or unusable): the health group is only as whole as what was
  // assessed.
  std::vector<std::string> decided_by, not_assessed;
  std::vector<std::string> restrictions;  // restriction ids in force
  std::vector<Note> notes;
  std::string summary_tr, summary_en;

  [[nodiscard]] bool complete() const { return incomplete.empty(); }
};

Evaluation evaluate(const RuleSet& rules, const EvaluationInput& input);

// Standards' constants used for derived values (not from the directive):
// AAO-HNS 1979 monaural hearing handicap: 1.5 % per dB above a 25 dB low fence, 100 % at 92 dB.
inline constexpr double kMonauralLowFenceDb = 25.0;
inline constexpr double kMonauralPercentPerDb = 1.5;
// ATS/ERS 2019 (Graham et al., Table 10): session grades A-C are usable for interpretation;
// D, E, U and F are not, so a spirometric rule reading them is incomplete.
inline constexpr const char* kUsableSpirometryGrades[] = {"A", "B", "C"};

// Input names the engine reads besides the rules' own (all optional):
//   hearing.exam_age_days, spirometry.exam_age_days — age of the exam the values came from; an
//     exam older than RuleSet::max_exam_age_days is not used;
//   hearing.<ear>_max_hf_no_response, hearing.<ear>_max_any_no_response — the maximum was a
//     no-response point (any input X_db with X_no_response true is a lower bound);
//   special_exam.result (fit | unfit) — for a job that needs a special examination;
//   restriction.<id> (yes) — a restriction in force (RuleSet::restrictions);
//   absence.days, absence.started_days_ago, absence.sgk_report (yes/no), absence.sgk_report_no,
//   absence.temporary_job, absence.controlled_until — for a return after absence.
//
// The derived inputs the engine adds: derived.bmi_kg_m2, derived.right_hearing_loss_pct,
// derived.left_hearing_loss_pct. Exposed for tests.
void add_derived(Inputs& values);

}  // namespace odyo::evaluation
