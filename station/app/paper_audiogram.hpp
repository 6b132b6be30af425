#pragma once
// An audiogram typed from paper, stored as every front end stores it (`audio enter`, the
// technician's entry form of station/web): the worker, the test's date (a real day, not in the
// future, not before the birth), the typed form checked against the worker (sex, age on that
// day), then station/exams record_audiogram_exam with the text as given kept as the exam's raw
// source (provenance: manual). Thread-safety: the Database's owning thread.
#include <string>

#include "analysis/core/result.hpp"
#include "station/exams/spirometry_exam.hpp"
#include "station/records/workers.hpp"

namespace odyo::station {

class Database;
struct StationConfig;

struct PaperAudiogram {
  std::string worker;          // registry number or #id
  std::string source;          // the input's name, kept as the exam's source ("a.json", "web form")
  std::string role = "input";  // how parse errors name it: "<role> <source>"
  std::string text;            // the typed form (station/audiometry/audiogram_json.hpp), as given
  std::string date;            // YYYY-MM-DD; empty: now
  std::string device;          // the audiometer the paper came from; empty: "manual"
  std::string note;            // kept with the exam
};

// The stored exam; nothing is written on any error.
Result<RecordedExam> enter_paper_audiogram(Database& db, const StationConfig& cfg,
                                           const PaperAudiogram& in, const std::string& actor);

// The start of a test dated `date` for worker `w`: the date checked (written YYYY-MM-DD, a real
// day, not in the future, not before the birth); now when empty. `what` names where the date came
// from ("--date", "the GDT file's 6200").
Result<std::string> test_started_at(const std::string& date, const Worker& w,
                                    const std::string& what = "--date");

}  // namespace odyo::station
