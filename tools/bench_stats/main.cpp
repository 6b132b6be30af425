// bench_stats [--db FILE] [--exams 1000000] [--url CONNINFO] [--runs 3]: the statistics of
// `odyospiro report stats` (station/surveillance/statistics) on a large database.
//
// The station database (made once, then reused when --db names an existing file):
// tools/big_station, mixed — every other exam an audiometry exam, patterns, threshold shifts and
// physician-confirmed Ek-2 columns varied, three work groups, one worker in ten moved, all signed;
// the statistics tables of migration v18 filled by its triggers as the rows are copied.
// With --url, the office's PostgreSQL gets one central row per signed exam (when it holds none of
// station BENCH-STATS yet): the exam's `statistics` block made by the function the outbox uses at
// signing (central_statistics_block), in a message without items (the statistics read only the
// columns generated from that block; a real message's items are stored out of line, TOAST).
// Then each report is timed `--runs` times over all ten years (wall and CPU time of this process)
// and the two reports compared: they must give the same numbers.
#include <sys/resource.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>
#include <unordered_map>

#include "station/export/central_pg.hpp"
#include "station/storage/database.hpp"
#include "station/storage/migrations.hpp"
#include "station/surveillance/statistics.hpp"
#include "tools/big_station/big_station.hpp"

using namespace odyo::station;
namespace sv = odyo::station::surveillance;
using Clock = std::chrono::steady_clock;

namespace {

int fail(const std::string& what) {
  std::cerr << "bench_stats: " << what << "\n";
  return 1;
}

double cpu_seconds() {
  rusage u{};
  ::getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

std::string load_average() {
  std::ifstream f("/proc/loadavg");
  std::string a, b, c;
  f >> a >> b >> c;
  return a + " " + b + " " + c;
}

constexpr const char* kStation = "BENCH-STATS";

// One central row per signed exam of the station, in batches of one statement each.
odyo::Result<std::int64_t> fill_central(Database& db, const std::string& url) {
  ExportDestination d{"office-pg", "postgresql", url};
  auto sender = make_central_pg_sender(d);
  if (auto r = sender->open(); !r) return r.error();  // creates or updates the central schema
  pqxx::connection conn(url);
  {
    pqxx::read_transaction r(conn);
    const auto n = r.exec_params("SELECT count(*) FROM odyospiro.exam_result WHERE station_id = $1",
                                 std::string(kStation))[0][0]
                       .as<std::int64_t>();
    if (n > 0) return n;
  }
  std::unordered_map<std::int64_t, std::string> tc;
  {
    auto st = db.prepare("SELECT id, tc_kimlik FROM workers");
    if (!st) return st.error();
    for (;;) {
      auto r = st->step();
      if (!r) return r.error();
      if (!*r) break;
      tc[st->int64(0)] = st->text(1);
    }
  }
  auto st = db.prepare(
      "SELECT s.exam_id, s.version, s.kind, s.worker_id, e.started_at FROM stat_exams s JOIN "
      "exams e ON e.id = s.exam_id ORDER BY s.exam_id");
  if (!st) return st.error();
  const char* insert = R"sql(
INSERT INTO odyospiro.exam_result (station_id, exam_id, result_version, message_id, kind,
  corrected, report_code, worker_tc_kimlik, worker_registry_no, worker_first_name,
  worker_last_name, exam_started_at, signed_at, signed_by, signature, result_sha256,
  payload_sha256, payload)
SELECT j->>'station_id', (j->>'exam_id')::bigint, (j->>'result_version')::integer,
  j->>'message_id', j->>'kind', false, 'bench', j->'worker'->>'tc_kimlik', 'bench', 'Ad',
  'Soyad', (j->>'exam_started_at')::timestamptz, (j->>'exam_started_at')::timestamptz, 'hekim',
  'bench', 'bench', 'bench', j
FROM jsonb_array_elements($1::jsonb) AS t(j)
)sql";
  std::int64_t rows = 0;
  std::string batch = "[";
  const auto flush = [&]() {
    if (batch.size() <= 1) return;
    batch += "]";
    pqxx::work w(conn);
    w.exec_params(insert, batch);
    w.commit();
    batch = "[";
  };
  for (;;) {
    auto r = st->step();
    if (!r) return r.error();
    if (!*r) break;
    const auto exam = st->int64(0);
    auto block = sv::central_statistics_block(db, exam);
    if (!block) return block.error();
    nlohmann::ordered_json m{{"format", "odyospiro-central-v1"},
                             {"station_id", kStation},
                             {"message_id", std::string(kStation) + "-E" + std::to_string(exam) +
                                                "-V" + std::to_string(st->int64(1))},
                             {"exam_id", exam},
                             {"result_version", st->int64(1)},
                             {"kind", st->text(2)},
                             {"exam_started_at", st->text(4)},
                             {"worker", {{"tc_kimlik", tc[st->int64(3)]}}},
                             {"items", nlohmann::ordered_json::array()},
                             {"statistics", *block}};
    if (batch.size() > 1) batch += ',';
    batch += m.dump();
    if (++rows % 10000 == 0) {
      flush();
      if (rows % 100000 == 0) std::cerr << "central: " << rows << " rows\n";
    }
  }
  flush();
  pqxx::work w(conn);
  w.exec("ANALYZE odyospiro.exam_result");
  w.commit();
  return rows;
}

template <typename Fn>
odyo::Result<sv::StatisticsReport> timed(const std::string& what, int runs, Fn fn) {
  odyo::Result<sv::StatisticsReport> last = odyo::make_error("bench", "no run");
  for (int i = 0; i < runs; ++i) {
    const auto t0 = Clock::now();
    const double c0 = cpu_seconds();
    last = fn();
    const double wall = std::chrono::duration<double>(Clock::now() - t0).count();
    const double cpu = cpu_seconds() - c0;
    if (!last) return last;
    std::cout << what << " run " << (i + 1) << ": " << wall << " s wall, " << cpu
              << " s CPU (this process), " << last->exams_read << " exams, " << last->cells.size()
              << " cells; load average " << load_average() << "\n";
  }
  return last;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"report stats on a large station database and on the central PostgreSQL"};
  std::string file = "/tmp/odyo-bench-stats.db", url;
  int exams = 1000000, runs = 3;
  app.add_option("--db", file, "Station database (made when missing)");
  app.add_option("--exams", exams, "Exams in a new database")->check(CLI::Range(3, 5000000));
  app.add_option("--url", url, "The central PostgreSQL (libpq connection string) to fill and read");
  app.add_option("--runs", runs, "Timed runs of each report")->check(CLI::Range(1, 100));
  CLI11_PARSE(app, argc, argv);

  const bool fresh = !std::filesystem::exists(file);
  auto opened = Database::open(file);
  if (!opened) return fail(opened.error().message);
  Database& db = **opened;
  if (auto m = migrate(db); !m) return fail(m.error().message);
  if (fresh) {
    odyo::tools::BigStationOptions o;
    o.exams = exams;
    o.mixed = true;
    auto made = odyo::tools::make_big_station(db, o);
    if (!made) return fail(made.error().message);
    std::cout << "made " << file << ": " << exams << " exams, " << made->seconds << " s\n";
  }
  sv::StatisticsQuery q;
  q.from_year = 2016;
  q.to_year = 2025;
  auto station = timed("station (SQLite)", runs, [&] { return sv::station_statistics(db, q); });
  if (!station) return fail(station.error().message);
  if (url.empty()) return 0;
  try {
    const auto t0 = Clock::now();
    auto rows = fill_central(db, url);
    if (!rows) return fail(rows.error().message);
    std::cout << "central rows of " << kStation << ": " << *rows << " ("
              << std::chrono::duration<double>(Clock::now() - t0).count()
              << " s to fill or count)\n";
  } catch (const std::exception& e) {
    return fail(e.what());
  }
  auto central =
      timed("central (PostgreSQL)", runs, [&] { return sv::central_statistics(url, q); });
  if (!central) return fail(central.error().message);
  auto a = sv::statistics_json(*station), b = sv::statistics_json(*central);
  a.erase("source");
  b.erase("source");
  std::cout << "same numbers on both: " << (a == b ? "yes" : "NO") << "\n";
  return a == b ? 0 : 1;
}
