#include "acquisition/journal/journal_writer.hpp"

#include <map>

namespace odyo::acquisition {

JournalWriter::JournalWriter(JournalSink& sink, std::chrono::milliseconds commit_interval)
    : sink_(sink), interval_(commit_interval) {}

JournalWriter::~JournalWriter() {
  stop();
}

void JournalWriter::set_commit_listener(CommitListener listener) {
  listener_ = std::move(listener);
}

void JournalWriter::start() {
  std::lock_guard lock(mu_);
  if (thread_.joinable()) return;
  stop_ = false;
  thread_ = std::thread([this] { run(); });
}

void JournalWriter::stop() {
  {
    std::lock_guard lock(mu_);
    if (!thread_.joinable()) return;
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

Result<std::int64_t> JournalWriter::begin_session(const SessionMeta& meta) {
  std::lock_guard lock(sink_mu_);
  return sink_.begin_session(meta);
}

void JournalWriter::submit(RawChunk chunk) {
  {
    std::lock_guard lock(mu_);
    pending_.push_back(std::move(chunk));
    ++submitted_total_;
    stats_.pending_chunks = pending_.size();
    if (pending_.size() > stats_.max_pending_chunks) stats_.max_pending_chunks = pending_.size();
  }
}

void JournalWriter::submit_event(JournalEvent event) {
  std::lock_guard lock(mu_);
  pending_events_.push_back(std::move(event));
}

bool JournalWriter::flush(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  const std::uint64_t target = submitted_total_;
  flush_requested_ = true;
  cv_.notify_all();
  return done_cv_.wait_for(lock, timeout, [&] { return durable_total_ >= target; });
}

JournalWriterStats JournalWriter::stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

std::optional<Error> JournalWriter::last_error() const {
  std::lock_guard lock(mu_);
  return last_error_;
}

bool JournalWriter::commit_round() {
  std::vector<RawChunk> chunks;
  std::vector<JournalEvent> events;
  {
    std::lock_guard lock(mu_);
    chunks.swap(pending_);
    events.swap(pending_events_);
  }
  if (chunks.empty() && events.empty()) return true;
  std::unique_lock sink_lock(sink_mu_);
  const auto t0 = std::chrono::steady_clock::now();
  Result<void> r;
  for (const auto& c : chunks) {
    r = sink_.append(c);
    if (!r) break;
  }
  if (r) {
    for (const auto& e : events) {
      r = sink_.append_event(e);
      if (!r) break;
    }
  }
  if (r) r = sink_.commit();
  const auto took =
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t0);
  if (!r) sink_.rollback();
  sink_lock.unlock();
  if (!r) {
    // Nothing is lost: put the batch back in front of what arrived meanwhile and retry later.
    std::lock_guard lock(mu_);
    chunks.insert(chunks.end(), std::make_move_iterator(pending_.begin()),
                  std::make_move_iterator(pending_.end()));
    pending_.swap(chunks);
    events.insert(events.end(), std::make_move_iterator(pending_events_.begin()),
                  std::make_move_iterator(pending_events_.end()));
    pending_events_.swap(events);
    ++stats_.failed_commits;
    last_error_ = r.error();
    return false;
  }
  std::map<std::int64_t, std::uint64_t> last;
  std::uint64_t bytes = 0;
  for (const auto& c : chunks) {
    auto& l = last[c.session_id];
    if (c.sequence > l) l = c.sequence;
    bytes += c.bytes.size();
  }
  {
    std::lock_guard lock(mu_);
    stats_.chunks_committed += chunks.size();
    stats_.bytes_committed += bytes;
    ++stats_.commits;
    stats_.pending_chunks = pending_.size();
    if (took > stats_.max_commit_duration) stats_.max_commit_duration = took;
    durable_total_ += chunks.size();
    last_error_.reset();
  }
  done_cv_.notify_all();
  if (listener_ && !chunks.empty()) {
    std::vector<CommittedMark> marks;
    for (auto [s, q] : last) marks.push_back({s, q});
    listener_(marks);
  }
  return true;
}

void JournalWriter::run() {
  auto next = std::chrono::steady_clock::now() + interval_;
  for (;;) {
    bool stopping = false;
    {
      std::unique_lock lock(mu_);
      cv_.wait_until(lock, next, [&] { return stop_ || flush_requested_; });
      stopping = stop_;
      flush_requested_ = false;
    }
    next = std::chrono::steady_clock::now() + interval_;
    const bool ok = commit_round();
    if (stopping) {
      // Last chance: retry a few times so a clean stop leaves nothing uncommitted.
      for (int i = 0; !ok && i < 3 && !commit_round(); ++i) std::this_thread::sleep_for(interval_);
      return;
    }
  }
}

}  // namespace odyo::acquisition
