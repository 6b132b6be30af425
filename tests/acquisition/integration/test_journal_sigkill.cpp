// A station killed with SIGKILL mid-session keeps every sample of every committed batch.
// The station half runs in a forked child (the real serial transport, driver, session, journal
// writer and SQLite journal); after each durable commit it reports "session last_seq" on a pipe.
// The parent runs the simulated spirometer, kills the child mid-blow without warning, then
// checks the journal file against the bytes the simulator sent.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <sstream>

#include "tests/acquisition/integration/sim_fixture.hpp"

using namespace odyo;
using namespace std::chrono_literals;

namespace {

[[noreturn]] void run_station_child(const std::filesystem::path& journal_file,
                                    const std::filesystem::path& link, int report_fd) {
  const auto prof = simtest::serial_profile();
  auto j = acquisition::SqliteJournal::open(journal_file);
  if (!j) _exit(3);
  auto sink = std::move(*j);
  acquisition::JournalWriter writer(*sink);
  writer.set_commit_listener([report_fd](const std::vector<acquisition::CommittedMark>& marks) {
    for (const auto& m : marks) {
      char line[64];
      const int n =
          std::snprintf(line, sizeof line, "%lld %llu\n", static_cast<long long>(m.session_id),
                        static_cast<unsigned long long>(m.last_sequence));
      if (::write(report_fd, line, static_cast<std::size_t>(n)) < 0) _exit(4);
    }
  });
  writer.start();
  boost::asio::io_context io;
  auto guard = boost::asio::make_work_guard(io);
  auto t = std::make_unique<drivers::SerialTransport>(
      io, drivers::SerialSettings{link.string(), 115200, true});
  acquisition::FlowSession session(
      io, std::move(t), drivers::FlowStreamDriver(prof), writer,
      acquisition::SessionMeta{"spiro-1", "flowstream", "serial:" + link.string(), prof.device.id,
                               "W-1"});
  if (!session.start()) _exit(5);
  std::thread consumer([&] {
    for (;;) {  // the analysis side keeps draining until the process dies
      while (session.analysis_queue().pop()) {
      }
      std::this_thread::sleep_for(5ms);
    }
  });
  io.run();  // never returns: the parent kills us
  _exit(6);
}

}  // namespace

TEST(JournalSigkill, EveryCommittedBatchSurvivesKill9) {
  const auto dir = simtest::make_temp_dir("kill");
  const auto journal = dir / "journal.db";
  const auto link = dir / "ttySIM0";
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::close(fds[0]);
    run_station_child(journal, link, fds[1]);
  }
  ::close(fds[1]);
  const auto prof = simtest::serial_profile();
  // 0.5 s quiet, then a blow: the kill lands during the forced expiration.
  devsim::SpiroSimulator sim(prof, simtest::script("quiet:0.5,normal,quiet:2", prof.sample_rate_hz),
                             link);
  ASSERT_TRUE(sim.start());

  // Read commit reports until 2.3 s into the stream (inside the expiration), then SIGKILL.
  FILE* reports = ::fdopen(fds[0], "r");
  ASSERT_NE(reports, nullptr);
  long long sid = 0;
  unsigned long long last_seq = 0;
  int commits = 0;
  const auto t0 = std::chrono::steady_clock::now();
  while (std::chrono::steady_clock::now() - t0 < 2300ms) {
    if (std::fscanf(reports, "%lld %llu", &sid, &last_seq) == 2)
      ++commits;
    else
      break;
  }
  ASSERT_EQ(::kill(child, SIGKILL), 0);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
      << "the station must die by SIGKILL";
  // Reports written just before the kill are still in the pipe.
  while (std::fscanf(reports, "%lld %llu", &sid, &last_seq) == 2) ++commits;
  std::fclose(reports);
  sim.stop();
  ASSERT_GE(commits, 10) << "expected a commit at least every 100 ms over ~2 s";

  // The journal file: every chunk up to the last reported commit, in order, no hole, and its bytes
  // are exactly the start of what the simulator sent.
  auto r = acquisition::read_journal(journal, sid);
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_GE(r->chunks.size(), last_seq + 1) << "a committed batch is missing after the kill";
  std::vector<std::uint8_t> journaled;
  for (std::size_t k = 0; k < r->chunks.size(); ++k) {
    ASSERT_EQ(r->chunks[k].sequence, k) << "hole in the journal";
    journaled.insert(journaled.end(), r->chunks[k].bytes.begin(), r->chunks[k].bytes.end());
  }
  const auto sent = sim.sent_bytes();
  ASSERT_LE(journaled.size(), sent.size());
  ASSERT_TRUE(std::equal(journaled.begin(), journaled.end(), sent.begin()))
      << "the journal holds bytes the simulator did not send";

  // Replaying the journal through the driver gives every sample from the first up to the kill,
  // each with the value the simulator measured.
  drivers::FlowStreamDriver replay(prof);
  drivers::FlowStreamOutput out;
  replay.feed(journaled, out);
  ASSERT_GT(out.samples.size(), 1800u) << "the kill landed after ~2.3 s of a 1 kHz stream";
  for (std::size_t k = 0; k < out.samples.size(); ++k) {
    ASSERT_EQ(out.samples[k].index,
              static_cast<std::int64_t>(k) + 1);  // first sample discarded (profile)
    ASSERT_EQ(out.samples[k].raw, sim.raw_at(out.samples[k].index));
  }
  EXPECT_EQ(replay.counters().gap_samples, 0u);
  EXPECT_EQ(replay.counters().frame_errors, 0u);
  std::filesystem::remove_all(dir);
}
