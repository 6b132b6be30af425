// The statistics on the office's central PostgreSQL (station/surveillance/statistics.hpp): the
// facts of every station's signed exams, as the `statistics` block of each central message
// carries them (columns of odyospiro.exam_result generated from it, central schema v2), then the
// one aggregation. The newest signed version of each exam counts.
#include <fmt/format.h>

#include <pqxx/pqxx>
#include <unordered_map>

#include "analysis/core/error_text.hpp"
#include "station/export/central_pg.hpp"
#include "station/surveillance/statistics.hpp"

namespace odyo::station::surveillance {

namespace {

std::string one_line(std::string s) {
  for (auto& c : s)
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  while (!s.empty() && s.back() == ' ') s.pop_back();
  return s;
}

constexpr const char* kFacts = R"sql(
SELECT r.worker_tc_kimlik, r.exam_id, r.kind, r.stat_day, r.stat_establishment,
  r.stat_work_group, r.stat_obstruction, r.stat_restriction, r.stat_sts, r.stat_ek2_hearing,
  r.stat_ek2_lung
FROM odyospiro.exam_result r
WHERE r.stat_day BETWEEN $1 AND $2
  AND ($3 = '' OR r.stat_establishment = $3)
  AND ($4 = 0 OR r.stat_work_group = $4)
  AND NOT EXISTS (SELECT 1 FROM odyospiro.exam_result n
                  WHERE n.station_id = r.station_id AND n.exam_id = r.exam_id
                    AND n.result_version > r.result_version)
)sql";

std::optional<bool> flag(const pqxx::field& f) {
  if (f.is_null()) return std::nullopt;
  const char* s = f.c_str();
  return s[0] == 't';
}

char column(const pqxx::field& f) {
  if (f.is_null()) return 0;
  const char* s = f.c_str();
  return s[0] >= 'A' && s[0] <= 'D' && s[1] == '\0' ? s[0] : 0;
}

}  // namespace

Result<StatisticsReport> central_statistics(
    const std::string& url, const StatisticsQuery& q,
    const std::function<void(std::int64_t, std::int64_t)>& progress) {
  if (auto c = check_statistics_query(q); !c) return c.error();
  std::vector<ExamFacts> facts;
  std::int64_t read = 0;
  try {
    pqxx::connection conn(url);
    pqxx::read_transaction w(conn);
    int have = 0;
    if (!w.exec("SELECT to_regclass('odyospiro.schema_version') IS NULL")[0][0].as<bool>()) {
      const auto v = w.exec("SELECT coalesce(max(version), 0) FROM odyospiro.schema_version");
      have = v[0][0].as<int>();
    }
    if (have < 2)
      return make_errorf("central_schema",
                         "the central database has schema version {} and the statistics need "
                         "version {} or later: it is brought up to date when a station sends to "
                         "it (odyospiro export send)",
                         have, kCentralSchemaVersion);
    const auto rows =
        w.exec_params(kFacts, fmt::format("{:04d}-01-01", q.from_year - 1),
                      fmt::format("{:04d}-12-31", q.to_year), q.establishment, q.work_group);
    const auto total = static_cast<std::int64_t>(rows.size());
    facts.reserve(rows.size());
    std::unordered_map<std::string, std::int64_t> workers;
    for (const auto& row : rows) {
      ++read;
      if (progress && read % 100000 == 0) progress(read, total);
      ExamFacts f;
      const auto [it, fresh] = workers.try_emplace(row[0].c_str(), workers.size() + 1);
      f.worker = it->second;
      f.order = row[1].as<std::int64_t>();
      f.spirometry = std::string_view(row[2].c_str()) == "spirometry";
      f.day = row[3].c_str();
      f.establishment = row[4].is_null() ? std::string() : row[4].c_str();
      f.work_group = row[5].is_null() ? 0 : row[5].as<int>();
      f.obstruction = flag(row[6]);
      f.restriction = flag(row[7]);
      f.sts = flag(row[8]);
      f.ek2_hearing = column(row[9]);
      f.ek2_lung = column(row[10]);
      facts.push_back(std::move(f));
    }
    if (progress) progress(read, total);
  } catch (const std::exception& e) {
    return make_errorf("central_unreachable", "the central database: {}",
                       verbatim(one_line(e.what())));
  }
  auto report = aggregate_statistics(facts, q);
  report.source = "central";
  report.exams_read = read;
  return report;
}

}  // namespace odyo::station::surveillance
