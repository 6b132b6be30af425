#include "station/records/job_history.hpp"
#include "analysis/core/error_text.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "analysis/core/text.hpp"
#include "station/core/i18n.hpp"
#include "station/core/person_input.hpp"
#include "station/storage/audit.hpp"
#include "station/storage/database.hpp"

namespace odyo::station {
namespace {

// The registered job (the workers row, id 0) and every change (worker_jobs), oldest first.
constexpr const char* kHistory =
    "SELECT 0, id, establishment, job_code, work_group, COALESCE(employed_since, "
    "substr(created_at,1,10)), 'registered', '', created_at, created_by FROM workers "
    "WHERE (?1 IS NULL OR id = ?1) "
    "UNION ALL SELECT id, worker_id, establishment, job_code, work_group, effective_from, "
    "reason, decision, created_at, created_by FROM worker_jobs WHERE (?1 IS NULL OR worker_id = "
    "?1) "
    "ORDER BY 2, 6, 1";

JobPeriod read_period(const Statement& st) {
  JobPeriod p;
  p.id = st.int64(0);
  p.worker_id = st.int64(1);
  p.establishment = st.text(2);
  p.job_code = st.text(3);
  p.work_group = static_cast<int>(st.int64(4));
  p.effective_from = st.text(5);
  p.reason = st.text(6);
  p.decision = st.text(7);
  p.created_at = st.text(8);
  p.created_by = st.text(9);
  return p;
}

Result<std::vector<JobPeriod>> read_all(Statement& st) {
  std::vector<JobPeriod> out;
  for (;;) {
    auto r = st.step();
    if (!r) return r.error();
    if (!*r) break;
    out.push_back(read_period(st));
  }
  return out;
}

Error invalid(Error e) {
  e.code = "job_invalid";
  return e;
}

}  // namespace

Result<std::vector<JobPeriod>> job_history(Database& db, std::int64_t worker_id) {
  auto st = db.prepare(kHistory);
  if (!st) return st.error();
  st->bind(1, worker_id);
  return read_all(*st);
}

Result<std::vector<JobPeriod>> all_job_history(Database& db) {
  auto st = db.prepare(kHistory);
  if (!st) return st.error();
  st->bind_null(1);
  return read_all(*st);
}

std::optional<JobPeriod> job_on(const std::vector<JobPeriod>& history, const std::string& date) {
  std::optional<JobPeriod> found;
  for (const auto& p : history) {
    if (p.effective_from <= date) found = p;
  }
  return found;
}

Result<std::int64_t> add_job_change(Database& db, std::int64_t worker_id, const JobChange& typed,
                                    const std::vector<std::string>& establishments,
                                    const std::vector<Job>& jobs, const std::string& today,
                                    const std::string& actor) {
  JobChange c = typed;
  if (auto e = match_turkish(c.establishment, establishments); e) c.establishment = *e;
  if (std::find(establishments.begin(), establishments.end(), c.establishment) ==
      establishments.end()) {
    std::string allowed;
    for (const auto& e : establishments) allowed += (allowed.empty() ? "" : ", ") + e;
    return make_errorf("job_invalid", "establishment \"{}\" is unknown; allowed: {}",
                       c.establishment, allowed);
  }
  const auto job =
      std::find_if(jobs.begin(), jobs.end(), [&](const Job& j) { return j.code == c.job_code; });
  if (job == jobs.end()) {
    std::string known;
    for (const auto& j : jobs) known += (known.empty() ? "" : ", ") + j.code;
    return make_errorf("job_invalid",
                       "job code \"{}\" is not in the job catalogue (work-groups.toml of the rules "
                       "folder); known codes: {}; a new catalogue is written by `odyospiro rules "
                       "import-jobs`",
                       c.job_code, known);
  }
  auto from = parse_date_iso(c.effective_from);
  if (!from) return make_errorf("job_invalid", "start date {}", from.error());
  if (*from > today)
    return make_errorf("job_invalid", "start date {} is in the future (today is {})", *from, today);
  if (auto t = text::check_free_text(c.reason, N_("--reason"), {text::kMaxReasonChars, true}); !t)
    return invalid(t.error());
  if (auto t = text::check_free_text(c.decision, N_("--decision"), {text::kMaxReasonChars, false});
      !t)
    return invalid(t.error());

  auto tx = Transaction::begin(db);
  if (!tx) return tx.error();
  auto history = job_history(db, worker_id);
  if (!history) return history.error();
  if (!history->empty()) {
    const JobPeriod& last = history->back();
    if (*from < last.effective_from)
      return make_errorf("job_invalid",
                         "start date {} is before the worker's current job row (from {}); the "
                         "job history is appended in date order",
                         *from, last.effective_from);
    if (last.job_code == c.job_code && last.establishment == c.establishment)
      return make_errorf("job_invalid", "the worker already does {} at {}", c.job_code,
                         c.establishment);
  }
  auto ins = db.prepare(
      "INSERT INTO worker_jobs(worker_id,establishment,job_code,work_group,effective_from,reason,"
      "decision,created_at,created_by) VALUES (?,?,?,?,?,?,?,?,?)");
  if (!ins) return ins.error();
  ins->bind(1, worker_id).bind(2, c.establishment).bind(3, c.job_code).bind(4, job->work_group);
  ins->bind(5, *from).bind(6, c.reason).bind(7, c.decision).bind(8, utc_now_iso()).bind(9, actor);
  if (auto r = ins->run(); !r) return r.error();
  const auto id = db.last_insert_id();
  nlohmann::json details{{"worker_id", worker_id},
                         {"establishment", c.establishment},
                         {"job_code", c.job_code},
                         {"from", *from}};
  if (auto r = audit_append(db, {actor, "worker.job", "worker_jobs", id, details.dump()}); !r)
    return r.error();
  if (auto r = tx->commit(); !r) return r.error();
  return id;
}

}  // namespace odyo::station
