#include "station/exams/exam_record.hpp"

#include "station/storage/database.hpp"

namespace odyo::station {

Result<std::optional<evaluation::StoredEvaluation>> decision_of_exam(
    Database& db, const std::vector<evaluation::StoredEvaluation>& evaluations) {
  // The newest chain stored with this exam: its first row is the newest version-1 row.
  const evaluation::StoredEvaluation* root = nullptr;
  for (const auto& v : evaluations) {
    if (!v.supersedes_id && (root == nullptr || v.id > root->id)) root = &v;
  }
  if (root == nullptr) return std::optional<evaluation::StoredEvaluation>();
  auto chain = evaluation::evaluation_chain(db, root->id);
  if (!chain) return chain.error();
  return std::optional<evaluation::StoredEvaluation>(evaluation::decision_in_force(*chain));
}

Result<ExamRecord> load_exam_record(Database& db, std::int64_t exam_id) {
  ExamRecord rec;
  auto e = get_exam(db, exam_id);
  if (!e) return e.error();
  rec.exam = std::move(*e);
  auto w = find_worker(db, "#" + std::to_string(rec.exam.worker_id));
  if (!w) return w.error();
  rec.worker = std::move(*w);
  auto recs = list_recordings(db, exam_id);
  if (!recs) return recs.error();
  rec.recordings = std::move(*recs);
  auto results = list_results(db, exam_id);
  if (!results) return results.error();
  rec.results = std::move(*results);
  auto evals = evaluation::evaluations_of_exam(db, exam_id);
  if (!evals) return evals.error();
  rec.evaluations = std::move(*evals);
  auto decision = decision_of_exam(db, rec.evaluations);
  if (!decision) return decision.error();
  rec.decision = std::move(*decision);
  auto baselines = baselines_of_exam(db, exam_id);
  if (!baselines) return baselines.error();
  rec.baselines = std::move(*baselines);
  std::vector<std::string> names{rec.exam.technician};
  for (const auto& r : rec.results)
    for (const auto& s : r.signatures) names.push_back(s.signer);
  for (const auto& n : names) {
    if (n.empty() || rec.users.count(n) != 0) continue;
    if (auto u = find_user(db, n); u) rec.users.emplace(n, std::move(*u));
  }
  return rec;
}

}  // namespace odyo::station
