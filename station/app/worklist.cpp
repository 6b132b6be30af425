#include "station/app/worklist.hpp"

#include <map>

#include "station/core/person_input.hpp"
#include "station/exams/exam_record.hpp"
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
  // The rows from the review queue (migration v15: exams whose newest result version has no
  // signature, with that version), of the kind and day asked for, oldest first. A row needs
  // only the exam, its worker, that version's number and interruption, and the decision in
  // force: not the raw recordings nor every version's signatures the exam page loads.
  auto q = db.prepare(
      "SELECT e.id, r.version, json_type(r.payload, '$.interrupted') = 'object' "
      "FROM review_queue q JOIN exams e ON e.id = q.exam_id JOIN results r ON r.id = q.result_id "
      "WHERE (?1 = '' OR e.kind = ?1) AND (?2 = '' OR substr(e.started_at, 1, 10) = ?2) "
      "AND NOT EXISTS (SELECT 1 FROM signatures s WHERE s.result_id = r.id) "
      "ORDER BY e.started_at, e.id");
  if (!q) return q.error();
  q->bind(1, filter.kind).bind(2, day);
  struct Candidate {
    std::int64_t exam_id;
    int version;
    bool interrupted;
  };
  std::vector<Candidate> candidates;
  for (;;) {
    auto row = q->step();
    if (!row) return row.error();
    if (!*row) break;
    candidates.push_back(Candidate{q->int64(0), static_cast<int>(q->int64(1)), q->int64(2) != 0});
  }
  std::map<std::int64_t, Worker> workers;  // many exams of one worker may wait
  std::vector<WorklistRow> out;
  for (const auto& c : candidates) {
    if (filter.interrupted && *filter.interrupted != c.interrupted) continue;
    auto exam = get_exam(db, c.exam_id);
    if (!exam) return exam.error();
    auto w = workers.find(exam->worker_id);
    if (w == workers.end()) {
      auto found = find_worker(db, "#" + std::to_string(exam->worker_id));
      if (!found) return found.error();
      w = workers.emplace(exam->worker_id, std::move(*found)).first;
    }
    if (!establishment.empty() && fold_turkish(w->second.establishment) != establishment) continue;
    auto evaluations = evaluation::evaluations_of_exam(db, c.exam_id);
    if (!evaluations) return evaluations.error();
    auto decision = decision_of_exam(db, *evaluations);
    if (!decision) return decision.error();
    out.push_back(
        WorklistRow{std::move(*exam), w->second, c.interrupted, c.version, std::move(*decision)});
  }
  return out;
}

}  // namespace odyo::station
