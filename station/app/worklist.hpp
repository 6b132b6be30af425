#pragma once
// The physician's worklist: exams awaiting review (the newest result version not yet signed),
// with the filters of the review page (establishment, exam date, kind, interrupted). One use case
// for every front end (the web page's /api/worklist; docs/ARCHITECTURE.md).
// Thread-safety: the Database's owning thread.
#include <optional>
#include <string>
#include <vector>

#include "analysis/core/result.hpp"
#include "station/exams/exam_record.hpp"

namespace odyo::station {

class Database;

struct WorklistFilter {
  std::string establishment;  // compared after Turkish case folding; empty = any
  std::string date;           // YYYY-MM-DD (GG.AA.YYYY too): the exam's day (UTC); empty = any
  std::string kind;           // spirometry | audiometry | …; empty = any
  std::optional<bool> interrupted;  // only (not) interrupted exams; empty = both
};

struct WorklistRow {
  Exam exam;
  Worker worker;
  bool interrupted = false;  // stored as interrupted (accepted by a physician or not)
  int result_version = 0;    // the newest result version (unsigned)
  std::optional<evaluation::StoredEvaluation> decision;  // in force, if the exam was evaluated
};

// Oldest exam first. A malformed date is an error.
Result<std::vector<WorklistRow>> review_worklist(Database& db, const WorklistFilter& filter);

}  // namespace odyo::station
