// bench_web [--db FILE] [--exams 1000000] [--awaiting 200] [--requests 200]: the web pages'
// server time on a large station database.
//
// The database (made once, then reused when --db names an existing file): one worker per 50
// exams, spirometry exams over ten years at five establishments, each with one result version.
// The first exam is stored and signed through the station's own functions; the others are copies
// of its rows made in SQL (storing a million exams one by one, with a key derivation per
// signature, is not what is measured), every one signed except the newest `--awaiting`, which
// wait for review. Then, in this process, the server's request handler (station/web WebApp, the
// same object `odyospiro serve` runs; the HTTP transport is not timed) answers a logged-in
// physician: the worklist unfiltered and filtered, and the exam page of random exams. Printed:
// p50, p95 and the largest time per request kind.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <functional>
#include <iostream>
#include <nlohmann/json.hpp>
#include <random>

#include "station/auth/signing.hpp"
#include "station/config/config.hpp"
#include "station/records/exams.hpp"
#include "station/records/workers.hpp"
#include "station/storage/database.hpp"
#include "station/storage/migrations.hpp"
#include "station/storage/users.hpp"
#include "station/web/web_app.hpp"
#include "tests/station/export/export_samples.hpp"

using namespace odyo::station;
using Clock = std::chrono::steady_clock;

namespace {

int fail(const std::string& what) {
  std::cerr << "bench_web: " << what << "\n";
  return 1;
}

const char* kPassword = "hekim-parola-2026";

// The copies: workers 2…, exams 2…N spread over ten years and five establishments, results, and
// the signatures of all but the newest `awaiting`.
odyo::Result<void> fill(Database& db, int exams, int awaiting) {
  const int workers = std::max(1, exams / 50);
  const std::string n = std::to_string(exams), w = std::to_string(workers),
                    a = std::to_string(exams - awaiting);
  const std::vector<std::string> steps = {
      "WITH RECURSIVE k(i) AS (SELECT 2 UNION ALL SELECT i + 1 FROM k WHERE i < " + w +
          ") INSERT INTO workers (id, registry_no, tc_kimlik, first_name, last_name, birth_date, "
          "sex, height_cm, weight_kg, establishment, job_code, work_group, created_at, "
          "created_by) SELECT i, 'B' || i, printf('%011d', 20000000000 + i), 'Ad' || i, 'Soyad' "
          "|| i, '1980-01-01', 'M', 175, 80, CASE i % 5 WHEN 0 THEN 'Kozlu' WHEN 1 THEN "
          "'Üzülmez' WHEN 2 THEN 'Karadon' WHEN 3 THEN 'Armutçuk' ELSE 'Amasra' END, job_code, "
          "work_group, created_at, created_by FROM k, workers WHERE workers.id = 1",
      "WITH RECURSIVE k(i) AS (SELECT 2 UNION ALL SELECT i + 1 FROM k WHERE i < " + n +
          ") INSERT INTO exams (id, worker_id, kind, started_at, technician, device_id, "
          "ambient_temp_c, ambient_pressure_kpa, ambient_humidity_pct, notes) SELECT i, 1 + (i % " +
          w + "), kind, strftime('%Y-%m-%dT%H:%M:%S.000Z', '2016-01-01', '+' || (i * 315360 / " +
          n +
          ") || '000 seconds'), technician, device_id, ambient_temp_c, ambient_pressure_kpa, "
          "ambient_humidity_pct, notes FROM k, exams WHERE exams.id = 1",
      "INSERT INTO results (exam_id, version, supersedes_id, kind, payload, content_sha256, "
      "software, created_at, created_by, reason) SELECT e.id, 1, NULL, r.kind, r.payload, "
      "r.content_sha256, r.software, e.started_at, r.created_by, r.reason FROM exams e, results r "
      "WHERE r.id = 1 AND e.id > 1",
      "INSERT INTO signatures (result_id, signer, signed_at, content_sha256, key_id, signature) "
      "SELECT r.id, s.signer, r.created_at, s.content_sha256, s.key_id, s.signature FROM results "
      "r, signatures s WHERE s.id = 1 AND r.id > 1 AND r.exam_id <= " +
          a,
  };
  auto tx = Transaction::begin(db);
  if (!tx) return tx.error();
  for (const auto& sql : steps) {
    if (auto r = db.exec(sql); !r) return r.error();
  }
  return tx->commit();
}

struct Timing {
  std::string what;
  std::vector<double> ms;
};

void print(const Timing& t) {
  auto v = t.ms;
  std::sort(v.begin(), v.end());
  const auto at = [&](double q) {
    return v[std::min(v.size() - 1, static_cast<std::size_t>(q * static_cast<double>(v.size())))];
  };
  std::cout << t.what << ": n=" << v.size() << " p50=" << at(0.50) << " ms p95=" << at(0.95)
            << " ms max=" << v.back() << " ms\n";
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Web pages' server time on a large station database"};
  std::string file = "/tmp/odyo-bench-web.db";
  int exams = 1000000;
  int awaiting = 200;
  int requests = 200;
  app.add_option("--db", file, "Station database (made when missing)");
  app.add_option("--exams", exams, "Exams in a new database")->check(CLI::Range(2, 5000000));
  app.add_option("--awaiting", awaiting, "Of them, unsigned (the worklist)")
      ->check(CLI::Range(1, 100000));
  app.add_option("--requests", requests, "Requests per kind")->check(CLI::Range(1, 100000));
  CLI11_PARSE(app, argc, argv);

  const bool fresh = !std::filesystem::exists(file);
  auto opened = Database::open(file);
  if (!opened) return fail(opened.error().message);
  Database& db = **opened;
  if (auto m = migrate(db); !m) return fail(m.error().message);
  if (fresh) {
    const auto t0 = Clock::now();
    if (!add_user(db, {"hekim", "Dr. Hekim", "physician", kPassword}, 10, 10000, "admin"))
      return fail("add_user");
    std::vector<Job> jobs(1);
    jobs[0].code = "K-101";
    jobs[0].work_group = 1;
    auto w = add_worker(
        db,
        {"B1", "10000000146", "Ali", "Yılmaz", "1980-01-01", "M", 175, 80, "Kozlu", "K-101", ""},
        {"Kozlu"}, jobs, "2016-01-01", "tekniker");
    if (!w) return fail(w.error().message);
    auto first = add_exam(db,
                          {*w, "spirometry", "2016-01-01T09:00:00.000Z", "tekniker", "spiro-1",
                           21.0, 101.3, 40.0, ""},
                          "tekniker");
    if (!first || !add_result(db, *first, odyo::test::spiro_payload().dump(), "tekniker", ""))
      return fail("first exam");
    auto me = find_user(db, "hekim");
    if (!me) return fail(me.error().message);
    if (auto s = sign_exam_result(db, *me, kPassword, *first, 10000); !s)
      return fail(s.error().message);
    if (auto f = fill(db, exams, awaiting); !f) return fail(f.error().message);
    if (auto r = db.exec("ANALYZE"); !r) return fail(r.error().message);
    std::cout << "made " << file << ": " << exams << " exams, " << awaiting << " awaiting review, "
              << std::chrono::duration<double>(Clock::now() - t0).count() << " s\n";
  }
  auto cfg = load_config(std::string(ODYO_SOURCE_DIR) + "/config/station.toml");
  if (!cfg) return fail(cfg.error().message);
  web::WebApp webapp(db, *cfg, false, "en");
  auto login = webapp.log_in("hekim", std::string(kPassword), "en");
  if (login.status != 200 || login.set_cookies.empty()) return fail(login.body.dump());
  web::Request req;
  req.method = "GET";
  req.cookie = login.set_cookies[0].substr(0, login.set_cookies[0].find(';'));

  auto count = db.prepare("SELECT max(id) FROM exams");
  if (!count || !*count->step()) return fail("no exams");
  const auto last_exam = count->int64(0);
  std::mt19937_64 rng(7);
  std::uniform_int_distribution<std::int64_t> pick(1, last_exam);
  const auto time = [&](Timing& t, const std::function<std::string()>& target) {
    for (int i = 0; i < requests; ++i) {
      req.target = target();
      const auto t0 = Clock::now();
      const auto r = webapp.handle(req);
      t.ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
      if (r.status != 200) {
        std::cerr << req.target << ": " << r.status << " " << r.body.dump() << "\n";
        std::exit(1);
      }
    }
    print(t);
  };
  Timing worklist{"GET /api/worklist", {}},
      filtered{"GET /api/worklist?establishment=Kozlu&kind=spirometry", {}},
      page{"GET /api/exams/{random}/record", {}};
  const auto rows = webapp.handle({"GET", "/api/worklist", req.cookie, "", "", ""});
  std::cout << "worklist rows: " << rows.body["exams"].size() << " of " << last_exam << " exams\n";
  time(worklist, [] { return std::string("/api/worklist"); });
  time(filtered, [] { return std::string("/api/worklist?establishment=kozlu&kind=spirometry"); });
  time(page, [&] { return "/api/exams/" + std::to_string(pick(rng)) + "/record"; });
  return 0;
}
