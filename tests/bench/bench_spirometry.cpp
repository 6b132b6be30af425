// Spirometry benchmarks (figures in docs/performance.md, section "Spirometry").
//  - BM_Session8x20s: one session of 8 blows × 20 s at 1 kHz (160 000 samples) through indices,
//    ATS/ERS 2019 quality, grades, GLI Global 2022 prediction and evaluation. Target ≤ 0.5 ms.
//  - BM_Gli1M: GLI-2012 predicted/LLN/ULN of all five parameters for 1 000 000 subjects.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <random>
#include <vector>

#include "analysis/spirometry/spirometry.hpp"
#include "station/reference/reference_tables.hpp"
#include "tests/analysis/spirometry/synthetic_blow.hpp"

namespace sp = odyo::spirometry;

namespace {
const sp::ReferenceTables& tables() {
  static const sp::ReferenceTables t = [] {
    auto r =
        odyo::station::load_reference_tables(std::string(ODYO_SOURCE_DIR) + "/config/reference");
    if (!r) {
      std::fprintf(stderr, "%s\n", r.error().message.c_str());
      std::abort();
    }
    return *r;
  }();
  return t;
}
}  // namespace

static void BM_Session8x20s(benchmark::State& state) {
  std::vector<std::vector<double>> bufs;
  for (int i = 0; i < 8; ++i) {
    synth::Blow b;
    b.body = 1.0 - 0.01 * i;
    b.mid_s = 14.96;  // 0.5 + 0.04 + 0.5 + 1.5 + 14.96 + 1 + 1.5 = 20 s
    b.post_rest_s = 1.5;
    bufs.push_back(b.samples());
  }
  std::vector<Eigen::Map<const Eigen::VectorXd>> views;
  for (const auto& v : bufs) views.emplace_back(v.data(), static_cast<Eigen::Index>(v.size()));
  const sp::Subject subject{sp::Sex::kMale, 41.3, 174.0, 1};
  std::size_t samples = 0;
  for (const auto& v : bufs) samples += v.size();
  for (auto _ : state) {
    auto s = sp::analyse_session(views, {.sample_rate_hz = 1000.0, .btps_factor = 1.0},
                                 {.age_years = 41.3}, false);
    auto p = sp::predict(tables(), sp::Equation::kGliGlobal2022, subject);
    auto e = sp::evaluate(*s, *p);
    benchmark::DoNotOptimize(e);
  }
  state.counters["samples"] = static_cast<double>(samples);
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(samples));
}
BENCHMARK(BM_Session8x20s)
    ->Unit(benchmark::kMicrosecond)
    ->Repetitions(5)
    ->ReportAggregatesOnly(true);

static void BM_Gli1M(benchmark::State& state) {
  std::mt19937_64 rng(20261123);  // printed seed: fixed
  std::uniform_real_distribution<double> age(5.0, 89.0), height(120.0, 200.0);
  std::vector<sp::Subject> subjects(1000000);
  for (std::size_t i = 0; i < subjects.size(); ++i)
    subjects[i] = {i % 2 ? sp::Sex::kMale : sp::Sex::kFemale, age(rng), height(rng),
                   static_cast<int>(1 + i % 5)};
  const auto& t = tables();
  for (auto _ : state) {
    double sum = 0;
    for (const auto& s : subjects) {
      auto p = sp::predict(t, sp::Equation::kGli2012, s);
      sum += p->params[0].lln;
    }
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(subjects.size()));
  state.counters["subjects_per_s"] = benchmark::Counter(
      static_cast<double>(subjects.size()), benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_Gli1M)->Unit(benchmark::kMillisecond)->Iterations(1)->Repetitions(3);

BENCHMARK_MAIN();
