// bench_acquisition --devices 8 --rate 1000 --seconds S [--dir PATH]
// N simulated raw-flow heads through the station's real acquisition pipeline (see load_run.hpp).
// The last line is: lost_samples=N reordered=N p99_latency_ms=X cpu_percent=Y
#include <cstdio>
#include <string>

#include "tools/bench_acquisition/load_run.hpp"

int main(int argc, char** argv) {
  odyo::bench::LoadOptions o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (i + 1 >= argc) {
      std::fprintf(stderr, "bench_acquisition: %s needs a value\n", a.c_str());
      return 2;
    }
    const std::string v = argv[++i];
    try {
      if (a == "--devices")
        o.devices = std::stoi(v);
      else if (a == "--rate")
        o.rate_hz = std::stod(v);
      else if (a == "--seconds")
        o.seconds = std::stod(v);
      else if (a == "--dir")
        o.dir = v;
      else if (a == "--profile")
        o.profile_file = v;
      else {
        std::fprintf(stderr,
                     "usage: bench_acquisition --devices N --rate HZ --seconds S [--dir PATH] "
                     "[--profile FILE]\n");
        return 2;
      }
    } catch (const std::exception&) {
      std::fprintf(stderr, "bench_acquisition: %s %s: not a number\n", a.c_str(), v.c_str());
      return 2;
    }
  }
  if (o.devices < 1 || o.rate_hz <= 0 || o.seconds <= 0) {
    std::fprintf(stderr, "bench_acquisition: devices, rate and seconds must be positive\n");
    return 2;
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
