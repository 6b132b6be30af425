#pragma once
// Grason-Stadler GSI 61 driver (registry name "gsi61"): the instrument's RS-232 output records
// (reference/devices/gsi61.md), read-out only — the input records that would drive a test are
// unknown (§3.1, §8). The checksum rule is unknown too (§4): with the profile's `log_only`
// policy a record that fails hypothesis H1 is delivered with integrity = unverified_mismatch and
// counted as flagged; `strict` rejects it as a decode error.
// Thread-safety: one instance per port, used from the session's I/O thread.

#include "drivers/codec/gsi61.hpp"
#include "drivers/profile/profile.hpp"

namespace odyo::drivers {

class Gsi61Driver : public codec::gsi61::Gsi61Decoder {
 public:
  Gsi61Driver() = default;
  explicit Gsi61Driver(const profile::SerialResultsProfile& p)
      : codec::gsi61::Gsi61Decoder(p.gsi61_checksum) {}
  // Records whose checksum failed H1 or whose fields are malformed.
  static bool flagged(const Frame& f) {
    return f.kind == codec::gsi61::Kind::record &&
           (f.integrity == codec::gsi61::Integrity::unverified_mismatch ||
            !f.content_error.empty());
  }
};

}  // namespace odyo::drivers
