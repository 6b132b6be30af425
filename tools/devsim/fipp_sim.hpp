#pragma once
// FippSimulator: a Frye FA12 audiometer speaking FIPP over a PtyLink, with a simulated listener.
// It loads the same device profile as the station (config/devices/frye-fa12.toml: flow-control
// bytes, carry rule and register map are placeholders there, and therefore here), sends a poll
// every poll period and answers the one command the host may send in the 50 ms window
// (frye-fipp.md §3): Get Version (FA12, software 2.24), Get/Set Control Registers (ACK).
// When a Set turns a tone on, the listener decides: heard if the level is at or above the true
// threshold of that ear and frequency (optionally with a fixed miss/false-alarm pattern); a heard
// tone sets the response-switch register from onset + reaction time until 150 ms after the tone
// goes off.
//
// Threading: start()/stop() and accessors from the owner's thread; one internal thread runs the
// instrument side.

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "drivers/codec/fipp.hpp"
#include "drivers/profile/profile.hpp"
#include "tools/devsim/pty_link.hpp"

namespace odyo::devsim {

struct ListenerModel {
  // True thresholds (dB HL) per ear ("right"/"left") and frequency; missing: 0 dB HL.
  std::map<std::pair<std::string, int>, int> threshold_db_hl;
  std::chrono::milliseconds reaction{250};
  int threshold_of(const std::string& ear, int frequency_hz) const {
    auto it = threshold_db_hl.find({ear, frequency_hz});
    return it == threshold_db_hl.end() ? 0 : it->second;
  }
};

struct FippFaults {
  std::set<int> bad_checksum_responses;  // n-th response (0-based) sent with a corrupted checksum
};

class FippSimulator {
 public:
  FippSimulator(profile::FippProfile profile, ListenerModel listener, std::filesystem::path link,
                FippFaults faults = {},
                std::chrono::milliseconds poll_period = std::chrono::milliseconds(20));
  ~FippSimulator();
  FippSimulator(const FippSimulator&) = delete;
  FippSimulator& operator=(const FippSimulator&) = delete;

  bool start(std::string* why = nullptr);
  void stop();
  void unplug();  // cable pulled (pty closed)

  struct Presentation {
    std::string ear;
    int frequency_hz = 0;
    double level_db_hl = 0;
    bool heard = false;
  };
  [[nodiscard]] std::vector<Presentation> presentations() const;
  [[nodiscard]] bool computer_control_left_on() const;  // after the host closed: must be false
  [[nodiscard]] int responses_sent() const { return responses_.load(); }

 private:
  void run();
  void handle(const codec::fipp::Message& m);
  void send(const codec::Bytes& b);
  [[nodiscard]] bool response_pressed(std::chrono::steady_clock::time_point t) const;

  profile::FippProfile profile_;
  ListenerModel listener_;
  PtyLink pty_;
  FippFaults faults_;
  std::chrono::milliseconds poll_period_;
  std::thread thread_;
  std::atomic<bool> stop_{false}, unplug_{false};
  mutable std::mutex mu_;
  std::array<std::uint16_t, codec::fipp::kControlRegisterWords> regs_{};
  std::vector<Presentation> presentations_;
  bool tone_on_ = false, heard_ = false;
  std::chrono::steady_clock::time_point onset_{}, offset_{};
  std::atomic<int> responses_{0};
};

}  // namespace odyo::devsim
