// `odyospiro reevaluate` at clinic scale: 100 000 stored evaluations (10 000 workers × 10 exams,
// every tenth confirmed by a physician) re-run under a revised rule version in which EK-2/15 C
// becomes B. Generation is not timed; the timed part is reevaluate_all, as the command runs it.
// The database is left at $ODYO_BENCH_DB (default /tmp/odyo-bench-reevaluate.db) so that the
// command itself can be timed on it too (docs/performance.md, "Evaluation").
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "analysis/evaluation/engine.hpp"
#include "station/evaluation/decisions.hpp"
#include "station/evaluation/json_io.hpp"
#include "station/rules/loader.hpp"
#include "station/storage/database.hpp"
#include "station/storage/migrations.hpp"

namespace fs = std::filesystem;
namespace ev = odyo::evaluation;
namespace se = odyo::station::evaluation;
using odyo::station::Database;

namespace {

constexpr int kWorkers = 10'000;
constexpr int kExamsPerWorker = 10;

fs::path db_path() {
  const char* p = std::getenv("ODYO_BENCH_DB");
  return p != nullptr ? fs::path(p) : fs::temp_directory_path() / "odyo-bench-reevaluate.db";
}

std::string slurp(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

// The shipped tables with EK-2/15 C moved to B, as version bench-2, in a temporary folder.
ev::RuleSet revised(const ev::RuleSet&) {
  const fs::path src = fs::path(ODYO_SOURCE_DIR) / "config" / "rules";
  const fs::path d = fs::temp_directory_path() / "odyo-bench-rules-v2";
  fs::remove_all(d);
  fs::create_directories(d);
  for (const char* f : odyo::station::rules::kRuleFiles) fs::copy_file(src / f, d / f);
  std::string rs = slurp(d / "ruleset.toml");
  rs.replace(rs.find("ttk-2014-odyo-2"), 15, "bench-2");
  std::ofstream(d / "ruleset.toml", std::ios::binary) << rs;
  std::string ek2 = slurp(d / "ek2.toml");
  const std::string from = "citation = \"EK-2/15 C\"\ncolumn = \"C\"";
  ek2.replace(ek2.find(from), from.size(), "citation = \"EK-2/15 C\"\ncolumn = \"B\"");
  std::ofstream(d / "ek2.toml", std::ios::binary) << ek2;
  return std::move(odyo::station::rules::load_ruleset(d).value());
}

// Averages of three thresholds in 5 dB steps, as an audiometer gives them.
double pta(std::mt19937& rng) {
  std::uniform_int_distribution<int> step(0, 14);  // 0..70 dB
  return (step(rng) * 5 + step(rng) * 5 + std::uniform_int_distribution<int>(0, 8)(rng) * 5) / 3.0;
}

void generate(Database& db, const ev::RuleSet& rules) {
  std::mt19937 rng(20141908);  // fixed seed: the same 100 000 exams every run
  (void)db.exec("BEGIN");
  auto w = db.prepare(
      "INSERT INTO workers(registry_no, tc_kimlik, first_name, last_name, birth_date, sex, "
      "height_cm, weight_kg, "
      "establishment, job_code, work_group, created_at, created_by) VALUES (?, ?, 'Ad', 'Soyad', "
      "'1980-01-01', 'M', "
      "175, 75, 'Kozlu', 'YU-KOMP-01', 3, '2026-01-01', 'bench')");
  auto e = db.prepare(
      "INSERT INTO evaluations(worker_id, version, supersedes_id, kind, rules_version, rules_hash, "
      "purpose, "
      "health_group, ek2_column, result_json, reason, created_at, created_by) VALUES "
      "(?,?,?,?,?,?,?,?,?,?,'',"
      "'2026-01-01T00:00:00.000Z','bench')");
  for (int i = 0; i < kWorkers; ++i) {
    char reg[16], tc[16];
    std::snprintf(reg, sizeof reg, "B%07d", i);
    std::snprintf(tc, sizeof tc, "1%010d", i);
    w->reset();
    w->bind(1, std::string(reg)).bind(2, std::string(tc));
    (void)w->run();
    const auto worker_id = db.last_insert_id();
    for (int k = 0; k < kExamsPerWorker; ++k) {
      ev::EvaluationInput in;
      in.values = {
          {"hearing.right_pta_db", pta(rng)},
          {"hearing.left_pta_db", pta(rng)},
          {"hearing.speech_frequencies", std::string("500-1000-2000")},
          {"spirometry.fvc_pctpred", std::uniform_real_distribution<double>(55, 120)(rng)},
          {"spirometry.fev1_pctpred", std::uniform_real_distribution<double>(55, 120)(rng)},
          {"spirometry.fev1_fvc", std::uniform_real_distribution<double>(0.55, 0.9)(rng)},
          {"spirometry.grade_fvc", std::string("A")},
          {"spirometry.grade_fev1", std::string("B")},
          {"findings.otitis", std::string("none")},
          {"findings.vertigo", std::string("none")},
          {"findings.tinnitus", std::string("none")},
          {"findings.presbycusis", false},
          {"findings.acoustic_trauma", false}};
      const auto res = ev::evaluate(rules, in);
      const std::string j = nlohmann::json{{"input", se::input_to_json(in)},
                                           {"result", se::result_to_json(res, rules)}}
                                .dump();
      const auto hg = res.health_group
                          ? std::optional<std::string>(ev::column_name(*res.health_group))
                          : std::nullopt;
      e->reset();
      e->bind(1, worker_id)
          .bind(2, 1)
          .bind_null(3)
          .bind(4, "auto")
          .bind(5, rules.version)
          .bind(6, rules.hash);
      e->bind(7, "periodic").bind(8, hg).bind(9, hg).bind(10, j);
      (void)e->run();
      if (k == 0) {  // every tenth: a physician confirmed it
        const auto first = db.last_insert_id();
        e->reset();
        e->bind(1, worker_id)
            .bind(2, 2)
            .bind(3, first)
            .bind(4, "confirm")
            .bind(5, rules.version)
            .bind(6, rules.hash);
        e->bind(7, "periodic").bind(8, hg).bind(9, hg).bind(10, j);
        (void)e->run();
      }
    }
  }
  (void)db.exec("COMMIT");
}

void BM_Reevaluate100k(benchmark::State& state) {
  const auto rules =
      odyo::station::rules::load_ruleset(fs::path(ODYO_SOURCE_DIR) / "config" / "rules").value();
  const auto v2 = revised(rules);
  const auto path = db_path();
  for (const char* suffix : {"", "-wal", "-shm", ".key", ".head"})
    fs::remove(path.string() + suffix);
  {
    // Generated as rows of a schema-4 database, then opened as the station opens it: migration 5
    // keys the audit chain and binds every row, so the database verifies like a real one
    // (`odyospiro --db … db verify`, docs/performance.md "Audit chain").
    odyo::station::OpenOptions raw;
    raw.migrate = false;
    auto old = std::move(Database::open(path, raw).value());
    (void)odyo::station::migrate(*old, 4);
    generate(*old, rules);
  }
  const auto t0 = std::chrono::steady_clock::now();
  auto db = std::move(Database::open(path).value());
  std::fprintf(stderr, "migration 5 (key the chain, bind every row): %.1f s\n",
               std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  const bool dry = state.range(0) != 0;
  se::ReevaluationReport report;
  for (auto _ : state) {
    auto r = se::reevaluate_all(*db, v2, dry, "bench");
    if (!r) {
      state.SkipWithError(r.error().message.c_str());
      break;
    }
    report = std::move(*r);
  }
  state.counters["chains"] = static_cast<double>(report.chains);
  state.counters["changed"] = static_cast<double>(report.changed);
  state.counters["unreadable"] = static_cast<double>(report.unreadable);
  state.counters["chains_per_s"] =
      benchmark::Counter(static_cast<double>(report.chains), benchmark::Counter::kIsRate);
}
// Issue 13: the same 100 000 evaluations decided under the rules before the directive corrections
// (config/rules/versions/ttk-2014-odyo-1), every tenth confirmed, then re-run under the shipped
// tables. The counters say how many decisions the corrections change (stored as proposals; the
// confirmed ones stay in force). docs/directive-corrections.md records a run.
void BM_DirectiveCorrections100k(benchmark::State& state) {
  const auto old_rules =
      odyo::station::rules::load_ruleset(fs::path(ODYO_SOURCE_DIR) / "config" / "rules" /
                                         "versions" / "ttk-2014-odyo-1")
          .value();
  const auto now =
      odyo::station::rules::load_ruleset(fs::path(ODYO_SOURCE_DIR) / "config" / "rules").value();
  const auto path = fs::path(db_path().string() + "-directive");
  for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(path.string() + suffix);
  auto db = std::move(Database::open(path).value());
  generate(*db, old_rules);
  se::ReevaluationReport report;
  for (auto _ : state) {
    auto r = se::reevaluate_all(*db, now, /*dry_run=*/false, "bench");
    if (!r) {
      state.SkipWithError(r.error().message.c_str());
      break;
    }
    report = std::move(*r);
  }
  std::size_t on_confirmed = 0, to_undecided = 0;
  for (const auto& c : report.changes) {
    on_confirmed += c.kind_in_force == "confirm" ? 1 : 0;
    to_undecided += c.group_after ? 0 : 1;
  }
  state.counters["chains"] = static_cast<double>(report.chains);
  state.counters["changed"] = static_cast<double>(report.changed);
  state.counters["changed_confirmed_kept"] = static_cast<double>(on_confirmed);
  state.counters["changed_to_not_final"] = static_cast<double>(to_undecided);
  state.counters["unreadable"] = static_cast<double>(report.unreadable);
}
BENCHMARK(BM_DirectiveCorrections100k)->Iterations(1)->Unit(benchmark::kSecond)->UseRealTime();

BENCHMARK(BM_Reevaluate100k)
    ->Arg(1)
    ->Arg(0)
    ->ArgNames({"dry_run"})
    ->Iterations(1)
    ->Unit(benchmark::kSecond)
    ->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
