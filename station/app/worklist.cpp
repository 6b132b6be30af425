#include "station/app/worklist.hpp"

#include "station/core/person_input.hpp"
#include "station/exams/interruption.hpp"
#include "station/records/exams.hpp"
#include "station/storage/database.hpp"

namespace odyo::station {

Result<std::vector<WorklistRow>> review_worklist(Database& db, const WorklistFilter& filter) {
  std::string day;
  if (!filter.date.empty()) {
    auto d = parse_date_iso(filter.date);
    if (!d) return d.error();
    day = *d;
  }
  const std::string establishment = fold_turkish(filter.establishment);
  // The candidates from the review queue (migration v15: exams whose newest result version has
  // no signature), of the kind and day asked for, oldest first. Only they are loaded whole.
  auto q = db.prepare(
      "SELECT e.id FROM review_queue q JOIN exams e ON e.id = q.exam_id WHERE (?1 = '' OR e.kind "
      "= ?1) AND (?2 = '' OR substr(e.started_at, 1, 10) = ?2) ORDER BY e.started_at, e.id");
  if (!q) return q.error();
  q->bind(1, filter.kind).bind(2, day);
  std::vector<std::int64_t> ids;
  for (;;) {
    auto row = q->step();
    if (!row) return row.error();
    if (!*row) break;
    ids.push_back(q->int64(0));
  }
  std::vector<WorklistRow> out;
  for (const auto id : ids) {
    auto rec = load_exam_record(db, id);
    if (!rec) return rec.error();
    if (rec->results.empty() || !rec->results.back().signed_by.empty()) continue;
    if (!establishment.empty() && fold_turkish(rec->worker.establishment) != establishment)
      continue;
    auto interruption = exam_interruption(db, id);
    if (!interruption) return interruption.error();
    const bool interrupted = interruption->is_object();
    if (filter.interrupted && *filter.interrupted != interrupted) continue;
    out.push_back(WorklistRow{rec->exam, rec->worker, interrupted, rec->results.back().version,
                              rec->decision});
  }
  return out;
}

}  // namespace odyo::station
