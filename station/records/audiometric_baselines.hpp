#pragma once
// The worker's audiometric baseline (OSHA 1910.95(g)(5)): versioned, append-only rows of
// audiometric_baselines (migrations v3, v4). Version 1 is the worker's first accepted audiogram;
// each revision (a persistent shift, an improvement, or a physician's explicit choice) is a new
// row that supersedes the previous one, with who, when and why. A row applies to one ear or both;
// the baseline of an ear is the newest row for that ear or for both.
// Thread-safety: the Database's owning thread.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "analysis/core/result.hpp"

namespace odyo::station {

class Database;

struct NewBaseline {
  std::int64_t worker_id = 0;
  std::int64_t exam_id = 0;
  std::int64_t result_id = 0;  // the exam's result version whose audiogram is the baseline
  std::string ear = "both";    // right | left | both
  std::string kind;            // initial | persistent_shift | improvement | manual
  std::string reason;          // why, in words (required)
};

struct BaselineRow {
  std::int64_t id = 0;
  std::int64_t worker_id = 0;
  std::int64_t exam_id = 0;
  std::int64_t result_id = 0;
  int version = 0;
  std::optional<std::int64_t> supersedes_id;
  std::string ear, kind, reason, set_at, set_by;
  [[nodiscard]] bool covers(const std::string& which_ear) const {
    return ear == "both" || ear == which_ear;
  }
};

// Appends the next version for the worker (supersedes the newest row) and an audit entry.
Result<std::int64_t> add_baseline(Database& db, const NewBaseline& b, const std::string& actor);
// Every version of the worker's baseline, oldest first.
Result<std::vector<BaselineRow>> list_baselines(Database& db, std::int64_t worker_id);
// The baseline in force for one ear ("right" | "left"): the newest row covering it.
std::optional<BaselineRow> current_baseline(const std::vector<BaselineRow>& history,
                                            const std::string& ear);
// Rows that name this exam (this exam is or was a baseline).
Result<std::vector<BaselineRow>> baselines_of_exam(Database& db, std::int64_t exam_id);

}  // namespace odyo::station
