#pragma once
// Stored evaluations and the physician's decision, on the lead's storage layer (table
// `evaluations`, migration v2; rows are never updated or deleted). A decision is a chain of rows:
// version 1 is the automatic evaluation, and every later step (confirm, override, re-evaluation)
// is a new row that supersedes the chain's latest row, with who, when, why, the rule version and
// the rule-table hash. Every step appends to the audit log in the same transaction.
// The decision in force is the latest physician step (confirm/override) if there is one, else the
// latest automatic one: a re-evaluation is a proposal for review and never replaces a physician's
// decision until a physician confirms it. Thread-safety: the Database's owning thread.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "analysis/core/result.hpp"
#include "analysis/evaluation/engine.hpp"

namespace odyo::station {
class Database;
}

namespace odyo::station::evaluation {

struct StoredEvaluation {
  std::int64_t id = 0;
  std::optional<std::int64_t> exam_id;
  std::int64_t worker_id = 0;
  int version = 0;
  std::optional<std::int64_t> supersedes_id;
  std::string kind;  // auto | confirm | override | reevaluation
  std::string rules_version, rules_hash, purpose;
  std::optional<std::string> health_group, ek2_column;
  std::string result_json;  // {"input": …, "result": …, ["override": …]}
  std::string reason, created_at, created_by;
};

// Stores a fresh automatic evaluation (version 1 of a new chain).
Result<std::int64_t> store_evaluation(Database& db, std::int64_t worker_id,
                                      std::optional<std::int64_t> exam_id,
                                      const odyo::evaluation::EvaluationInput& input,
                                      const odyo::evaluation::Evaluation& result,
                                      const odyo::evaluation::RuleSet& rules,
                                      const std::string& actor);

// The physician accepts the chain's latest row as it stands. Only the physician role; the row
// named must be the latest of its chain (else the error names the newer one); an incomplete
// evaluation cannot be confirmed (override it with a reason instead).
Result<std::int64_t> confirm_evaluation(Database& db, std::int64_t evaluation_id,
                                        const std::string& actor);

// The physician replaces the column and/or health group, with a reason (required). Only the
// physician role; the row named must be the latest of its chain. The health group defaults to
// the column given.
Result<std::int64_t> override_evaluation(Database& db, std::int64_t evaluation_id,
                                         std::optional<odyo::evaluation::Column> column,
                                         std::optional<odyo::evaluation::Column> health_group,
                                         const std::string& reason, const std::string& actor);

Result<StoredEvaluation> get_evaluation(Database& db, std::int64_t id);
// Every row stored with exam `exam_id` (all chains), in version order then id.
Result<std::vector<StoredEvaluation>> evaluations_of_exam(Database& db, std::int64_t exam_id);
// Every row of the chain that `id` belongs to, version 1 first.
Result<std::vector<StoredEvaluation>> evaluation_chain(Database& db, std::int64_t id);
// The row in force for a chain (see the header comment).
const StoredEvaluation& decision_in_force(const std::vector<StoredEvaluation>& chain);

struct ReevaluationChange {
  std::int64_t chain_latest_id = 0;  // the row the re-evaluation supersedes
  std::int64_t worker_id = 0;
  std::string kind_in_force;  // auto | confirm | override | reevaluation
  std::optional<std::string> group_before, group_after, column_before, column_after;
  std::optional<std::int64_t> stored_id;  // the new reevaluation row (empty on a dry run)
};

struct ReevaluationReport {
  std::size_t chains = 0;
  std::size_t changed = 0;
  std::size_t unreadable = 0;  // rows whose stored input could not be read (listed in errors)
  std::vector<ReevaluationChange> changes;
  std::vector<std::string> errors;
};

// Re-runs every chain's stored input under `rules` and lists the chains whose group or column
// would change. Unless `dry_run`, stores each change as a new `reevaluation` row superseding the
// chain's latest row (physician decisions stay in force) and audits the run.
// `progress(done, total)` is called now and then.
Result<ReevaluationReport> reevaluate_all(
    Database& db, const odyo::evaluation::RuleSet& rules, bool dry_run, const std::string& actor,
    const std::function<void(std::size_t, std::size_t)>& progress = {});

}  // namespace odyo::station::evaluation
