#pragma once
// RecordSession<Decoder>: a session for result-sending devices on a byte stream (Welch Allyn
// TM262, GSI 61, Vitalograph Lung Monitor: finished records, no raw signal). Same rules as the
// flow session: the bytes go to the raw journal before they are decoded; decode errors (bad
// checksum, garbage, truncated record) are counted and kept for the user; an unplug is reported
// at once and the port retried every 250 ms, so the session resumes on re-plug. A record cut
// off by a device that goes quiet is reported as truncated after 500 ms of silence (and garbage
// between records is reported then at the latest).
// Decoder: a device driver built on a codec StreamDecoder (drivers/tm262, drivers/gsi61,
// drivers/vitalograph; any StreamDecoder works). Optional members, used when present:
//   Bytes take_replies()            bytes the host must answer (Vitalograph ACK/NAK): written to
//                                   the port after the bytes are journaled and decoded;
//   static bool flagged(const Frame&)  a delivered record with a doubt (GSI 61 checksum rule
//                                   unverified, TM262 retransmission): counted as `flagged`;
//   std::uint64_t duplicates() const   records received twice and delivered once.
//
// Threading: start/stop/counters from the owner's thread; on_record and on_status run on the
// io_context thread.

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <utility>  // first: Boost.Asio under GCC 12 -std=c++20

#include "acquisition/journal/journal_writer.hpp"
#include "acquisition/session/flow_session.hpp"
#include "drivers/transport/byte_transport.hpp"

namespace odyo::acquisition {

struct RecordCounters {
  std::uint64_t bytes = 0;
  std::uint64_t records = 0;
  std::uint64_t decode_errors = 0;
  std::uint64_t unplugs = 0;
  std::uint64_t replugs = 0;
  std::uint64_t flagged = 0;        // delivered, with a doubt (see the driver)
  std::uint64_t duplicates = 0;     // received again, delivered once
  std::uint64_t replies_sent = 0;   // bytes written back (ACK/NAK)
  std::uint64_t reply_errors = 0;   // replies the port would not take
  std::vector<std::string> errors;  // the codec's messages (last 100)
};

template <typename Decoder>
class RecordSession {
 public:
  using Frame = typename Decoder::Frame;

  RecordSession(boost::asio::io_context& io, std::unique_ptr<drivers::ByteTransport> transport,
                Decoder decoder, JournalWriter& journal, SessionMeta meta)
      : io_(io),
        transport_(std::move(transport)),
        decoder_(std::move(decoder)),
        journal_(journal),
        meta_(std::move(meta)),
        timer_(io),
        quiet_timer_(io) {}
  ~RecordSession() { stop(); }
  RecordSession(const RecordSession&) = delete;
  RecordSession& operator=(const RecordSession&) = delete;

  void on_record(std::function<void(const Frame&)> cb) { on_record_ = std::move(cb); }
  void on_status(std::function<void(const SessionStatus&)> cb) { on_status_ = std::move(cb); }

  Result<void> start() {
    auto id = journal_.begin_session(meta_);
    if (!id) return id.error();
    session_id_ = *id;
    boost::asio::post(io_, [this] { open(); });
    return {};
  }

  void stop() {
    if (stopping_.exchange(true)) return;
    auto barrier = std::make_shared<std::promise<void>>();
    auto fut = barrier->get_future();
    boost::asio::post(io_, [this, barrier] {
      timer_.cancel();
      quiet_timer_.cancel();
      transport_->stop();
      boost::asio::post(io_, [barrier] { barrier->set_value(); });
    });
    if (fut.wait_for(std::chrono::seconds(3)) != std::future_status::ready) transport_->stop();
  }

  [[nodiscard]] std::int64_t journal_session_id() const { return session_id_; }
  [[nodiscard]] RecordCounters counters() const {
    std::lock_guard lock(mu_);
    return counters_;
  }

 private:
  void status(SessionState s, std::string m) {
    if (on_status_) on_status_(SessionStatus{s, std::move(m)});
  }
  void open() {
    if (stopping_) return;
    drivers::TransportCallbacks cb;
    cb.on_bytes = [this](std::span<const std::uint8_t> b, drivers::IoClock::time_point t) {
      bytes(b, t);
    };
    cb.on_closed = [this](const drivers::IoError& e) {
      quiet_timer_.cancel();
      typename Decoder::Batch batch;
      decoder_.finish(batch);
      take(batch);
      {
        std::lock_guard lock(mu_);
        ++counters_.unplugs;
      }
      event("unplugged", e.message);
      status(SessionState::unplugged, e.message);
      retry();
    };
    auto st = transport_->start(std::move(cb));
    if (!st) {
      status(connected_once_ ? SessionState::unplugged : SessionState::connecting,
             st.error().message);
      retry();
      return;
    }
    if (connected_once_) {
      decoder_.reset();
      std::lock_guard lock(mu_);
      ++counters_.replugs;
    }
    if (connected_once_) event("replugged", transport_->uri() + " is back");
    connected_once_ = true;
    status(SessionState::streaming, transport_->uri() + " connected");
  }
  void retry() {
    if (stopping_) return;
    timer_.expires_after(std::chrono::milliseconds(250));
    timer_.async_wait([this](const boost::system::error_code& ec) {
      if (!ec) open();
    });
  }
  void bytes(std::span<const std::uint8_t> b, drivers::IoClock::time_point t) {
    journal_.submit(raw_chunk(session_id_, seq_++, b, t));  // journal first
    {
      std::lock_guard lock(mu_);
      counters_.bytes += b.size();
    }
    typename Decoder::Batch batch;
    decoder_.feed(b, batch);
    take(batch);
    if constexpr (requires(Decoder & d) { d.take_replies(); }) {
      const auto replies = decoder_.take_replies();
      if (!replies.empty()) {
        const auto st = transport_->write(replies);
        std::lock_guard lock(mu_);
        (st ? counters_.replies_sent : counters_.reply_errors) += replies.size();
      }
    }
    // A record left incomplete, or garbage not yet reported, after 500 ms of silence.
    quiet_timer_.expires_after(std::chrono::milliseconds(500));
    quiet_timer_.async_wait([this](const boost::system::error_code& ec) {
      if (ec || stopping_) return;
      typename Decoder::Batch late;
      decoder_.expire_partial(late);
      take(late);
    });
  }
  void take(typename Decoder::Batch& batch) {
    {
      std::lock_guard lock(mu_);
      counters_.records += batch.frames.size();
      counters_.decode_errors += batch.errors.size();
      if constexpr (requires(const Frame& f) { Decoder::flagged(f); }) {
        for (const auto& f : batch.frames) counters_.flagged += Decoder::flagged(f) ? 1 : 0;
      }
      if constexpr (requires(const Decoder& d) { d.duplicates(); }) {
        counters_.duplicates = decoder_.duplicates();
      }
      for (auto& e : batch.errors) {
        counters_.errors.push_back(e.message);
        if (counters_.errors.size() > 100) counters_.errors.erase(counters_.errors.begin());
      }
    }
    if (on_record_)
      for (const auto& f : batch.frames) on_record_(f);
  }
  void event(const char* kind, std::string detail) {
    journal_.submit_event(
        {session_id_, seq_ == 0 ? 0 : seq_ - 1, utc_now_ns(), kind, std::move(detail)});
  }

  boost::asio::io_context& io_;
  std::unique_ptr<drivers::ByteTransport> transport_;
  Decoder decoder_;
  JournalWriter& journal_;
  SessionMeta meta_;
  boost::asio::steady_timer timer_;
  boost::asio::steady_timer quiet_timer_;  // inter-record silence (truncated records)
  std::function<void(const Frame&)> on_record_;
  std::function<void(const SessionStatus&)> on_status_;
  std::int64_t session_id_ = 0;
  std::uint64_t seq_ = 0;
  bool connected_once_ = false;
  std::atomic<bool> stopping_{false};
  mutable std::mutex mu_;
  RecordCounters counters_;
};

}  // namespace odyo::acquisition
