// bench_web [--db FILE] [--exams 1000000] [--awaiting 200] [--requests 200]: the web pages'
// server time on a large station database.
//
// The database (made once, then reused when --db names an existing file): tools/big_station,
// plain: one worker per 50 exams, spirometry exams over ten years at five establishments, each
// with one result version, every one signed except the newest `--awaiting`, which wait for review.
// Then, in this process, the server's request handler (station/web WebApp, the same object
// `odyospiro serve` runs; the HTTP transport is not timed) answers a logged-in physician: the
// worklist unfiltered and filtered, and the exam page of random exams. Printed: p50, p95 and the
// largest time per request kind.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <functional>
#include <iostream>
#include <nlohmann/json.hpp>
#include <random>

#include "station/config/config.hpp"
#include "station/storage/database.hpp"
#include "station/storage/migrations.hpp"
#include "station/web/web_app.hpp"
#include "tools/big_station/big_station.hpp"

using namespace odyo::station;
using Clock = std::chrono::steady_clock;

namespace {

int fail(const std::string& what) {
  std::cerr << "bench_web: " << what << "\n";
  return 1;
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
    odyo::tools::BigStationOptions o;
    o.exams = exams;
    o.awaiting = awaiting;
    auto made = odyo::tools::make_big_station(db, o);
    if (!made) return fail(made.error().message);
    std::cout << "made " << file << ": " << exams << " exams, " << awaiting << " awaiting review, "
              << made->seconds << " s\n";
  }
  auto cfg = load_config(std::string(ODYO_SOURCE_DIR) + "/config/station.toml");
  if (!cfg) return fail(cfg.error().message);
  web::WebApp webapp(db, *cfg, false, "en");
  auto login =
      webapp.log_in(odyo::tools::kBigPhysician, std::string(odyo::tools::kBigPassword), "en");
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
