#include "station/records/workers.hpp"
#include "analysis/core/error_text.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <nlohmann/json.hpp>
#include <regex>

#include "station/core/local_time.hpp"
#include "station/core/person_input.hpp"
#include "station/storage/audit.hpp"
#include "station/storage/database.hpp"

#include "analysis/core/text.hpp"

namespace odyo::station {
namespace {

bool read_date(const std::string& s, std::chrono::year_month_day& out) {
  auto d = station::parse_date(s);  // the one date parser (station/core/person_input)
  if (!d) return false;
  out = *d;
  return true;
}

Worker read_worker(const Statement& st) {
  Worker w;
  w.id = st.int64(0);
  w.registry_no = st.text(1);
  w.tc_kimlik = st.text(2);
  w.first_name = st.text(3);
  w.last_name = st.text(4);
  w.birth_date = st.text(5);
  w.sex = st.text(6);
  w.height_cm = st.real(7);
  w.weight_kg = st.real(8);
  w.establishment = st.text(9);
  w.job_code = st.text(10);
  w.work_group = static_cast<int>(st.int64(11));
  w.created_at = st.text(12);
  return w;
}

// The current establishment, job and work group are the latest row of the job history (v10).
constexpr const char* kWorkerColumns =
    "w.id, w.registry_no, w.tc_kimlik, w.first_name, w.last_name, w.birth_date, w.sex, "
    "w.height_cm, w.weight_kg, COALESCE(j.establishment, w.establishment), "
    "COALESCE(j.job_code, w.job_code), COALESCE(j.work_group, w.work_group), w.created_at "
    "FROM workers w LEFT JOIN worker_jobs j ON j.id = (SELECT id FROM worker_jobs WHERE "
    "worker_id = w.id ORDER BY effective_from DESC, id DESC LIMIT 1)";

// Human range for an adult worker; values outside are typing errors (e.g. metres for cm).
constexpr double kMinHeightCm = 100, kMaxHeightCm = 230, kMinWeightKg = 30, kMaxWeightKg = 250;
constexpr int kMinWorkingAge = 15, kMaxWorkingAge = 80;

}  // namespace

bool tc_kimlik_valid(const std::string& tc) {
  if (tc.size() != 11) return false;
  int d[11];
  for (int i = 0; i < 11; ++i) {
    if (tc[static_cast<size_t>(i)] < '0' || tc[static_cast<size_t>(i)] > '9') return false;
    d[i] = tc[static_cast<size_t>(i)] - '0';
  }
  if (d[0] == 0) return false;
  const int odd = d[0] + d[2] + d[4] + d[6] + d[8];
  const int even = d[1] + d[3] + d[5] + d[7];
  if (((odd * 7 - even) % 10 + 10) % 10 != d[9]) return false;
  int sum = 0;
  for (int i = 0; i < 10; ++i) sum += d[i];
  return sum % 10 == d[10];
}

double age_years(const std::string& birth_date, const std::string& on_date) {
  std::chrono::year_month_day b{}, o{};
  if (!read_date(birth_date, b) || !read_date(on_date, o)) return -1;
  const auto days = (std::chrono::sys_days{o} - std::chrono::sys_days{b}).count();
  return static_cast<double>(days) / 365.25;
}

std::string today_iso() {
  return local_today_iso();
}  // the station's zone (core/local_time)

Result<std::int64_t> add_worker(Database& db, const NewWorker& typed,
                                const std::vector<std::string>& establishments,
                                const std::vector<Job>& jobs, const std::string& today,
                                const std::string& actor) {
  // What a person typed, read the Turkish way too: GG.AA.YYYY, E/K, the establishment in any
  // letter case. Stored as YYYY-MM-DD, M/F and the configured spelling.
  NewWorker w = typed;
  if (auto d = parse_date_iso(w.birth_date); d) w.birth_date = *d;
  if (auto s = parse_sex(w.sex); s) w.sex = *s;
  if (auto e = match_turkish(w.establishment, establishments); e) w.establishment = *e;
  static const std::regex reg_re("[A-Za-z0-9-]{1,20}");
  if (!std::regex_match(w.registry_no, reg_re)) {
    return make_errorf("worker_invalid",
                       "registry number \"{}\" is not valid: 1-20 letters, digits or '-'",
                       w.registry_no);
  }
  if (!tc_kimlik_valid(w.tc_kimlik)) {
    return make_errorf("worker_invalid",
                       "T.C. kimlik no \"{}\" is not valid: 11 digits, not starting with 0, and "
                       "its check digits (10th and 11th) must match; check the ID card",
                       w.tc_kimlik);
  }
  if (w.first_name.empty() || w.last_name.empty()) {
    return make_error("worker_invalid", "first and last name are required");
  }
  for (const auto& [value, what] :
       {std::pair{&w.first_name, "first name"}, std::pair{&w.last_name, "last name"},
        std::pair{&w.establishment, "establishment"}}) {
    if (auto t = text::check_free_text(*value, what); !t) {
      Error e = t.error();
      e.code = "worker_invalid";
      return e;
    }
  }
  if (auto bd = station::parse_date(w.birth_date); !bd) {
    return make_errorf("worker_invalid", "birth date {}", bd.error());
  }
  if (w.birth_date > today) {
    return make_errorf("worker_invalid", "birth date {} is in the future (today is {})",
                       w.birth_date, today);
  }
  const double age = age_years(w.birth_date, today);
  if (age < kMinWorkingAge || age > kMaxWorkingAge) {
    return make_errorf("worker_invalid",
                       "birth date {} gives an age of {} years; a worker is {}-{}", w.birth_date,
                       static_cast<int>(age), kMinWorkingAge, kMaxWorkingAge);
  }
  if (w.sex != "M" && w.sex != "F") {
    Error e = parse_sex(w.sex).error();
    e.code = "worker_invalid";
    return e;
  }
  if (!(w.height_cm >= kMinHeightCm && w.height_cm <= kMaxHeightCm)) {
    return make_errorf("worker_invalid",
                       "height {} cm is outside the human range 100-230 cm (give centimetres)",
                       std::to_string(w.height_cm));
  }
  if (!(w.weight_kg >= kMinWeightKg && w.weight_kg <= kMaxWeightKg)) {
    return make_errorf("worker_invalid", "weight {} kg is outside the human range 30-250 kg",
                       std::to_string(w.weight_kg));
  }
  if (std::find(establishments.begin(), establishments.end(), w.establishment) ==
      establishments.end()) {
    std::string allowed;
    for (const auto& e : establishments) allowed += (allowed.empty() ? "" : ", ") + e;
    return make_errorf("worker_invalid", "establishment \"{}\" is unknown; allowed: {}",
                       w.establishment, allowed);
  }
  const auto job =
      std::find_if(jobs.begin(), jobs.end(), [&](const Job& j) { return j.code == w.job_code; });
  if (job == jobs.end()) {
    std::string known;
    for (const auto& j : jobs) known += (known.empty() ? "" : ", ") + j.code;
    return make_errorf("worker_invalid",
                       "job code \"{}\" is not in the job catalogue (work-groups.toml of the rules "
                       "folder); known codes: {}; a new catalogue is written by `odyospiro rules "
                       "import-jobs`",
                       w.job_code, known);
  }

  std::string started_on = today;
  if (!w.started_on.empty()) {
    auto d = parse_date_iso(w.started_on);
    if (!d) return make_errorf("worker_invalid", "start date {}", d.error());
    if (*d > today)
      return make_errorf("worker_invalid", "start date {} is in the future (today is {})", *d,
                         today);
    if (*d <= w.birth_date)
      return make_errorf("worker_invalid", "start date {} is not after the birth date {}", *d,
                         w.birth_date);
    started_on = *d;
  }

  auto tx = Transaction::begin(db);
  if (!tx) return tx.error();
  auto dup = db.prepare(
      "SELECT registry_no, tc_kimlik FROM workers WHERE registry_no = ? OR tc_kimlik = ?");
  if (!dup) return dup.error();
  dup->bind(1, w.registry_no).bind(2, w.tc_kimlik);
  auto d = dup->step();
  if (!d) return d.error();
  if (*d) {
    if (dup->text(0) == w.registry_no)
      return make_errorf("worker_exists", "registry number {} is already registered",
                         w.registry_no);
    return make_errorf("worker_exists", "T.C. kimlik no {} is already registered (registry {})",
                       w.tc_kimlik, dup->text(0));
  }
  auto ins = db.prepare(
      "INSERT INTO "
      "workers(registry_no,tc_kimlik,first_name,last_name,birth_date,sex,height_cm,weight_kg,"
      "establishment,job_code,work_group,created_at,created_by,employed_since) VALUES "
      "(?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
  if (!ins) return ins.error();
  ins->bind(1, w.registry_no)
      .bind(2, w.tc_kimlik)
      .bind(3, w.first_name)
      .bind(4, w.last_name)
      .bind(5, w.birth_date);
  ins->bind(6, w.sex)
      .bind(7, w.height_cm)
      .bind(8, w.weight_kg)
      .bind(9, w.establishment)
      .bind(10, w.job_code);
  ins->bind(11, job->work_group).bind(12, utc_now_iso()).bind(13, actor).bind(14, started_on);
  if (auto r = ins->run(); !r) return r.error();
  const auto id = db.last_insert_id();
  nlohmann::json details{
      {"registry_no", w.registry_no}, {"establishment", w.establishment}, {"job_code", w.job_code}};
  if (auto r = audit_append(db, {actor, "worker.add", "workers", id, details.dump()}); !r)
    return r.error();
  if (auto r = tx->commit(); !r) return r.error();
  return id;
}

Result<std::vector<Worker>> list_workers(Database& db, const std::string& establishment) {
  auto st = db.prepare(std::string("SELECT ") + kWorkerColumns +
                       " WHERE (?1 = '' OR COALESCE(j.establishment, w.establishment) = ?1) "
                       "ORDER BY w.registry_no");
  if (!st) return st.error();
  st->bind(1, establishment);
  std::vector<Worker> out;
  for (;;) {
    auto r = st->step();
    if (!r) return r.error();
    if (!*r) break;
    out.push_back(read_worker(*st));
  }
  return out;
}

Result<Worker> find_worker(Database& db, const std::string& key) {
  const bool by_id = !key.empty() && key[0] == '#';
  auto st = db.prepare(std::string("SELECT ") + kWorkerColumns + " WHERE " +
                       (by_id ? "w.id = ?" : "w.registry_no = ?"));
  if (!st) return st.error();
  if (by_id) {
    st->bind(1, static_cast<std::int64_t>(std::atoll(key.c_str() + 1)));
  } else {
    st->bind(1, key);
  }
  auto r = st->step();
  if (!r) return r.error();
  if (!*r)
    return make_errorf("worker_unknown",
                       "no worker with registry number {} (see `odyospiro worker list`)", key);
  return read_worker(*st);
}

}  // namespace odyo::station
