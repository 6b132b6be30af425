#pragma once
// HidrawButton: the USB HID response button read through Linux hidraw (usbhid stays bound; no
// detach). Identifies the device with HIDIOCGRAWINFO (bus/VID/PID) and checks its report
// descriptor (HIDIOCGRDESCSIZE/HIDIOCGRDESC) before use; then poll()s and read()s one report at a
// time and stamps each edge with steady_clock (CLOCK_MONOTONIC), the audiometer's clock.
// Tested under umockdev (tests/drivers/hid). Threading: one thread; RAII owns the fd.

#include <cstdint>
#include <optional>
#include <string>

#include "drivers/hid/button_source.hpp"

namespace odyo::drivers::hid {

struct HidIdentity {
  std::uint32_t bus = 0;  // BUS_USB = 3
  std::uint16_t vendor_id = 0;
  std::uint16_t product_id = 0;
};

class HidrawButton final : public ButtonSource {
 public:
  explicit HidrawButton(std::string device_path) : path_(std::move(device_path)) {}
  ~HidrawButton() override;

  // Opens the node, reads its identity and descriptor. With `expect`, a different VID:PID is
  // refused ("wrong_device"). Errors: "device_missing", "device_busy" (EBUSY/EACCES: permission or
  // another reader), "unsupported_button".
  IoStatus open(std::optional<HidIdentity> expect = std::nullopt);
  void close() noexcept;
  [[nodiscard]] const HidIdentity& identity() const { return identity_; }

  IoStatus events_until(ButtonClock::time_point until, std::vector<ButtonEvent>& out) override;
  IoStatus poll_events(std::vector<ButtonEvent>& out) override;

 private:
  std::string path_;
  int fd_ = -1;
  HidIdentity identity_{};
  bool pressed_ = false;
};

}  // namespace odyo::drivers::hid
