#include "tools/devsim/fipp_sim.hpp"

#include <poll.h>
#include <unistd.h>

namespace odyo::devsim {

namespace fp = codec::fipp;

FippSimulator::FippSimulator(profile::FippProfile profile, ListenerModel listener,
                             std::filesystem::path link, FippFaults faults,
                             std::chrono::milliseconds poll_period)
    : profile_(std::move(profile)),
      listener_(std::move(listener)),
      pty_(std::move(link)),
      faults_(std::move(faults)),
      poll_period_(poll_period) {}

FippSimulator::~FippSimulator() {
  stop();
}

bool FippSimulator::start(std::string* why) {
  if (!pty_.plug(why)) return false;
  stop_ = false;
  thread_ = std::thread([this] { run(); });
  return true;
}

void FippSimulator::stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
  pty_.unplug();
}

void FippSimulator::unplug() {
  unplug_ = true;
}

std::vector<FippSimulator::Presentation> FippSimulator::presentations() const {
  std::lock_guard lock(mu_);
  return presentations_;
}

bool FippSimulator::computer_control_left_on() const {
  std::lock_guard lock(mu_);
  auto it = profile_.register_words.find("computer_control");
  return it != profile_.register_words.end() && regs_[static_cast<std::size_t>(it->second)] != 0;
}

bool FippSimulator::response_pressed(std::chrono::steady_clock::time_point t) const {
  if (!heard_) return false;
  const auto release = tone_on_ ? std::chrono::steady_clock::time_point::max()
                                : offset_ + std::chrono::milliseconds(150);
  return t >= onset_ + listener_.reaction && t < release;
}

void FippSimulator::send(const codec::Bytes& b) {
  if (!pty_.plugged()) return;
  std::size_t done = 0;
  while (done < b.size()) {
    const ssize_t w = ::write(pty_.master_fd(), b.data() + done, b.size() - done);
    if (w <= 0)
      return;  // nobody reading and the buffer is full: the bytes are lost, like on a wire
    done += static_cast<std::size_t>(w);
  }
}

void FippSimulator::handle(const fp::Message& m) {
  const auto now = std::chrono::steady_clock::now();
  const auto rule = profile_.config.carry_rule == fp::CarryRule::either
                        ? fp::CarryRule::discard
                        : profile_.config.carry_rule;
  codec::Bytes reply;
  if (m.command == fp::kGetVersion) {
    const std::uint16_t v[] = {224,    0x0003, 0x0000,
                               0xFFFF, 0x0000, 102};  // FA12, 2.24 (§7 example 1)
    reply = fp::encode_response(fp::kGetVersion, v, rule);
  } else if (m.command == fp::kGetControlRegisters) {
    std::array<std::uint16_t, fp::kControlRegisterWords> r;
    {
      std::lock_guard lock(mu_);
      r = regs_;
      auto it = profile_.register_words.find("response_switch");
      if (it != profile_.register_words.end())
        r[static_cast<std::size_t>(it->second)] = response_pressed(now) ? 1 : 0;
    }
    reply = fp::encode_response(fp::kGetControlRegisters, r, rule);
  } else if (m.command == fp::kSetControlRegisters && m.data.size() == fp::kControlRegisterWords) {
    std::lock_guard lock(mu_);
    auto word = [&](const char* name) -> int {
      auto it = profile_.register_words.find(name);
      return it == profile_.register_words.end() ? -1 : it->second;
    };
    std::copy(m.data.begin(), m.data.end(), regs_.begin());
    bool on = false;
    std::string ear;
    for (const char* side : {"right", "left"}) {
      const int tw = word((std::string("tone_") + side).c_str());
      if (tw >= 0 && regs_[static_cast<std::size_t>(tw)] != 0) {
        on = true;
        ear = side;
      }
    }
    if (on && !tone_on_) {
      const int fw = word(("frequency_" + ear + "_hz").c_str());
      const int lw = word(("level_" + ear + "_db_x10").c_str());
      Presentation p;
      p.ear = ear;
      p.frequency_hz = fw >= 0 ? regs_[static_cast<std::size_t>(fw)] : 0;
      p.level_db_hl =
          lw >= 0 ? static_cast<std::int16_t>(regs_[static_cast<std::size_t>(lw)]) / 10.0 : 0;
      p.heard = p.level_db_hl >= listener_.threshold_of(ear, p.frequency_hz);
      presentations_.push_back(p);
      onset_ = now;
      heard_ = p.heard;
    } else if (!on && tone_on_) {
      offset_ = now;
    }
    tone_on_ = on;
    reply = fp::flow_control_bytes(profile_.config, fp::FlowControl::ack);
  } else {
    reply = fp::flow_control_bytes(profile_.config, fp::FlowControl::nak);
  }
  const int n = responses_++;
  if (faults_.bad_checksum_responses.count(n) && reply.size() >= 2) reply.back() ^= 0x55;
  send(reply);
}

void FippSimulator::run() {
  fp::FippDecoder decoder(fp::Direction::from_host, profile_.config);
  const auto& poll_bytes = fp::flow_control_bytes(profile_.config, fp::FlowControl::poll);
  auto next_poll = std::chrono::steady_clock::now();
  std::uint8_t buf[512];
  while (!stop_) {
    if (unplug_) {
      pty_.unplug();
      return;
    }
    std::this_thread::sleep_until(next_poll);
    next_poll += poll_period_;
    send(poll_bytes);
    // The host's window: 50 ms to START a message (§3); we give it the rest of the poll period.
    const auto window_end =
        std::chrono::steady_clock::now() + poll_period_ - std::chrono::milliseconds(2);
    bool answered = false;
    while (!answered && std::chrono::steady_clock::now() < window_end && pty_.plugged()) {
      pollfd pfd{pty_.master_fd(), POLLIN, 0};
      const int left_ms = static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                               window_end - std::chrono::steady_clock::now())
                                               .count());
      if (::poll(&pfd, 1, std::max(left_ms, 1)) <= 0) continue;
      const ssize_t n = ::read(pty_.master_fd(), buf, sizeof buf);
      if (n <= 0) continue;
      auto batch = decoder.feed(codec::ByteSpan(buf, static_cast<std::size_t>(n)));
      for (const auto& m : batch.frames) {
        if (m.kind == fp::MessageKind::command) {
          handle(m);
          answered = true;  // one conversation per poll
        }
      }
    }
  }
}

}  // namespace odyo::devsim
