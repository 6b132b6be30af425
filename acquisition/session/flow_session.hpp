#pragma once
// FlowSession: one recording session of one raw-flow spirometer head.
//
// Path of every read (on the transport's I/O thread, never blocking):
//   1. the bytes go to the raw journal writer (never dropped; durable within one commit interval,
//      <= 50 ms) — so they are kept even if parsing them fails or the station crashes;
//   2. the driver decodes them (gaps, CRC and frame errors counted);
//   3. each sample gets its time from the SampleClock (device index fitted to arrival times);
//   4. the block goes to the analysis queue (bounded SPSC, never drops: overflow is kept and
//      counted) and to the live fan-out (drops and counts per viewer).
// Unplug (EOF/EIO/ENXIO) is reported at once through on_status and journaled; the session
// retries the port every 250 ms and resumes on re-plug with sample numbering that never goes back.
//
// Threading: construct/start/stop and the analysis queue's pop() from the owner's thread;
// callbacks run on the io_context thread; counters() from any thread.

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <functional>
#include <memory>
#include <mutex>
#include <utility>  // first: Boost.Asio under GCC 12 -std=c++20

#include "acquisition/clock/sample_clock.hpp"
#include "acquisition/journal/journal_writer.hpp"
#include "acquisition/live/live_fanout.hpp"
#include "acquisition/queue/spsc_queue.hpp"
#include "drivers/flowstream/flowstream_driver.hpp"
#include "drivers/transport/byte_transport.hpp"

namespace odyo::acquisition {

struct TimedFlowSample {
  std::int64_t index = 0;
  double t_s = 0.0;  // seconds since the session's first sample: index difference times the
                     // fitted sample period (monotonic, jitter-free)
  std::chrono::steady_clock::time_point when;  // fitted steady-clock time of the sample (index
                                               // mapped through the SampleClock's lower envelope)
  double flow_lps = 0.0;                       // sensor conditions (not BTPS)
  bool out_of_range = false;
};

struct FlowBlock {
  std::vector<TimedFlowSample> samples;
  std::chrono::steady_clock::time_point arrival;  // when the read carrying them completed
};

enum class SessionState { connecting, streaming, unplugged, stopped };
const char* to_string(SessionState s);

struct SessionStatus {
  SessionState state = SessionState::connecting;
  std::string message;  // for the technician
};

struct SessionCounters {
  drivers::FlowStreamCounters driver;
  std::uint64_t bytes = 0;
  std::uint64_t chunks = 0;
  std::uint64_t unplugs = 0;
  std::uint64_t replugs = 0;
  std::uint64_t reordered = 0;  // samples whose index was not above the previous one (must be 0)
  std::uint64_t analysis_overflowed = 0;
  std::uint64_t live_dropped = 0;
};

class FlowSession {
 public:
  FlowSession(boost::asio::io_context& io, std::unique_ptr<drivers::ByteTransport> transport,
              drivers::FlowStreamDriver driver, JournalWriter& journal, SessionMeta meta,
              std::size_t analysis_queue_blocks = 4096);
  ~FlowSession();
  FlowSession(const FlowSession&) = delete;
  FlowSession& operator=(const FlowSession&) = delete;

  void set_status_callback(std::function<void(const SessionStatus&)> cb) {
    on_status_ = std::move(cb);
  }

  // Registers the session in the journal and opens the device. A device that is not there yet is
  // not an error: the session waits for it (state "connecting") and retries.
  Result<void> start();
  void stop();

  [[nodiscard]] std::int64_t journal_session_id() const { return session_id_; }
  SpscQueue<FlowBlock>& analysis_queue() { return analysis_; }
  LiveFanOut<FlowBlock>& live() { return live_; }
  [[nodiscard]] SessionCounters counters() const;
  [[nodiscard]] SessionStatus status() const;

 private:
  void open_device();
  void schedule_retry();
  void on_bytes(std::span<const std::uint8_t> bytes, drivers::IoClock::time_point arrival);
  void on_closed(const drivers::IoError& why);
  void set_status(SessionState s, std::string message);
  void journal_event(const char* kind, std::string detail);

  boost::asio::io_context& io_;
  std::unique_ptr<drivers::ByteTransport> transport_;
  drivers::FlowStreamDriver driver_;
  JournalWriter& journal_;
  SessionMeta meta_;
  std::int64_t session_id_ = 0;
  std::uint64_t next_seq_ = 0;
  SampleClock clock_;
  bool have_first_index_ = false;
  std::int64_t first_index_ = 0;
  std::int64_t last_index_ = -1;
  drivers::FlowStreamOutput out_;
  SpscQueue<FlowBlock> analysis_;
  LiveFanOut<FlowBlock> live_;
  boost::asio::steady_timer retry_timer_;
  std::function<void(const SessionStatus&)> on_status_;
  mutable std::mutex mu_;  // guards counters_ and status_
  SessionCounters counters_;
  SessionStatus status_;
  std::atomic<bool> stopping_{false};
  bool ever_connected_ = false;
};

}  // namespace odyo::acquisition
