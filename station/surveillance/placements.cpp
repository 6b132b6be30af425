#include "station/surveillance/placements.hpp"
#include "analysis/core/error_text.hpp"

#include <algorithm>
#include <map>
#include <regex>

#include "station/records/job_history.hpp"
#include "station/storage/database.hpp"
#include "station/surveillance/due.hpp"

namespace odyo::station::surveillance {

Result<Period> half_year(const std::string& text) {
  static const std::regex re("([0-9]{4})-[Hh]([12])");
  std::smatch m;
  if (!std::regex_match(text, m, re))
    return make_errorf("report_invalid",
                       "half year \"{}\" does not read; write YYYY-H1 (January-June) or YYYY-H2 "
                       "(July-December), e.g. 2026-H2",
                       text);
  const std::string y = m[1].str();
  if (m[2].str() == "1") return Period{y + "-01-01", y + "-06-30"};
  return Period{y + "-07-01", y + "-12-31"};
}

Result<std::vector<Placement>> compute_placements(
    Database& db, const PlacementQuery& q,
    const std::function<void(std::int64_t, std::int64_t)>& progress) {
  if (q.period.to < q.period.from)
    return make_errorf("report_invalid", "the period ends ({}) before it begins ({})", q.period.to,
                       q.period.from);
  auto found = worker_names(db);
  if (!found) return found.error();
  auto& names = *found;
  auto history = all_job_history(db);
  if (!history) return history.error();
  std::vector<Placement> out;
  // Rows are by worker, then date: a change is a row after the worker's first.
  const auto total = static_cast<std::int64_t>(history->size());
  for (std::size_t i = 1; i < history->size(); ++i) {
    if (progress && i % 10000 == 0) progress(static_cast<std::int64_t>(i), total);
    const JobPeriod& prev = (*history)[i - 1];
    const JobPeriod& row = (*history)[i];
    if (prev.worker_id != row.worker_id) continue;
    if (row.effective_from < q.period.from || row.effective_from > q.period.to) continue;
    if (!q.establishment.empty() && row.establishment != q.establishment &&
        prev.establishment != q.establishment)
      continue;
    std::size_t first = i - 1;
    while (first > 0 && (*history)[first - 1].worker_id == row.worker_id) --first;
    Placement p;
    p.worker_id = row.worker_id;
    const auto& n = names[row.worker_id];
    p.registry_no = n.registry_no;
    p.first_name = n.first_name;
    p.last_name = n.last_name;
    p.from = row.effective_from;
    p.old_establishment = prev.establishment;
    p.old_job = prev.job_code;
    p.old_work_group = prev.work_group;
    p.new_establishment = row.establishment;
    p.new_job = row.job_code;
    p.new_work_group = row.work_group;
    p.reason = row.reason;
    p.decision = row.decision;
    p.years_in_old_job = days_between(prev.effective_from, row.effective_from) / 365.25;
    p.years_worked = days_between((*history)[first].effective_from, row.effective_from) / 365.25;
    out.push_back(std::move(p));
  }
  if (progress) progress(total, total);
  std::sort(out.begin(), out.end(), [](const Placement& a, const Placement& b) {
    return std::tie(a.from, a.registry_no) < std::tie(b.from, b.registry_no);
  });
  return out;
}

}  // namespace odyo::station::surveillance
