#include "acquisition/session/flow_session.hpp"

#include <boost/asio/post.hpp>
#include <future>

namespace odyo::acquisition {

namespace {
constexpr auto kRetryPeriod = std::chrono::milliseconds(250);  // re-plug noticed within 0.25 s

}  // namespace

const char* to_string(SessionState s) {
  switch (s) {
    case SessionState::connecting:
      return "connecting";
    case SessionState::streaming:
      return "streaming";
    case SessionState::unplugged:
      return "unplugged";
    case SessionState::stopped:
      return "stopped";
  }
  return "?";
}

FlowSession::FlowSession(boost::asio::io_context& io,
                         std::unique_ptr<drivers::ByteTransport> transport,
                         drivers::FlowStreamDriver driver, JournalWriter& journal, SessionMeta meta,
                         std::size_t analysis_queue_blocks)
    : io_(io),
      transport_(std::move(transport)),
      driver_(std::move(driver)),
      journal_(journal),
      meta_(std::move(meta)),
      clock_(driver_.sample_rate_hz()),
      analysis_(analysis_queue_blocks, FullPolicy::kNeverDrop),
      retry_timer_(io) {}

FlowSession::~FlowSession() {
  stop();
}

Result<void> FlowSession::start() {
  auto id = journal_.begin_session(meta_);
  if (!id) return id.error();
  session_id_ = *id;
  stopping_ = false;
  boost::asio::post(io_, [this] { open_device(); });
  return {};
}

void FlowSession::stop() {
  if (stopping_.exchange(true)) return;
  auto shutdown = [this] {
    retry_timer_.cancel();
    if (transport_) {
      if (!driver_.stop_command().empty()) (void)transport_->write(driver_.stop_command());
      transport_->stop();
    }
  };
  if (io_.stopped() || io_.get_executor().running_in_this_thread()) {
    shutdown();
  } else {
    auto barrier = std::make_shared<std::promise<void>>();
    auto fut = barrier->get_future();
    boost::asio::post(io_, [this, shutdown, barrier] {
      shutdown();
      boost::asio::post(io_, [barrier] { barrier->set_value(); });
    });
    if (fut.wait_for(std::chrono::seconds(3)) != std::future_status::ready) shutdown();
  }
  // Finish the decoder (a partial frame at the end is reported) and flush the overflow.
  out_.clear();
  driver_.finish(out_);
  analysis_.flush_overflow();
  journal_event("stopped", "session stopped by the station");
  set_status(SessionState::stopped, "stopped");
}

void FlowSession::open_device() {
  if (stopping_) return;
  drivers::TransportCallbacks cb;
  cb.on_bytes = [this](std::span<const std::uint8_t> b, drivers::IoClock::time_point t) {
    on_bytes(b, t);
  };
  cb.on_closed = [this](const drivers::IoError& e) { on_closed(e); };
  auto st = transport_->start(std::move(cb));
  if (!st) {
    const auto& e = st.error();
    if (e.code == "port_busy") {
      set_status(SessionState::connecting, e.message);
    } else {
      set_status(ever_connected_ ? SessionState::unplugged : SessionState::connecting,
                 transport_->uri() + ": " + e.message + " — waiting for the device");
    }
    schedule_retry();
    return;
  }
  if (ever_connected_) {
    driver_.reconnect();
    clock_ = SampleClock(driver_.sample_rate_hz());  // new link: arrival delays start afresh
    {
      std::lock_guard lock(mu_);
      ++counters_.replugs;
    }
    journal_event("replugged", transport_->uri() + " is back; recording resumes");
  }
  ever_connected_ = true;
  if (!driver_.start_command().empty()) (void)transport_->write(driver_.start_command());
  set_status(SessionState::streaming, transport_->uri() + " connected");
}

void FlowSession::schedule_retry() {
  if (stopping_) return;
  retry_timer_.expires_after(kRetryPeriod);
  retry_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) open_device();
  });
}

void FlowSession::on_bytes(std::span<const std::uint8_t> bytes,
                           drivers::IoClock::time_point arrival) {
  // 1. Raw journal first.
  journal_.submit(raw_chunk(session_id_, next_seq_++, bytes, arrival));

  // 2. Decode.
  out_.clear();
  driver_.feed(bytes, out_);

  // 3. Time.
  FlowBlock block;
  block.arrival = arrival;
  std::uint64_t reordered = 0;
  if (!out_.samples.empty()) {
    clock_.observe(out_.samples.back().index, arrival);
    if (!have_first_index_) {
      first_index_ = out_.samples.front().index;
      have_first_index_ = true;
    }
    const double period_s = 1.0 / clock_.fitted_rate_hz();
    block.samples.reserve(out_.samples.size());
    for (const auto& s : out_.samples) {
      if (s.index <= last_index_) ++reordered;
      last_index_ = std::max(last_index_, s.index);
      block.samples.push_back(
          TimedFlowSample{s.index, static_cast<double>(s.index - first_index_) * period_s,
                          clock_.time_of(s.index), s.flow_lps, s.out_of_range});
    }
  }
  {
    std::lock_guard lock(mu_);
    counters_.driver = driver_.counters();
    counters_.bytes += bytes.size();
    ++counters_.chunks;
    counters_.reordered += reordered;
  }
  // 4. Consumers.
  if (!block.samples.empty()) {
    live_.publish(block);
    analysis_.push(std::move(block));
  } else if (analysis_.producer_has_overflow()) {
    analysis_.flush_overflow();
  }
}

void FlowSession::on_closed(const drivers::IoError& why) {
  out_.clear();
  driver_.finish(out_);
  {
    std::lock_guard lock(mu_);
    ++counters_.unplugs;
    counters_.driver = driver_.counters();
  }
  journal_event("unplugged", why.message);
  set_status(SessionState::unplugged, why.message);
  schedule_retry();
}

void FlowSession::set_status(SessionState s, std::string message) {
  SessionStatus copy;
  {
    std::lock_guard lock(mu_);
    if (status_.state == s && status_.message == message) return;  // retries repeat themselves
    status_ = SessionStatus{s, std::move(message)};
    copy = status_;
  }
  if (on_status_) on_status_(copy);
}

void FlowSession::journal_event(const char* kind, std::string detail) {
  JournalEvent e;
  e.session_id = session_id_;
  e.after_sequence = next_seq_ == 0 ? 0 : next_seq_ - 1;
  e.utc_ns = utc_now_ns();
  e.kind = kind;
  e.detail = std::move(detail);
  journal_.submit_event(std::move(e));
}

SessionCounters FlowSession::counters() const {
  std::lock_guard lock(mu_);
  SessionCounters c = counters_;
  c.analysis_overflowed = analysis_.overflowed();
  c.live_dropped = live_.dropped_total();
  return c;
}

SessionStatus FlowSession::status() const {
  std::lock_guard lock(mu_);
  return status_;
}

}  // namespace odyo::acquisition
