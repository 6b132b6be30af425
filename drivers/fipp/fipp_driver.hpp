#pragma once
// FippDriver: the Frye FA10/FA12 audiometer over FIPP (reference/devices/frye-fipp.md), on any
// ByteTransport. FIPP is reverse-polled (§3): the instrument sends a poll when it is ready and the
// computer has 50 ms to start ONE message; so every command waits in a one-slot mailbox and is
// written from the I/O thread the moment a poll arrives. Between commands the driver reads the
// control block at every poll, which is how the patient-response switch is followed (its
// location is a profile register, unverified: §9 item 1).
//
// The meaning of the 14 control words comes from the profile's [registers] table (placeholders
// until the FA1x register map is obtained); the driver knows only "which word is what".
//
// Threading: transact()/set_registers()/... from one owner thread (they block until the answer
// or the timeout); bytes, polls and responses are handled on the transport's I/O thread.

#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>

#include "drivers/codec/fipp.hpp"
#include "drivers/profile/profile.hpp"
#include "drivers/transport/byte_transport.hpp"

namespace odyo::drivers {

using FippRegisters = std::array<std::uint16_t, codec::fipp::kControlRegisterWords>;

struct FippCounters {
  std::uint64_t polls = 0;
  std::uint64_t messages = 0;
  std::uint64_t decode_errors = 0;  // bad checksum, garbage, truncated
  std::uint64_t naks = 0;
  std::uint64_t retries = 0;
  std::uint64_t timeouts = 0;
};

// A change of the response switch seen in the control block (time = when the block arrived).
struct FippResponseEdge {
  bool pressed = false;
  IoClock::time_point at;
};

class FippDriver {
 public:
  FippDriver(ByteTransport& transport, profile::FippProfile profile);
  ~FippDriver();
  FippDriver(const FippDriver&) = delete;
  FippDriver& operator=(const FippDriver&) = delete;

  // Raw bytes as they arrive, before decoding (the raw journal hook). Set before open().
  void set_raw_tap(std::function<void(std::span<const std::uint8_t>, IoClock::time_point)> tap) {
    raw_tap_ = std::move(tap);
  }

  IoStatus open();
  void close();  // clears the computer-control bits first (never leave the audiometer driven)
  [[nodiscard]] bool connected() const { return connected_; }

  // Get Version (§4 command 28, tried as 001Ch then 101Ch).
  std::optional<codec::fipp::Version> version(IoError* why);
  // Get Control Registers (command 1).
  std::optional<FippRegisters> get_registers(IoError* why);
  // Set Control Registers (command 2); waits for the ACK. Sets the time the ACK arrived.
  IoStatus set_registers(const FippRegisters& regs, IoClock::time_point* acked_at = nullptr);

  // Word index of a named register from the profile, or -1.
  [[nodiscard]] int word(const std::string& name) const;
  // Response-switch edges seen since the last call (oldest first).
  std::vector<FippResponseEdge> take_response_edges();
  [[nodiscard]] FippCounters counters() const;
  [[nodiscard]] std::chrono::milliseconds last_poll_age() const;
  [[nodiscard]] const profile::FippProfile& profile() const { return profile_; }

 private:
  struct Pending {
    codec::Bytes bytes;
    std::uint16_t expect_response = 0;  // 0x9000+N, or 0 for "ACK expected"
    bool done = false;
    bool nak = false;
    std::optional<codec::fipp::Message> reply;
    IoClock::time_point reply_at{};
    bool sent = false;
  };
  std::optional<codec::fipp::Message> transact(codec::Bytes bytes, std::uint16_t expect_response,
                                               IoError* why, IoClock::time_point* at = nullptr);
  void on_bytes(std::span<const std::uint8_t> b, IoClock::time_point t);
  void on_message(const codec::fipp::Message& m, IoClock::time_point t);

  ByteTransport& transport_;
  profile::FippProfile profile_;
  codec::fipp::FippDecoder decoder_;
  std::function<void(std::span<const std::uint8_t>, IoClock::time_point)> raw_tap_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::optional<Pending> pending_;  // the one-slot mailbox
  bool last_response_ = false;
  std::deque<FippResponseEdge> edges_;
  FippCounters counters_;
  IoClock::time_point last_poll_{};
  std::atomic<bool> connected_{false};
};

}  // namespace odyo::drivers
