#pragma once
// Vitalograph Lung Monitor driver (registry name "vitalograph"): one FEV1/FEV6 record per blow
// over Bluetooth SPP (a /dev/rfcommN tty, or a pty in the tests), reference/devices/
// vitalograph-lung-monitor.md. The host answers every frame: ACK 0x06 when the checksum matches,
// NAK 0x15 when not (§2); acquisition::RecordSession writes take_replies() back to the port right
// after the bytes are journaled and decoded. A record already received (same data: device id and
// device time, §7 "duplicates → keep one") is acknowledged again but not delivered twice; it is
// counted (duplicates()), also across a reconnection.
// Thread-safety: one instance per connection, used from the session's I/O thread.

#include <set>
#include <string>

#include "drivers/codec/vitalograph.hpp"
#include "drivers/profile/profile.hpp"

namespace odyo::drivers {

class VitalographDriver : public codec::vitalograph::VitalographDecoder {
 public:
  VitalographDriver() = default;
  explicit VitalographDriver(const profile::SerialResultsProfile& /*p*/) {}

  void feed(codec::ByteSpan bytes, Batch& out) {
    const std::size_t before = out.frames.size();
    codec::vitalograph::VitalographDecoder::feed(bytes, out);
    std::size_t keep = before;
    for (std::size_t i = before; i < out.frames.size(); ++i) {
      if (seen_.insert(out.frames[i].data).second) {
        if (keep != i) out.frames[keep] = std::move(out.frames[i]);
        ++keep;
      } else {
        ++duplicates_;
      }
    }
    out.frames.resize(keep);
  }
  [[nodiscard]] std::uint64_t duplicates() const { return duplicates_; }
  // A frame whose content was rejected after a good checksum (§7: ACK, then a visible error).
  static bool flagged(const Frame& f) { return !f.content_error.empty(); }

 private:
  std::set<std::string> seen_;
  std::uint64_t duplicates_ = 0;
};

}  // namespace odyo::drivers
