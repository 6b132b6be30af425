#pragma once
// The raw journal: every byte a device sends is persisted BEFORE it is parsed. A JournalSink is
// the durable store (SqliteJournal is the shipped one); JournalWriter (journal_writer.hpp) feeds
// it from the I/O threads in batches committed off the I/O thread.
//
// Thread-safety: a JournalSink is used by one thread at a time (the JournalWriter's thread).

#include <chrono>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "analysis/core/result.hpp"

namespace odyo::acquisition {

struct SessionMeta {
  std::string device_id;  // station device id, e.g. "spiro-1"
  std::string driver;     // registry name, e.g. "flowstream"
  std::string uri;        // serial:/dev/ttyUSB0 ...
  std::string profile;    // device profile id (flow-stream), may be empty
  std::string worker_id;  // who is being tested
};

// One chunk of bytes exactly as one read delivered them.
struct RawChunk {
  std::int64_t session_id = 0;
  std::uint64_t sequence = 0;          // per session, 0, 1, 2, ... in arrival order
  std::int64_t arrival_steady_ns = 0;  // steady clock at arrival (for the sample clock)
  std::int64_t arrival_utc_ns = 0;     // wall clock at arrival (for people)
  std::vector<std::uint8_t> bytes;
};

// Nanoseconds since the epoch on the wall clock, now (journal times for people).
inline std::int64_t utc_now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// A chunk as one read delivered it: `arrival` on the I/O clock (steady), the wall clock now.
template <typename SteadyTimePoint>
RawChunk raw_chunk(std::int64_t session_id, std::uint64_t sequence,
                   std::span<const std::uint8_t> bytes, SteadyTimePoint arrival) {
  RawChunk c;
  c.session_id = session_id;
  c.sequence = sequence;
  c.arrival_steady_ns =
      std::chrono::duration_cast<std::chrono::nanoseconds>(arrival.time_since_epoch()).count();
  c.arrival_utc_ns = utc_now_ns();
  c.bytes.assign(bytes.begin(), bytes.end());
  return c;
}

// A session event kept beside the bytes: unplug, replug, gap, checksum error summary ...
struct JournalEvent {
  std::int64_t session_id = 0;
  std::uint64_t after_sequence = 0;  // the last chunk sequence before the event
  std::int64_t utc_ns = 0;
  std::string kind;    // "unplugged", "replugged", "stopped", ...
  std::string detail;  // human-readable
};

class JournalSink {
 public:
  virtual ~JournalSink() = default;
  virtual Result<std::int64_t> begin_session(const SessionMeta& meta) = 0;
  // Appends within the open transaction (opened on demand); nothing is durable before commit().
  virtual Result<void> append(const RawChunk& chunk) = 0;
  virtual Result<void> append_event(const JournalEvent& event) = 0;
  // Makes everything appended so far durable.
  virtual Result<void> commit() = 0;
  // Abandons everything appended since the last commit (after a failed append or commit).
  virtual void rollback() = 0;
};

}  // namespace odyo::acquisition
