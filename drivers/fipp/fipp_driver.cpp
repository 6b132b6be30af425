#include "drivers/fipp/fipp_driver.hpp"

namespace odyo::drivers {

namespace fp = codec::fipp;

namespace {
constexpr auto kReplyTimeout = std::chrono::milliseconds(1000);  // several poll periods
constexpr int kMaxAttempts = 3;                                  // §8: retry N times, then fail
}  // namespace

FippDriver::FippDriver(ByteTransport& transport, profile::FippProfile profile)
    : transport_(transport),
      profile_(std::move(profile)),
      decoder_(fp::Direction::from_instrument, profile_.config) {}

FippDriver::~FippDriver() {
  close();
}

int FippDriver::word(const std::string& name) const {
  auto it = profile_.register_words.find(name);
  return it == profile_.register_words.end() ? -1 : it->second;
}

IoStatus FippDriver::open() {
  TransportCallbacks cb;
  cb.on_bytes = [this](std::span<const std::uint8_t> b, IoClock::time_point t) { on_bytes(b, t); };
  cb.on_closed = [this](const IoError&) {
    connected_ = false;
    std::lock_guard lock(mu_);
    if (pending_) pending_->done = true;  // wake the waiter: it reports the disconnect
    cv_.notify_all();
  };
  auto st = transport_.start(std::move(cb));
  if (st) connected_ = true;
  return st;
}

void FippDriver::close() {
  if (connected_) {
    // §5 step 5: never leave the instrument under computer control.
    const int cc = word("computer_control");
    auto regs = get_registers(nullptr);
    if (regs && cc >= 0) {
      for (const char* tone : {"tone_right", "tone_left"})
        if (int w = word(tone); w >= 0) (*regs)[static_cast<std::size_t>(w)] = 0;
      (*regs)[static_cast<std::size_t>(cc)] = 0;
      (void)set_registers(*regs);
    }
  }
  transport_.stop();
  connected_ = false;
}

void FippDriver::on_bytes(std::span<const std::uint8_t> b, IoClock::time_point t) {
  if (raw_tap_) raw_tap_(b, t);
  auto batch = decoder_.feed(b);
  {
    std::lock_guard lock(mu_);
    counters_.decode_errors += batch.errors.size();
  }
  for (const auto& m : batch.frames) on_message(m, t);
}

void FippDriver::on_message(const fp::Message& m, IoClock::time_point t) {
  std::unique_lock lock(mu_);
  ++counters_.messages;
  if (m.kind == fp::MessageKind::flow_control) {
    if (m.flow_control == fp::FlowControl::poll) {
      ++counters_.polls;
      last_poll_ = t;
      // Our window (§3: 50 ms): send the waiting command, else read the control block.
      codec::Bytes out;
      if (pending_ && !pending_->sent && !pending_->done) {
        pending_->sent = true;
        out = pending_->bytes;
      } else if (!pending_) {
        // A new poll means the previous conversation is over: read the block (response switch).
        out = fp::encode_command(fp::kGetControlRegisters, {}, profile_.config.carry_rule);
      }
      lock.unlock();
      if (!out.empty()) (void)transport_.write(out);
      return;
    }
    if (m.flow_control == fp::FlowControl::nak) {
      ++counters_.naks;
      if (pending_ && pending_->sent) {
        pending_->sent = false;  // §8: retransmit at the next poll
        ++counters_.retries;
      }
      return;
    }
    if (m.flow_control == fp::FlowControl::ack) {
      if (pending_ && pending_->sent && pending_->expect_response == 0) {
        pending_->done = true;
        pending_->reply_at = t;
        cv_.notify_all();
      }
      return;
    }
    return;
  }
  if (m.kind != fp::MessageKind::response) return;
  // Any control block tells us the response switch.
  if (m.command == fp::kGetControlRegisters) {
    if (auto regs = fp::decode_control_registers(m); regs) {
      const int rs = word("response_switch");
      if (rs >= 0) {
        const bool pressed = (regs.value()[static_cast<std::size_t>(rs)] & 1U) != 0;
        if (pressed != last_response_) {
          edges_.push_back({pressed, t});
          last_response_ = pressed;
        }
      }
    }
  }
  if (pending_ && pending_->sent && !pending_->done &&
      m.message_number == pending_->expect_response) {
    pending_->done = true;
    pending_->reply = m;
    pending_->reply_at = t;
    cv_.notify_all();
    return;
  }
}

std::optional<fp::Message> FippDriver::transact(codec::Bytes bytes, std::uint16_t expect_response,
                                                IoError* why, IoClock::time_point* at) {
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    std::unique_lock lock(mu_);
    if (!connected_) {
      if (why)
        *why = {"device_disconnected",
                "the audiometer is not connected: check the cable and that it is on"};
      return std::nullopt;
    }
    pending_.emplace();
    pending_->bytes = bytes;
    pending_->expect_response = expect_response;
    const bool answered = cv_.wait_for(lock, kReplyTimeout, [&] { return pending_->done; });
    Pending p = *pending_;
    pending_.reset();
    if (!connected_) {
      if (why)
        *why = {"device_disconnected",
                "the audiometer went away (cable pulled or switched off): reconnect it"};
      return std::nullopt;
    }
    if (answered && p.done) {
      if (at) *at = p.reply_at;
      if (expect_response == 0) return fp::Message{};  // ACK
      if (p.reply) return p.reply;
    }
    ++counters_.timeouts;
    ++counters_.retries;
  }
  if (why)
    *why = {"no_response", "the audiometer did not answer after " + std::to_string(kMaxAttempts) +
                               " tries: check that it is in FIPP mode (jumper, frye-fipp.md §1) "
                               "and the line settings"};
  return std::nullopt;
}

std::optional<fp::Version> FippDriver::version(IoError* why) {
  // §4 note: try the common numbering 001Ch first, then 101Ch.
  for (std::uint16_t number :
       {std::uint16_t{fp::kGetVersion}, std::uint16_t(fp::kFa1xCommandBase + fp::kGetVersion)}) {
    auto m = transact(fp::encode(number, {}, profile_.config.carry_rule),
                      static_cast<std::uint16_t>(fp::kResponseBase + fp::kGetVersion), why);
    if (m) {
      auto v = fp::decode_version(*m);
      if (v) return v.value();
      if (why)
        *why = {"bad_response",
                "the audiometer's version answer is malformed: " + v.error().message};
      return std::nullopt;
    }
    if (why && why->code == "device_disconnected") return std::nullopt;
  }
  return std::nullopt;
}

std::optional<FippRegisters> FippDriver::get_registers(IoError* why) {
  auto m = transact(fp::encode_command(fp::kGetControlRegisters, {}, profile_.config.carry_rule),
                    static_cast<std::uint16_t>(fp::kResponseBase + fp::kGetControlRegisters), why);
  if (!m) return std::nullopt;
  auto regs = fp::decode_control_registers(*m);
  if (!regs) {
    if (why)
      *why = {"bad_response",
              "the audiometer's control block is malformed: " + regs.error().message};
    return std::nullopt;
  }
  return regs.value();
}

IoStatus FippDriver::set_registers(const FippRegisters& regs, IoClock::time_point* acked_at) {
  IoError why;
  if (!transact(fp::encode_set_control_registers(regs, profile_.config.carry_rule), 0, &why,
                acked_at))
    return why;
  return {};
}

std::vector<FippResponseEdge> FippDriver::take_response_edges() {
  std::lock_guard lock(mu_);
  std::vector<FippResponseEdge> out(edges_.begin(), edges_.end());
  edges_.clear();
  return out;
}

FippCounters FippDriver::counters() const {
  std::lock_guard lock(mu_);
  return counters_;
}

std::chrono::milliseconds FippDriver::last_poll_age() const {
  std::lock_guard lock(mu_);
  return std::chrono::duration_cast<std::chrono::milliseconds>(IoClock::now() - last_poll_);
}

}  // namespace odyo::drivers
