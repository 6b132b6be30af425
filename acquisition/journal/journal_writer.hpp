#pragma once
// JournalWriter: takes raw chunks from the I/O threads and commits them to a JournalSink on its
// own thread, in batches, at least every `commit_interval` (default 50 ms; the issue asks for
// <= 100 ms). It never drops: if the sink fails (disk full), the chunks stay queued, the error is
// kept for the user, and the next round retries.
//
// Threading: submit()/submit_event() from any thread (they take a short mutex and never touch
// the disk); everything else from the owner's thread. The commit listener runs on the writer
// thread after each durable commit.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "acquisition/journal/journal_sink.hpp"

namespace odyo::acquisition {

struct CommittedMark {
  std::int64_t session_id;
  std::uint64_t last_sequence;  // every chunk of this session with sequence <= this is durable
};

struct JournalWriterStats {
  std::uint64_t chunks_committed = 0;
  std::uint64_t bytes_committed = 0;
  std::uint64_t commits = 0;
  std::uint64_t failed_commits = 0;
  std::size_t pending_chunks = 0;      // submitted, not yet durable
  std::size_t max_pending_chunks = 0;  // high-water mark
  std::chrono::microseconds max_commit_duration{0};
};

class JournalWriter {
 public:
  using CommitListener = std::function<void(const std::vector<CommittedMark>&)>;

  explicit JournalWriter(JournalSink& sink,
                         std::chrono::milliseconds commit_interval = std::chrono::milliseconds(50));
  ~JournalWriter();  // stops: commits what is pending, then joins
  JournalWriter(const JournalWriter&) = delete;
  JournalWriter& operator=(const JournalWriter&) = delete;

  void set_commit_listener(CommitListener listener);  // before start()
  void start();
  void stop();  // commits everything pending, then joins

  // Registers a session in the sink (serialised with the writer thread).
  Result<std::int64_t> begin_session(const SessionMeta& meta);

  void submit(RawChunk chunk);
  void submit_event(JournalEvent event);
  // Blocks until everything submitted before the call is durable (or the timeout passes).
  bool flush(std::chrono::milliseconds timeout = std::chrono::seconds(5));

  [[nodiscard]] JournalWriterStats stats() const;
  [[nodiscard]] std::optional<Error> last_error() const;

 private:
  void run();
  bool commit_round();

  JournalSink& sink_;
  const std::chrono::milliseconds interval_;
  CommitListener listener_;
  std::mutex sink_mu_;  // the sink is used by one thread at a time
  mutable std::mutex mu_;
  std::condition_variable cv_;       // wakes the writer (stop, flush)
  std::condition_variable done_cv_;  // wakes flush() waiters
  std::vector<RawChunk> pending_;
  std::vector<JournalEvent> pending_events_;
  std::uint64_t submitted_total_ = 0;
  std::uint64_t durable_total_ = 0;
  bool stop_ = false;
  bool flush_requested_ = false;
  JournalWriterStats stats_;
  std::optional<Error> last_error_;
  std::thread thread_;
};

}  // namespace odyo::acquisition
