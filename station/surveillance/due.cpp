#include "station/surveillance/due.hpp"

#include <algorithm>
#include <chrono>
#include <map>

#include "station/core/person_input.hpp"
#include "station/records/job_history.hpp"
#include "station/storage/database.hpp"

namespace odyo::station::surveillance {
namespace ev = odyo::evaluation;
using namespace std::chrono;

namespace {

year_month_day ymd(const std::string& iso) {
  auto d = parse_date(iso);
  return d ? *d : year_month_day{};
}

// Last date of each exam kind per worker, up to and including `as_of`.
using LastExams = std::map<std::pair<std::int64_t, std::string>, std::string>;

Result<void> read_last(Database& db, const std::string& sql, const std::string& as_of,
                       LastExams& out) {
  auto st = db.prepare(sql);
  if (!st) return st.error();
  st->bind(1, as_of);
  for (;;) {
    auto r = st->step();
    if (!r) return r.error();
    if (!*r) break;
    auto& slot = out[{st->int64(0), st->text(1)}];
    slot = std::max(slot, st->text(2));
  }
  return {};
}

}  // namespace

const char* status_name(DueStatus s) {
  switch (s) {
    case DueStatus::due:
      return "due";
    case DueStatus::overdue:
      return "overdue";
    case DueStatus::ok:
      break;
  }
  return "ok";
}

bool WorkerDue::flagged() const {
  return std::any_of(exams.begin(), exams.end(),
                     [](const ExamDue& e) { return e.status != DueStatus::ok; });
}

std::string add_months(const std::string& iso_date, int months) {
  const year_month_day d = ymd(iso_date);
  year_month_day r = d.year() / d.month() / d.day() + std::chrono::months{months};
  if (!r.ok()) r = r.year() / r.month() / last;
  return to_iso(year_month_day{sys_days{r}});
}

int days_between(const std::string& a, const std::string& b) {
  return static_cast<int>((sys_days{ymd(b)} - sys_days{ymd(a)}).count());
}

Result<std::map<std::int64_t, WorkerName>> worker_names(Database& db) {
  std::map<std::int64_t, WorkerName> out;
  auto st = db.prepare("SELECT id, registry_no, first_name, last_name FROM workers");
  if (!st) return st.error();
  for (;;) {
    auto r = st->step();
    if (!r) return r.error();
    if (!*r) break;
    out[st->int64(0)] = {st->int64(0), st->text(1), st->text(2), st->text(3)};
  }
  return out;
}

Result<DueReport> compute_due(Database& db, const IntervalTable& intervals,
                              const std::vector<ev::Job>& jobs, const DueQuery& q,
                              const std::function<void(std::size_t, std::size_t)>& progress) {
  DueReport report;
  report.as_of = q.as_of;
  report.intervals_version = intervals.version;
  report.soon_days = intervals.soon_days;

  auto names = worker_names(db);
  if (!names) return names.error();
  const auto& workers = *names;
  auto history = all_job_history(db);
  if (!history) return history.error();
  std::map<std::int64_t, std::vector<JobPeriod>> by_worker;
  for (auto& p : *history) by_worker[p.worker_id].push_back(std::move(p));

  // Exams count when their newest result is not an unaccepted interruption (an interrupted
  // session is not an exam until a physician accepts it, station/exams/interruption.hpp).
  LastExams last;
  if (auto r = read_last(db,
                         "SELECT e.worker_id, e.kind, substr(e.started_at,1,10) FROM exams e "
                         "JOIN results r ON r.id = (SELECT id FROM results WHERE exam_id = e.id "
                         "ORDER BY version DESC LIMIT 1) WHERE substr(e.started_at,1,10) <= ?1 "
                         "AND NOT (json_type(r.payload,'$.interrupted') IS 'object' AND "
                         "json_type(r.payload,'$.interrupted.accepted') IS NULL)",
                         q.as_of, last);
      !r)
    return r.error();
  if (auto r = read_last(db,
                         "SELECT f.worker_id, 'chest_film', f.taken_on FROM chest_films f "
                         "WHERE f.taken_on <= ?1 AND NOT EXISTS (SELECT 1 FROM chest_films c "
                         "WHERE c.supersedes_id = f.id)",
                         q.as_of, last);
      !r)
    return r.error();

  auto job_of = [&](const std::string& code) -> const ev::Job* {
    auto it =
        std::find_if(jobs.begin(), jobs.end(), [&](const ev::Job& j) { return j.code == code; });
    return it == jobs.end() ? nullptr : &*it;
  };

  std::size_t looked_at = 0;
  for (const auto& [wid, rows] : by_worker) {
    if (progress && (++looked_at % 500 == 0 || looked_at == by_worker.size()))
      progress(looked_at, by_worker.size());
    if (q.worker_id && *q.worker_id != wid) continue;
    auto w = workers.find(wid);
    if (w == workers.end()) continue;
    const auto current = job_on(rows, q.as_of);
    if (!current) continue;  // not yet employed on that day
    if (!q.establishment.empty() && current->establishment != q.establishment) continue;
    WorkerDue wd;
    wd.worker_id = wid;
    wd.registry_no = w->second.registry_no;
    wd.first_name = w->second.first_name;
    wd.last_name = w->second.last_name;
    wd.establishment = current->establishment;
    wd.job_code = current->job_code;
    wd.work_group = current->work_group;
    const ev::Job* job = job_of(current->job_code);
    for (std::string_view kind : kExamKinds) {
      const IntervalRule* rule = nullptr;
      for (const auto& r : intervals.rules) {
        if (r.exam != kind || job == nullptr || !r.applies_to(*job)) continue;
        if (rule == nullptr || r.every_months < rule->every_months) rule = &r;
      }
      if (rule == nullptr) continue;
      ExamDue e;
      e.exam = std::string(kind);
      e.rule_id = rule->id;
      e.every_months = rule->every_months;
      e.provisional = rule->provisional;
      e.citation = rule->citation;
      if (auto it = last.find({wid, e.exam}); it != last.end()) {
        e.last_date = it->second;
        e.due_date = add_months(it->second, rule->every_months);
      } else {
        // Never done: due from the first day of the current run of jobs that need this exam.
        std::string since = current->effective_from;
        for (auto it2 = rows.rbegin(); it2 != rows.rend(); ++it2) {
          if (it2->effective_from > q.as_of) continue;
          const ev::Job* j = job_of(it2->job_code);
          const bool needs =
              j != nullptr && std::any_of(intervals.rules.begin(), intervals.rules.end(),
                                          [&](const IntervalRule& r) {
                                            return r.exam == kind && r.applies_to(*j);
                                          });
          if (!needs) break;
          since = it2->effective_from;
        }
        e.due_date = since;
      }
      e.days_overdue = days_between(e.due_date, q.as_of);
      if (e.days_overdue > 0)
        e.status = DueStatus::overdue;
      else if (-e.days_overdue <= intervals.soon_days)
        e.status = DueStatus::due;
      wd.exams.push_back(std::move(e));
    }
    if (wd.exams.empty() && !q.worker_id) continue;  // the job needs no periodic exam
    if (q.flagged_only && !wd.flagged()) continue;
    report.workers.push_back(std::move(wd));
  }
  std::sort(report.workers.begin(), report.workers.end(),
            [](const WorkerDue& a, const WorkerDue& b) {
              return std::tie(a.establishment, a.work_group, a.registry_no) <
                     std::tie(b.establishment, b.work_group, b.registry_no);
            });
  return report;
}

}  // namespace odyo::station::surveillance
