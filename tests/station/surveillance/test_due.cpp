// Due and overdue exams on a generated multi-year cohort with planted answers: workers whose
// chest film, spirometry or audiometry is overdue or due soon, workers never examined since they
// moved into a job that needs the exam, an interrupted exam that must not count, workers who left
// the exposed job; every planted case is found and no clean worker is flagged.
#include <gtest/gtest.h>

#include <map>
#include <random>
#include <set>

#include "station/core/person_input.hpp"
#include "station/records/chest_films.hpp"
#include "station/records/exams.hpp"
#include "station/records/job_history.hpp"
#include "station/records/workers.hpp"
#include "station/storage/database.hpp"
#include "station/surveillance/due.hpp"
#include "station/surveillance/intervals.hpp"
#include "tests/station/support/station_fixture.hpp"
#include "tests/station/support/tc_kimlik.hpp"

using namespace odyo::station;
using namespace odyo::station::surveillance;

namespace {

const std::vector<std::string> kSites{"Amasra", "Armutçuk", "Kozlu", "Karadon", "Üzülmez"};

Job job(const char* code, int group, bool dusty, bool noisy) {
  Job j;
  j.code = code;
  j.work_group = group;
  j.dusty = dusty;
  j.noisy = noisy;
  return j;
}
// UG-* underground and dusty; WASH dusty and noisy; COMP noisy; OFFICE nothing.
const std::vector<Job> kJobs{job("UG-FACE", 1, true, false), job("UG-LOCO", 2, true, false),
                             job("WASH", 2, true, true), job("COMP", 3, false, true),
                             job("OFFICE", 5, false, false)};

constexpr const char* kIntervals = R"(
[table]
name = "surveillance"
version = "test-1"
effective = 2014-08-19
source = "test"
[due]
soon_days = 30
[[intervals]]
id = "film-dusty"
exam = "chest_film"
every_months = 24
exposure = "dusty"
title_en = "Dusty"
title_tr = "Tozlu"
citation = "Madde 8"
provisional = false
[[intervals]]
id = "spiro-ug"
exam = "spirometry"
every_months = 12
jobs = ["UG-FACE", "UG-LOCO"]
title_en = "Underground"
title_tr = "Yeraltı"
citation = "test"
provisional = true
[[intervals]]
id = "audio-ug"
exam = "audiometry"
every_months = 12
jobs = ["UG-FACE", "UG-LOCO"]
title_en = "Underground"
title_tr = "Yeraltı"
citation = "test"
provisional = true
[[intervals]]
id = "spiro-noisy"
exam = "spirometry"
every_months = 12
exposure = "noisy"
title_en = "Noisy"
title_tr = "Gürültülü"
citation = "test"
provisional = true
[[intervals]]
id = "audio-noisy"
exam = "audiometry"
every_months = 12
exposure = "noisy"
title_en = "Noisy"
title_tr = "Gürültülü"
citation = "test"
provisional = true
)";

// The exams each job needs, written out by hand (not derived from the rules above).
const std::map<std::string, std::set<std::string>> kNeeds{
    {"UG-FACE", {"chest_film", "spirometry", "audiometry"}},
    {"UG-LOCO", {"chest_film", "spirometry", "audiometry"}},
    {"WASH", {"chest_film", "spirometry", "audiometry"}},
    {"COMP", {"spirometry", "audiometry"}},
    {"OFFICE", {}}};

constexpr const char* kAsOf = "2026-12-01";
constexpr const char* kToday = "2026-12-31";

std::string minus_days(const std::string& iso, int days) {
  auto d = parse_date(iso);
  return to_iso(std::chrono::year_month_day{std::chrono::sys_days{*d} - std::chrono::days{days}});
}

struct Planted {
  std::map<std::pair<std::string, std::string>, DueStatus> status;  // (registry, exam) → status
};

struct Cohort : ::testing::Test {
  odyo::test::TempDir dir;
  std::unique_ptr<Database> db = std::move(Database::open(dir / "cohort.db").value());
  IntervalTable intervals = parse_intervals(kIntervals, "test.toml", kJobs).value();
  Planted planted;
  std::mt19937 rng{17};

  int pick(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); }

  void exam(std::int64_t wid, const std::string& kind, const std::string& date,
            const std::string& payload = "{}") {
    NewExam e;
    e.worker_id = wid;
    e.kind = kind;
    e.started_at = date + "T08:00:00Z";
    e.technician = "tekniker";
    e.device_id = "dev";
    auto id = add_exam(*db, e, "tekniker");
    ASSERT_TRUE(id.ok()) << id.error().message;
    ASSERT_TRUE(add_result(*db, *id, payload, "tekniker", "").ok());
  }
  void film(std::int64_t wid, const std::string& date) {
    NewChestFilm f;
    f.worker_id = wid;
    f.taken_on = date;
    f.reader_a = "Dr. A";
    f.ilo_a = "0/0";
    f.reader_b = "Dr. B";
    f.ilo_b = "0/1";
    auto id = add_chest_film(*db, f, kToday, "hekim");
    ASSERT_TRUE(id.ok()) << id.error().message;
  }
  // Exams of `kind` every `step_days` back from `last` to `since`.
  void series(std::int64_t wid, const std::string& kind, const std::string& last,
              const std::string& since, int step_days) {
    for (std::string d = last; d >= since; d = minus_days(d, step_days)) {
      if (kind == "chest_film")
        film(wid, d);
      else
        exam(wid, kind, d);
    }
  }

  // Days before kAsOf of the last exam for a wanted status (margins keep clear of the edges).
  int days_back(DueStatus s, const std::string& kind) {
    const bool film_kind = kind == "chest_film";
    switch (s) {
      case DueStatus::ok:
        return film_kind ? pick(30, 650) : pick(30, 300);
      case DueStatus::due:
        return film_kind ? pick(710, 720) : pick(345, 355);
      case DueStatus::overdue:
        return film_kind ? pick(760, 1500) : pick(400, 900);
    }
    return 0;
  }

  std::int64_t add(int n, const std::string& job_code, const std::string& since) {
    NewWorker w{std::to_string(5000 + n),
                odyo::test::tc_from_stem(100000000LL + n * 7919LL),
                "Ad" + std::to_string(n),
                "Soyad",
                "1980-01-01",
                "M",
                175,
                80,
                kSites[static_cast<size_t>(n) % kSites.size()],
                job_code,
                since};
    auto id = add_worker(*db, w, kSites, kJobs, kToday, "tekniker");
    EXPECT_TRUE(id.ok()) << id.error().message;
    return id.ok() ? *id : 0;
  }

  void generate(int n_workers) {
    const std::vector<std::string> codes{"UG-FACE", "UG-LOCO", "WASH", "COMP", "OFFICE"};
    for (int n = 0; n < n_workers; ++n) {
      const std::string reg = std::to_string(5000 + n);
      const std::string code = codes[static_cast<size_t>(n) % codes.size()];
      const std::string since = minus_days(kAsOf, pick(5 * 365, 8 * 365));
      const auto wid = add(n, code, since);
      const int kind_of_case = n % 7;  // 0..3 clean; 4 overdue; 5 due soon; 6 mixed
      for (const auto& kind : kNeeds.at(code)) {
        DueStatus want = DueStatus::ok;
        if (kind_of_case == 4) want = DueStatus::overdue;
        if (kind_of_case == 5) want = DueStatus::due;
        if (kind_of_case == 6) want = kind == "audiometry" ? DueStatus::overdue : DueStatus::ok;
        const bool film_kind = kind == "chest_film";
        const std::string last = minus_days(kAsOf, days_back(want, kind));
        series(wid, kind, last, since, film_kind ? 730 : 365);
        // Exams after the day asked about never count.
        if (n % 3 == 0) {
          if (film_kind)
            film(wid, "2026-12-20");
          else
            exam(wid, kind, "2026-12-20");
        }
        planted.status[{reg, kind}] = want;
      }
      // An interrupted session (not accepted) is not an exam: the overdue audiometry stays.
      if (kind_of_case == 6 && kNeeds.at(code).count("audiometry")) {
        exam(wid, "audiometry", minus_days(kAsOf, 20),
             R"({"interrupted":{"reason":"device_lost","detail":"unplugged"}})");
      }
    }
  }
};

std::map<std::pair<std::string, std::string>, DueStatus> found(const DueReport& r) {
  std::map<std::pair<std::string, std::string>, DueStatus> out;
  for (const auto& w : r.workers)
    for (const auto& e : w.exams) out[{w.registry_no, e.exam}] = e.status;
  return out;
}

}  // namespace

TEST(DueDates, AddMonthsKeepsTheMonthEnd) {
  EXPECT_EQ(add_months("2024-02-29", 24), "2026-02-28");
  EXPECT_EQ(add_months("2025-01-31", 1), "2025-02-28");
  EXPECT_EQ(add_months("2025-06-15", 12), "2026-06-15");
  EXPECT_EQ(days_between("2026-01-01", "2026-03-01"), 59);
}

TEST_F(Cohort, EveryPlantedCaseFoundAndNoCleanWorkerFlagged) {
  generate(56);
  DueQuery q;
  q.as_of = kAsOf;
  auto all = compute_due(*db, intervals, kJobs, q);
  ASSERT_TRUE(all.ok()) << all.error().message;
  const auto got = found(*all);
  EXPECT_EQ(got.size(), planted.status.size());
  int overdue = 0, due = 0;
  for (const auto& [key, want] : planted.status) {
    auto it = got.find(key);
    ASSERT_NE(it, got.end()) << key.first << " " << key.second << " missing";
    EXPECT_EQ(status_name(it->second), std::string(status_name(want)))
        << key.first << " " << key.second;
    overdue += want == DueStatus::overdue;
    due += want == DueStatus::due;
  }
  EXPECT_GT(overdue, 10);
  EXPECT_GT(due, 5);

  // The flagged list holds exactly the workers with a planted due or overdue exam.
  q.flagged_only = true;
  auto flagged = compute_due(*db, intervals, kJobs, q);
  ASSERT_TRUE(flagged.ok());
  std::set<std::string> want_flagged, got_flagged;
  for (const auto& [key, want] : planted.status)
    if (want != DueStatus::ok) want_flagged.insert(key.first);
  for (const auto& w : flagged->workers) got_flagged.insert(w.registry_no);
  EXPECT_EQ(got_flagged, want_flagged);

  // Office workers need nothing and are never listed.
  for (const auto& w : all->workers) EXPECT_NE(w.job_code, "OFFICE");

  // Per establishment: only that establishment's workers, sorted by work group.
  q.flagged_only = false;
  q.establishment = "Kozlu";
  auto kozlu = compute_due(*db, intervals, kJobs, q);
  ASSERT_TRUE(kozlu.ok());
  ASSERT_FALSE(kozlu->workers.empty());
  for (std::size_t i = 0; i < kozlu->workers.size(); ++i) {
    EXPECT_EQ(kozlu->workers[i].establishment, "Kozlu");
    if (i > 0) {
      EXPECT_LE(kozlu->workers[i - 1].work_group, kozlu->workers[i].work_group);
    }
  }
}

TEST_F(Cohort, JobChangesDecideWhichExamsAreDue) {
  // Moved from the office into a dusty underground job on 1 Sep 2026 with no film, spirometry or
  // audiometry since: all three overdue from the day of the move.
  const auto mover = add(1, "OFFICE", "2015-03-01");
  ASSERT_TRUE(add_job_change(*db, mover, {"Kozlu", "UG-FACE", "01.09.2026", "transfer", "ev #3"},
                             kSites, kJobs, kToday, "hekim")
                  .ok());
  // Left the dusty job for the office on 1 Oct 2026 with an old film: nothing due any more.
  const auto leaver = add(2, "WASH", "2015-03-01");
  film(leaver, "2020-01-10");
  exam(leaver, "spirometry", "2020-01-10");
  exam(leaver, "audiometry", "2020-01-10");
  ASSERT_TRUE(add_job_change(*db, leaver, {"Amasra", "OFFICE", "2026-10-01", "health group D", ""},
                             kSites, kJobs, kToday, "hekim")
                  .ok());

  DueQuery q;
  q.as_of = kAsOf;
  auto r = compute_due(*db, intervals, kJobs, q);
  ASSERT_TRUE(r.ok());
  const auto got = found(*r);
  for (const char* kind : {"chest_film", "spirometry", "audiometry"})
    EXPECT_EQ(got.at({"5001", kind}), DueStatus::overdue) << kind;
  for (const auto& w : r->workers) {
    if (w.registry_no != "5001") continue;
    for (const auto& e : w.exams) {
      EXPECT_EQ(e.due_date, "2026-09-01");
      EXPECT_FALSE(e.last_date);
    }
  }
  EXPECT_EQ(got.count({"5002", "chest_film"}), 0U);

  // On a day before the moves, the old jobs decide: the washer's film (2020) is overdue.
  q.as_of = "2026-08-15";
  auto before = compute_due(*db, intervals, kJobs, q);
  ASSERT_TRUE(before.ok());
  const auto got_before = found(*before);
  EXPECT_EQ(got_before.at({"5002", "chest_film"}), DueStatus::overdue);
  EXPECT_EQ(got_before.count({"5001", "chest_film"}), 0U);
}
