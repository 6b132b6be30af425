#pragma once
// ButtonSource: the response button's narrow interface — press and release edges with their
// times on std::chrono::steady_clock (CLOCK_MONOTONIC on Linux), the same clock the audiometer
// stamps tone onsets with. Implemented by HidrawButton (hidraw_button.hpp) and by test listeners.
// Threading: one instance is used by one thread at a time.

#include <chrono>
#include <vector>

#include "drivers/transport/io_error.hpp"

namespace odyo::drivers::hid {

using ButtonClock = std::chrono::steady_clock;

struct ButtonEvent {
  bool pressed = false;  // true: press edge, false: release edge
  ButtonClock::time_point time{};
};

class ButtonSource {
 public:
  virtual ~ButtonSource() = default;
  ButtonSource() = default;
  ButtonSource(const ButtonSource&) = delete;
  ButtonSource& operator=(const ButtonSource&) = delete;

  // Appends every edge that happened up to `until` (waiting, if needed, until then) and returns.
  // Errors: "device_gone" (unplugged), "malformed_report" (the device sent something that is not
  // a button report: the response is unknown, the presentation must be repeated).
  virtual IoStatus events_until(ButtonClock::time_point until, std::vector<ButtonEvent>& out) = 0;

  // Appends the edges that have arrived so far, without waiting. Called between the small chunks
  // the audiometer writes, so that a device which cannot stamp its own reports (hidraw) is read
  // promptly and its edges are stamped when they happen, not when the tone has ended.
  // Default: nothing (a source whose events carry their own times needs no prompt reading).
  virtual IoStatus poll_events(std::vector<ButtonEvent>& out) {
    (void)out;
    return {};
  }
};

}  // namespace odyo::drivers::hid
