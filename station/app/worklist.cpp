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
  auto exams = list_exams(db);
  if (!exams) return exams.error();
  std::vector<WorklistRow> out;
  for (const auto& e : *exams) {
    if (!filter.kind.empty() && e.kind != filter.kind) continue;
    if (!day.empty() && e.started_at.rfind(day, 0) != 0) continue;
    auto rec = load_exam_record(db, e.id);
    if (!rec) return rec.error();
    if (rec->results.empty() || !rec->results.back().signed_by.empty()) continue;
    if (!establishment.empty() && fold_turkish(rec->worker.establishment) != establishment)
      continue;
    auto interruption = exam_interruption(db, e.id);
    if (!interruption) return interruption.error();
    const bool interrupted = interruption->is_object();
    if (filter.interrupted && *filter.interrupted != interrupted) continue;
    out.push_back(WorklistRow{rec->exam, rec->worker, interrupted, rec->results.back().version,
                              rec->decision});
  }
  return out;
}

}  // namespace odyo::station
