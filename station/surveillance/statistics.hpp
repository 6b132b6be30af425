#pragma once
// Statistics per establishment, work group and year (issue 17, item 5): how many workers and
// exams, the prevalence of each Ek-2 column for hearing and for lung, of obstruction, of
// restriction and of the standard threshold shift (STS), and the change from the year before.
// One definition, two sources: the station's SQLite database and the office's central PostgreSQL
// (every station's signed results). Each source gives the same facts per signed exam
// (`ExamFacts`); `aggregate_statistics` alone decides what counts:
//
// - An exam counts when it has a signed result version; its newest signed version gives its
//   numbers (a correction counts once a physician signed it).
// - Year: the calendar year of the exam's day. Establishment and work group: the worker's job in
//   force on the exam's day (job history; before the first row, the registered job).
// - Workers: the workers with at least one counted exam in the cell; exams: the counted exams.
// - Each measure counts each worker once a year: the worker's latest counted exam of the year
//   (by day, then exam) that gives the measure, in the cell of that exam's job:
//     obstruction / restriction: the latest spirometry exam with a stored ATS/ERS 2022 pattern
//       (obstruction = "obstruction" or "mixed"; restriction = "possible_restriction" or "mixed");
//     STS: the latest audiometry exam with a threshold shift computed against a baseline (STS in
//       either ear, without age correction; a baseline exam has none and does not count);
//     Ek-2 hearing / lung: the latest exam whose physician's decision (the latest confirm or
//       override stored with the exam; automatic evaluations nobody signed do not count) has a
//       hearing / lung column: the worst column of the Ek-2 rows that read the audiogram
//       (inputs hearing.*) / the spirometry (inputs spirometry.*).
//   The denominator of a prevalence is the number of workers that measure counted.
// - Change: per establishment and work group, each prevalence minus the same cell's prevalence
//   the calendar year before, in percentage points (none when that year has no one measured).
//   Totals per year (all establishments and work groups of the query) are computed the same way.
// Use cases returning data; the command line and the web pages render them.

#include <array>
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "analysis/core/result.hpp"

namespace odyo::station {
class Database;
namespace i18n {
class Catalog;
}
}  // namespace odyo::station

namespace odyo::station::surveillance {

// What one signed exam contributes, whichever database it comes from.
struct ExamFacts {
  std::int64_t worker = 0;  // a key per worker (the station: workers.id; central: per T.C. no)
  std::int64_t order = 0;   // breaks ties between exams of one day (the station: exam id)
  std::string day;          // YYYY-MM-DD
  bool spirometry = false;  // else audiometry
  std::string establishment;
  int work_group = 0;
  std::optional<bool> obstruction, restriction, sts;
  char ek2_hearing = 0, ek2_lung = 0;  // 'A'…'D', 0 when none
};

struct StatisticsQuery {
  int from_year = 0, to_year = 0;  // inclusive
  std::string establishment;       // empty: every one
  int work_group = 0;              // 0: every one
};

// A count of workers with a finding among the workers measured, its share, and the change
// (percentage points) from the year before.
struct Prevalence {
  std::int64_t cases = 0, measured = 0;
  std::optional<double> pct;        // 100·cases/measured; none when nobody was measured
  std::optional<double> change_pp;  // pct − last year's pct; none without both
};

inline constexpr const char kColumns[] = {'A', 'B', 'C', 'D'};

struct StatisticsCell {
  int year = 0;
  std::string establishment;  // empty in a total
  int work_group = 0;         // 0 in a total
  std::int64_t workers = 0, exams = 0;
  Prevalence obstruction, restriction, sts;
  std::array<Prevalence, 4> ek2_hearing, ek2_lung;  // columns A…D
};

struct StatisticsReport {
  StatisticsQuery query;
  std::string source;                  // "station" | "central"
  std::int64_t exams_read = 0;         // signed exams the source gave for the years read
  std::vector<StatisticsCell> cells;   // by year, establishment, work group
  std::vector<StatisticsCell> totals;  // one per year of the query
};

// The one definition (see the header comment). `facts` may hold other years: only the query's
// years are reported, the year before the first is read for its change.
StatisticsReport aggregate_statistics(const std::vector<ExamFacts>& facts,
                                      const StatisticsQuery& q);

// Checks the query: years in 1900…2200, from ≤ to, work group 0…5. Errors "stats_invalid".
Result<void> check_statistics_query(const StatisticsQuery& q);

// The query as a person types it (command line options, the web page's form): `year` alone, or
// `from` and/or `to` (YYYY; default: `to` this year, `from` four years before `to`); the
// establishment in any letter case among `establishments`; work group empty or 1-5. Errors
// "stats_invalid" naming the option.
struct StatisticsArgs {
  std::string year, from, to, establishment, work_group;
};
Result<StatisticsQuery> parse_statistics_query(const StatisticsArgs& a,
                                               const std::vector<std::string>& establishments,
                                               int this_year);

// The station's own signed exams (migration v18's stat_exams and stat_decisions, the job
// history). `progress(done, total)` is called every 100 000 exams read, when given.
Result<StatisticsReport> station_statistics(
    Database& db, const StatisticsQuery& q,
    const std::function<void(std::int64_t, std::int64_t)>& progress = {});

// The office's central PostgreSQL at `url` (a libpq connection string or URI): every station's
// signed exams as their central messages carry them (`statistics` of each message: the facts
// above, fixed when the exam was signed). Errors "central_unreachable", "central_schema".
Result<StatisticsReport> central_statistics(
    const std::string& url, const StatisticsQuery& q,
    const std::function<void(std::int64_t, std::int64_t)>& progress = {});

// The facts of one signed exam as its central message carries them (`statistics`): day,
// establishment and work group on that day, pattern, STS, Ek-2 hearing/lung columns of the
// latest physician's decision stored with the exam. Read from the station database in the
// signing transaction (station/export/outbox).
Result<nlohmann::ordered_json> central_statistics_block(Database& db, std::int64_t exam_id);

// One shape for --json and the web API.
nlohmann::json statistics_json(const StatisticsReport& r);

// The report as CSV: one row per cell and one per year's total, headers in `catalog`'s language.
std::string statistics_csv(const StatisticsReport& r, const i18n::Catalog& catalog);

}  // namespace odyo::station::surveillance
