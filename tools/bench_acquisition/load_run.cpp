#include "tools/bench_acquisition/load_run.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <cstdio>
#include <thread>

#include "acquisition/journal/journal_writer.hpp"
#include "acquisition/journal/sqlite_journal.hpp"
#include "acquisition/session/flow_session.hpp"
#include "drivers/transport/serial_transport.hpp"
#include "tools/devsim/spiro_sim.hpp"

namespace odyo::bench {

namespace {
double process_cpu_s() {
  rusage u{};
  ::getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) * 1e-6;
}
}  // namespace

LoadResult run_load(const LoadOptions& o) {
  LoadResult res;
  std::filesystem::path dir = o.dir;
  bool temp = false;
  if (dir.empty()) {
    std::string tmpl = (std::filesystem::temp_directory_path() / "odyo-load-XXXXXX").string();
    if (!::mkdtemp(tmpl.data())) {
      res.error = "cannot create a temporary folder";
      return res;
    }
    dir = tmpl;
    temp = true;
  }
  std::filesystem::create_directories(dir);
  const auto profile_file = o.profile_file.empty() ? std::filesystem::path(ODYO_SOURCE_DIR) /
                                                         "config/devices/sfm3000-serial.toml"
                                                   : o.profile_file;
  std::string why;
  auto prof = devsim::load_flow_stream_profile(profile_file, &why);
  if (!prof) {
    res.error = why;
    return res;
  }
  prof->sample_rate_hz = o.rate_hz;
  auto script = devsim::FlowScript::parse("sine:10", o.rate_hz, true, &why);
  if (!script) {
    res.error = why;
    return res;
  }
  std::filesystem::remove(dir / "journal.db");
  auto j = acquisition::SqliteJournal::open(dir / "journal.db");
  if (!j) {
    res.error = j.error().message;
    return res;
  }
  auto sink = std::move(*j);
  acquisition::JournalWriter writer(*sink);
  writer.start();

  boost::asio::io_context io;
  auto guard = boost::asio::make_work_guard(io);
  std::thread io_thread([&] { io.run(); });

  const auto n = static_cast<std::size_t>(o.devices);
  std::vector<std::unique_ptr<devsim::SpiroSimulator>> sims;
  std::vector<std::unique_ptr<acquisition::FlowSession>> sessions;
  for (std::size_t k = 0; k < n; ++k) {
    const auto link = dir / ("ttySIM" + std::to_string(k));
    sims.push_back(std::make_unique<devsim::SpiroSimulator>(*prof, *script, link));
    auto t = std::make_unique<drivers::SerialTransport>(
        io, drivers::SerialSettings{link.string(), 115200, true});
    sessions.push_back(std::make_unique<acquisition::FlowSession>(
        io, std::move(t), drivers::FlowStreamDriver(*prof), writer,
        acquisition::SessionMeta{"spiro-" + std::to_string(k), "flowstream",
                                 "serial:" + link.string(), prof->device.id, "bench"}));
  }
  for (auto& s : sims)
    if (!s->start(&why)) {
      res.error = why;
      return res;
    }
  for (auto& s : sessions) (void)s->start();

  // Consumer: drains every analysis queue, checks order, measures latency of the newest sample
  // of each block (older samples of a frame also waited for the frame to fill).
  std::atomic<bool> consume{true};
  std::vector<std::int64_t> last(n, 0);
  std::vector<double> latencies_ms;
  latencies_ms.reserve(
      static_cast<std::size_t>(o.seconds * o.rate_hz * static_cast<double>(n) / 4));
  std::uint64_t received = 0, reordered = 0;
  auto drain_once = [&] {
    bool any = false;
    for (std::size_t k = 0; k < n; ++k) {
      while (auto b = sessions[k]->analysis_queue().pop()) {
        any = true;
        const auto now = std::chrono::steady_clock::now();
        for (const auto& s : b->samples) {
          if (s.index <= last[k]) ++reordered;
          last[k] = s.index;
          ++received;
        }
        latencies_ms.push_back(
            std::chrono::duration<double, std::milli>(now - b->samples.back().when).count());
      }
    }
    return any;
  };
  std::thread consumer([&] {
    while (consume) {
      if (!drain_once()) std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  });

  const double cpu0 = process_cpu_s();
  const auto t0 = std::chrono::steady_clock::now();
  std::this_thread::sleep_for(std::chrono::duration<double>(o.seconds));
  for (auto& s : sims) s->silence();
  // Wait until the station has read every byte written (bounded).
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  for (std::size_t k = 0; k < n; ++k)
    while (sessions[k]->counters().bytes < sims[k]->sent_bytes().size() &&
           std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  consume = false;
  consumer.join();
  const double wall_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  for (auto& s : sims) s->stop();
  const double cpu1 = process_cpu_s();
  double sim_cpu = 0;
  for (auto& s : sims) sim_cpu += s->cpu_seconds();
  for (auto& s : sessions) s->stop();
  drain_once();
  writer.flush();
  const auto ws = writer.stats();

  for (std::size_t k = 0; k < n; ++k) {
    const auto c = sessions[k]->counters();
    const std::uint64_t gen =
        static_cast<std::uint64_t>(sims[k]->frames_generated()) * prof->layout.samples_per_frame;
    res.samples_expected += gen - std::min<std::uint64_t>(gen, prof->discard_first_samples);
    res.gap_samples += c.driver.gap_samples;
    res.frame_errors += c.driver.frame_errors;
    res.reordered += c.reordered;
    res.live_dropped += c.live_dropped;
    res.bytes_sent += sims[k]->sent_bytes().size();
  }
  res.samples_received = received;
  res.reordered += reordered;
  res.lost_samples = res.samples_expected > received ? res.samples_expected - received : 0;
  res.journal_chunks = ws.chunks_committed;
  res.journal_bytes = ws.bytes_committed;
  res.max_commit_ms = static_cast<double>(ws.max_commit_duration.count()) / 1000.0;
  std::sort(latencies_ms.begin(), latencies_ms.end());
  if (!latencies_ms.empty()) {
    res.p50_latency_ms = latencies_ms[latencies_ms.size() / 2];
    res.p99_latency_ms =
        latencies_ms[std::min(latencies_ms.size() - 1, latencies_ms.size() * 99 / 100)];
    res.max_latency_ms = latencies_ms.back();
  }
  res.cpu_percent = 100.0 * std::max(0.0, (cpu1 - cpu0) - sim_cpu) / wall_s;
  guard.reset();
  io.stop();
  io_thread.join();
  sessions.clear();
  writer.stop();
  sink.reset();
  if (temp) std::filesystem::remove_all(dir);
  res.ok = true;
  return res;
}

std::string summary_line(const LoadResult& r) {
  char buf[256];
  std::snprintf(buf, sizeof buf,
                "lost_samples=%llu reordered=%llu p99_latency_ms=%.2f cpu_percent=%.1f",
                static_cast<unsigned long long>(r.lost_samples),
                static_cast<unsigned long long>(r.reordered), r.p99_latency_ms, r.cpu_percent);
  return buf;
}

}  // namespace odyo::bench
