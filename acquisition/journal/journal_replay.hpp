#pragma once
// Replaying a raw-journal session through the normal acquisition path (`odyospiro acquire
// recover`): JournalReplayTransport is a ByteTransport that delivers the journaled chunks with
// their original arrival times, reproducing each journaled unplug (on_closed, and a start() that
// fails for `unplug_pause` so the session sees the device gone, as it did); ReplayJournalSink
// is the sink of such a run: the bytes are already in the journal, so it keeps nothing and
// names the original session.
// Threading: as ByteTransport (callbacks on the io_context thread); finished() from any thread.

#include <utility>  // first: Boost.Asio under GCC 12 -std=c++20

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstddef>

#include "acquisition/journal/journal_sink.hpp"
#include "acquisition/journal/sqlite_journal.hpp"
#include "drivers/transport/byte_transport.hpp"

namespace odyo::acquisition {

class JournalReplayTransport final : public drivers::ByteTransport {
 public:
  JournalReplayTransport(boost::asio::io_context& io, JournalReadback session, std::string uri,
                         std::chrono::milliseconds unplug_pause = std::chrono::milliseconds(1100));
  drivers::IoStatus start(drivers::TransportCallbacks callbacks) override;
  drivers::IoStatus write(std::span<const std::uint8_t>) override { return {}; }
  void stop() override { stopped_ = true; }
  [[nodiscard]] std::string uri() const override { return uri_; }
  // Every chunk was delivered.
  [[nodiscard]] bool finished() const { return finished_.load(); }

 private:
  void deliver();

  boost::asio::io_context& io_;
  JournalReadback data_;
  std::string uri_;
  std::chrono::milliseconds unplug_pause_;
  std::vector<std::uint64_t> unplug_after_;  // chunk sequences followed by an unplug
  std::size_t next_chunk_ = 0;
  std::size_t next_unplug_ = 0;
  std::chrono::steady_clock::time_point closed_at_{};
  drivers::TransportCallbacks cb_;
  std::atomic<bool> stopped_{false};
  std::atomic<bool> finished_{false};
};

class ReplayJournalSink final : public JournalSink {
 public:
  explicit ReplayJournalSink(std::int64_t session_id) : id_(session_id) {}
  Result<std::int64_t> begin_session(const SessionMeta&) override { return id_; }
  Result<void> append(const RawChunk&) override { return {}; }
  Result<void> append_event(const JournalEvent&) override { return {}; }
  Result<void> commit() override { return {}; }
  void rollback() override {}

 private:
  std::int64_t id_;
};

}  // namespace odyo::acquisition
