#pragma once
// Grason-Stadler GSI 61 RS-232 "Remote Options" records (reference/devices/gsi61.md).
// Record: ':' · type digit · fixed-width ASCII fields · 2 checksum characters · CR LF.
// Known output records: type 1 (GSI 16 compatible short data, 44 bytes), type 4 (error, 8 bytes),
// type 5 (GSI 61 short data, only offsets 0–8 known). The instrument also sends a bare ACK 0x06
// after processing an input record, and may send XON/XOFF.
// The checksum rule is NOT known (§4): hypothesis H1 = mod-256 byte sum of everything before it,
// 2 upper-case hex digits. Per §4 the decoder logs but does not reject a record that fails H1:
// it is delivered with integrity = unverified_mismatch. A profile may switch to `strict`.
// Thread-safety: plain value types; one decoder per port, one thread.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "drivers/codec/codec.hpp"

namespace odyo::codec::gsi61 {

inline constexpr std::uint8_t kAck = 0x06, kXon = 0x11, kXoff = 0x13;
inline constexpr std::size_t kType1Bytes = 44, kType4Bytes = 8;  // §3.2
inline constexpr std::size_t kMaxRecordBytes = 128;

std::uint8_t checksum_h1(std::string_view before_checksum);  // UNVERIFIED hypothesis H1 (§4)

enum class Integrity { h1_match, unverified_mismatch };
enum class ChecksumPolicy { log_only, strict };  // §4: log_only until the rule is confirmed

struct Type1 {                // §3.2, offsets 0–5 and 15–43 (6–14 unknown, kept raw)
  int test_type = 0;          // 0 tone, 1 speech, 3 SISI, 4 alternate
  int channel1_stimulus = 0;  // 1 tone … 7 ext B
  int sisi = 0;
  std::string unknown_6_14;  // 9 characters, meaning not retrieved
  bool tracking = false;
  int hl_step_code = 0;       // 1: 1 dB, 3: 5 dB, 4: 2 dB
  double channel1_hl_db = 0;  // tenths of dB on the wire
  bool channel1_interrupt = false;
  double channel2_hl_db = 0;
  bool channel2_interrupt = false;
  int frequency_hz = 0;
};

struct Type4 {  // error record
  int code = 0;
  std::string meaning;      // the manual's text (§3.2 table), or "unknown error code"
  bool is_warning = false;  // 14: HL clipped — re-read the actual HL
};

struct Type5 {        // §3.2, offsets 0–8 only
  int test_type = 0;  // 0 tone, 1 speech, 2 SISI, 3 alternate (differs from type 1)
  int channel1_stimulus = 0;
  int sisi = 0;
  int timing = 0;    // 0 steady, 2 pulsed
  std::string rest;  // offsets 9… before the checksum, not decoded
};

enum class Kind { record, ack, xon, xoff };

struct Frame {
  std::uint64_t stream_offset = 0;
  Kind kind = Kind::record;
  char type = '0';   // record type digit
  std::string text;  // record without CR LF
  Integrity integrity = Integrity::h1_match;
  std::optional<Type1> type1;
  std::optional<Type4> type4;
  std::optional<Type5> type5;
  std::string content_error;  // set when a known record type has malformed fields
};

class Gsi61Parser {
 public:
  using Frame = gsi61::Frame;
  explicit Gsi61Parser(ChecksumPolicy policy = ChecksumPolicy::log_only) : policy_(policy) {}
  [[nodiscard]] bool is_start(std::uint8_t b) const {
    return b == ':' || b == kAck || b == kXon || b == kXoff;
  }
  ParseStep<Frame> parse(ByteSpan at, std::uint64_t offset);
  [[nodiscard]] std::size_t max_frame_bytes() const { return kMaxRecordBytes; }
  [[nodiscard]] std::string describe_truncated(std::size_t have) const;
  void reset() {}

 private:
  ChecksumPolicy policy_;
};

class Gsi61Decoder : public StreamDecoder<Gsi61Parser> {
 public:
  explicit Gsi61Decoder(ChecksumPolicy policy = ChecksumPolicy::log_only)
      : StreamDecoder<Gsi61Parser>(Gsi61Parser(policy)) {}
};

// ':' + type + body + H1 checksum + CR LF (simulators; input-record layouts are unknown, §3.1).
Bytes encode_record(char type, std::string_view body);
std::string_view error_meaning(int code);  // §3.2 error table

}  // namespace odyo::codec::gsi61
