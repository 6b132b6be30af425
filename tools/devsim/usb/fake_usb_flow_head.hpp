#pragma once
// FakeUsbFlowHead: an in-process fake USB raw-flow head for tests, built on umockdev. It adds a
// USB device (descriptors with the profile's VID:PID and bulk endpoints) to a umockdev testbed and
// answers the usbfs ioctls libusb sends (SUBMITURB, REAPURB[NDELAY], DISCARDURB, CLAIMINTERFACE,
// ...) from a handler on umockdev's thread: bulk IN URBs are filled with flow-stream frames
// (encoded with the profile, paced in real time from the device's own sample counter, values from
// a FlowScript), bulk OUT URBs are recorded (the host's start/stop commands). unplug() fails every
// URB with ENODEV and sends a "remove" uevent; replug() sends "add" (hot-plug leave/arrive).
//
// Needs the umockdev preload library in the process (link the test with
// -Wl,--no-as-needed -lumockdev-preload, or run it under umockdev-wrapper).
// Threading: public methods from the test's thread; the handler runs on umockdev's thread.

#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "drivers/profile/profile.hpp"
#include "tools/devsim/flow_script.hpp"

namespace odyo::devsim {

class FakeUsbFlowHead {
 public:
  FakeUsbFlowHead(profile::FlowStreamProfile profile, FlowScript script);
  ~FakeUsbFlowHead();
  FakeUsbFlowHead(const FakeUsbFlowHead&) = delete;
  FakeUsbFlowHead& operator=(const FakeUsbFlowHead&) = delete;

  // Creates the testbed and the device; starts producing frames. False + message on failure.
  bool plug(std::string* why = nullptr);
  void unplug();  // cable pulled: URBs fail with ENODEV, "remove" uevent
  void replug();  // cable back: "add" uevent, the device's counter keeps running

  [[nodiscard]] std::uint16_t raw_at(std::int64_t index) const;
  [[nodiscard]] std::vector<std::uint8_t> delivered_bytes() const;  // what reached the host
  [[nodiscard]] std::vector<std::uint8_t> host_commands() const;    // bytes of OUT transfers
  [[nodiscard]] std::uint64_t frames_produced() const { return frames_.load(); }
  // Stops producing frames; returns once the queue is empty (everything delivered) or 2 s passed.
  bool drain();

  struct Impl;

 private:
  std::atomic<std::uint64_t> frames_{0};
  std::unique_ptr<Impl> impl_;
};

}  // namespace odyo::devsim
