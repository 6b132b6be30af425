// bench_acquisition --devices 8 --rate 1000 --seconds S [--dir PATH]
// N simulated raw-flow heads through the station's real acquisition pipeline (see load_run.hpp).
// The last line is: lost_samples=N reordered=N p99_latency_ms=X cpu_percent=Y
#include <CLI/CLI.hpp>

#include <cstdio>
#include <string>

#include "tools/bench_acquisition/load_run.hpp"

int main(int argc, char** argv) {
  odyo::bench::LoadOptions o;
  CLI::App app{"bench_acquisition: simulated raw-flow heads through the acquisition pipeline"};
  app.add_option("--devices", o.devices, "Number of simulated devices")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  app.add_option("--rate", o.rate_hz, "Samples per second of each device")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--seconds", o.seconds, "How long to run")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--dir", o.dir, "Folder for the journal (default: a temporary one)");
  app.add_option("--profile", o.profile_file, "Device profile (TOML)");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  const auto r = odyo::bench::run_load(o);
  if (!r.ok) {
    std::fprintf(stderr, "bench_acquisition: %s\n", r.error.c_str());
    return 1;
  }
  std::printf("devices=%d rate_hz=%.0f seconds=%.1f\n", o.devices, o.rate_hz, o.seconds);
  std::printf(
      "samples_expected=%llu samples_received=%llu gap_samples=%llu frame_errors=%llu "
      "live_dropped=%llu\n",
      static_cast<unsigned long long>(r.samples_expected),
      static_cast<unsigned long long>(r.samples_received),
      static_cast<unsigned long long>(r.gap_samples),
      static_cast<unsigned long long>(r.frame_errors),
      static_cast<unsigned long long>(r.live_dropped));
  std::printf("journal_chunks=%llu journal_bytes=%llu bytes_sent=%llu max_commit_ms=%.2f\n",
              static_cast<unsigned long long>(r.journal_chunks),
              static_cast<unsigned long long>(r.journal_bytes),
              static_cast<unsigned long long>(r.bytes_sent), r.max_commit_ms);
  std::printf("p50_latency_ms=%.2f max_latency_ms=%.2f\n", r.p50_latency_ms, r.max_latency_ms);
  std::printf("%s\n", odyo::bench::summary_line(r).c_str());
  return r.lost_samples == 0 && r.reordered == 0 ? 0 : 1;
}
