#pragma once
// Vitalograph Lung Monitor (Bluetooth SPP) FEV records (reference/devices/
// vitalograph-lung-monitor.md). Frame: STX 0x02 · 56 ASCII data characters · ETX 0x03 ·
// one checksum byte = XOR of STX…ETX inclusive (§2). The host answers ACK 0x06 when the checksum
// matches and NAK 0x15 when not; the decoder queues those replies in stream order
// (take_replies()) so the driver only writes them.
// Content errors (wrong literal, non-digit) after a good checksum: ACK first, then the record is
// delivered with `content_error` set (§7: "ACK = frame received intact").
// Thread-safety: plain value types; one decoder per connection, one thread.

#include <cstdint>
#include <optional>
#include <string>

#include "drivers/codec/codec.hpp"

namespace odyo::codec::vitalograph {

inline constexpr std::uint8_t kStx = 0x02, kEtx = 0x03, kAck = 0x06, kNak = 0x15;
inline constexpr std::size_t kDataChars = 56;      // §3
inline constexpr std::size_t kFrameBytes = 59;     // §2
inline constexpr std::size_t kMaxDataChars = 250;  // bound for a frame without ETX

std::uint8_t checksum(ByteSpan stx_to_etx);  // XOR of STX…ETX inclusive

struct FevResult {        // §3, device-reported values (BTPS status unknown, §6)
  std::string device_id;  // 10 characters
  double fev1_l = 0, fev6_l = 0, fev1_fev6_ratio = 0, fef25_75_lps = 0;  // FEF unit assumed (§3)
  int personal_best_raw = 0, fev1_percent_raw = 0;                   // meaning/scale unknown (§8)
  int green_zone_raw = 0, yellow_zone_raw = 0, orange_zone_raw = 0;  // unknown (§8)
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;  // device clock, 20YY
  bool good_test = false;                                              // error flag '0'
  int software_version = 0;
};

struct Record {
  std::uint64_t stream_offset = 0;
  std::string data;                 // the characters between STX and ETX
  std::optional<FevResult> result;  // set when the content is valid
  std::string content_error;        // why the content was rejected (checksum was fine)
};

class VitalographParser {
 public:
  using Frame = Record;
  [[nodiscard]] bool is_start(std::uint8_t b) const { return b == kStx; }
  ParseStep<Record> parse(ByteSpan at, std::uint64_t offset);
  [[nodiscard]] std::size_t max_frame_bytes() const { return kMaxDataChars + 3; }
  [[nodiscard]] std::string describe_truncated(std::size_t have) const;
  void reset() { replies_.clear(); }
  Bytes take_replies() { return std::exchange(replies_, {}); }

 private:
  Bytes replies_;
};

class VitalographDecoder : public StreamDecoder<VitalographParser> {
 public:
  // Bytes the host must send back (ACK/NAK), in the order of the frames they answer.
  Bytes take_replies() { return parser().take_replies(); }
};

// Decodes the 56 data characters (§3). Error message names the field.
Expected<FevResult> decode_fev(std::string_view data);
// Builds a frame around 56 data characters (for simulators and tests).
Bytes encode_frame(std::string_view data);
// Builds the 56 data characters from values (simulators).
std::string format_fev(const FevResult& r);

}  // namespace odyo::codec::vitalograph
