#pragma once
// Welch Allyn TM 262 AutoTymp driver (registry name "tm262"): result records over RS-232, device
// → PC only (reference/devices/welch-allyn-tm262.md). The codec (drivers/codec/tm262) frames
// and checks the records; this is what acquisition::RecordSession runs on a serial port. No
// replies: the TM262 has no ACK/NAK, a damaged record must be sent again from the instrument.
// Thread-safety: one instance per port, used from the session's I/O thread.

#include "drivers/codec/tm262.hpp"
#include "drivers/profile/profile.hpp"

namespace odyo::drivers {

class Tm262Driver : public codec::tm262::Tm262Decoder {
 public:
  Tm262Driver() = default;
  explicit Tm262Driver(const profile::SerialResultsProfile& /*p*/) {}
  // A retransmission (same sequence number and content, §2) is delivered flagged, not counted
  // as a new result.
  static bool flagged(const Frame& f) { return f.duplicate; }
};

}  // namespace odyo::drivers
