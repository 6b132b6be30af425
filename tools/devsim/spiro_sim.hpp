#pragma once
// SpiroSimulator: a raw-flow spirometer head speaking a flow-stream profile (the same
// config/devices/*.toml the station loads) over a PtyLink, paced in real time from its own
// sample counter, with scripted manoeuvres (FlowScript) and injected faults: bad frame
// checksums, garbage between frames, a device that stops mid-manoeuvre, an unplugged cable.
// Every byte written is recorded so tests can compare the station's raw journal with it.
//
// Threading: start()/stop() and the accessors from the owner's thread; one internal thread sends.

#include <atomic>
#include <cstdint>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "drivers/profile/profile.hpp"
#include "tools/devsim/flow_script.hpp"
#include "tools/devsim/pty_link.hpp"

namespace odyo::devsim {

struct SpiroFaults {
  std::set<std::int64_t> bad_checksum_frames;    // frame numbers sent with a corrupted checksum
  std::set<std::int64_t> garbage_before_frames;  // 3 garbage bytes written before these frames
  std::int64_t stop_after_frames = -1;           // >= 0: the device stops sending after N frames
};

class SpiroSimulator {
 public:
  SpiroSimulator(profile::FlowStreamProfile profile, FlowScript script, std::filesystem::path link,
                 SpiroFaults faults = {});
  ~SpiroSimulator();
  SpiroSimulator(const SpiroSimulator&) = delete;
  SpiroSimulator& operator=(const SpiroSimulator&) = delete;

  bool start(std::string* why = nullptr);  // creates the pty and begins sending
  void stop();
  // The device stops sending (the pty stays open): lets a test wait until the station has read
  // every byte written.
  // Returns once the sender has stopped writing.
  void silence();

  // Raw word of sample `index` (what the sensor measured, whether or not it was sent).
  [[nodiscard]] std::uint16_t raw_at(std::int64_t index) const;
  [[nodiscard]] std::vector<std::uint8_t> sent_bytes() const;
  [[nodiscard]] std::int64_t frames_sent() const { return frames_sent_.load(); }
  [[nodiscard]] std::int64_t frames_generated() const { return frames_generated_.load(); }
  [[nodiscard]] std::int64_t unplugs_done() const { return unplugs_done_.load(); }
  [[nodiscard]] std::size_t bytes_not_delivered() const { return bytes_not_delivered_.load(); }
  // CPU time the sender thread used (valid after stop()), to separate it from the station's.
  [[nodiscard]] double cpu_seconds() const { return cpu_s_.load(); }
  [[nodiscard]] const FlowScript& script() const { return script_; }
  [[nodiscard]] const profile::FlowStreamProfile& profile() const { return profile_; }
  [[nodiscard]] const std::filesystem::path& link() const { return pty_.link(); }

 private:
  void run();
  void write_pending();

  profile::FlowStreamProfile profile_;
  FlowScript script_;
  PtyLink pty_;
  SpiroFaults faults_;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> silenced_{false};
  std::atomic<bool> silent_{false};
  std::atomic<double> cpu_s_{0.0};
  mutable std::mutex mu_;
  std::vector<std::uint8_t> sent_;
  std::vector<std::uint8_t> pending_;  // encoded, not yet accepted by the pty
  std::atomic<std::int64_t> frames_sent_{0};
  std::atomic<std::int64_t> frames_generated_{0};
  std::atomic<std::int64_t> unplugs_done_{0};
  std::atomic<std::size_t> bytes_not_delivered_{0};
};

// Loads a device profile file (TOML) into a FlowStreamProfile; the message names file and key.
std::optional<profile::FlowStreamProfile> load_flow_stream_profile(
    const std::filesystem::path& file, std::string* why);
std::optional<profile::FippProfile> load_fipp_profile(const std::filesystem::path& file,
                                                      std::string* why);

}  // namespace odyo::devsim
