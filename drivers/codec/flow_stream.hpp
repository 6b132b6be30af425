#pragma once
// Flow-stream family: raw-flow spirometer heads (e.g. a Sensirion SFM3000 behind a USB or serial
// bridge) whose frame layout is data — a FlowStreamLayout read from a device profile
// (config/devices/*.toml, parsed by drivers/profile/profile.hpp). A newly captured protocol is a
// new profile, not new code.
//
// A frame is: header fields (must start with the sync bytes) · samples_per_frame × sample fields ·
// trailer fields (the frame checksum, if any, is the last trailer field). Every field is a fixed
// width unsigned integer with its own byte order. The decoder checks the frame checksum (frame
// rejected → DecodeError bad_checksum, stream resynchronises on the next sync), checks each
// sample's word CRC (a bad word is kept but flagged crc_ok = false: the caller drops it, counts
// it and marks a gap — sensirion-sfm3000.md §6), and follows the sequence counter to number
// every sample and to report gaps and backwards jumps.
//
// Thread-safety: plain value types; one decoder per device stream, used from one thread.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "drivers/codec/checksum.hpp"
#include "drivers/codec/codec.hpp"

namespace odyo::codec {

enum class ByteOrder { little, big };

// What a field means. Roles not listed are rejected by the profile parser.
enum class FieldRole {
  sync,      // constant bytes (header only, first field)
  sequence,  // frame counter or sample index (see FlowStreamLayout::sequence_*)
  status,    // bridge/sensor status bits
  reserved,  // ignored
  flow_raw,  // raw sensor word (sample only, exactly one)
  word_crc,  // CRC-8 of the raw word's bytes as the sensor sent them (sample only)
  checksum,  // frame checksum (trailer only, last field)
};
std::optional<FieldRole> field_role_from_name(std::string_view name);
std::string_view to_string(FieldRole r);

struct FieldSpec {
  FieldRole role = FieldRole::reserved;
  std::size_t width_bytes = 1;               // 1, 2 or 4 (sync: number of sync bytes)
  ByteOrder byte_order = ByteOrder::little;  // ignored for 1-byte fields and sync
  Bytes sync_bytes;                          // sync only
};

struct FlowStreamLayout {
  std::vector<FieldSpec> header;   // header[0] is the sync field
  std::vector<FieldSpec> sample;   // repeated samples_per_frame times
  std::vector<FieldSpec> trailer;  // ends with the checksum field unless checksum == none
  std::size_t samples_per_frame = 1;

  FrameChecksum checksum = FrameChecksum::none;
  bool checksum_covers_sync = false;  // true: from the first byte; false: after the sync bytes
  std::uint8_t crc8_polynomial = kSensirionCrcPolynomial;  // for checksum == crc8
  std::uint8_t crc8_init = 0x00;

  bool word_crc = false;  // sample has a word_crc field
  std::uint8_t word_crc_polynomial = kSensirionCrcPolynomial;
  std::uint8_t word_crc_init = 0x00;  // SFM3000 family: 0x00 (sensirion-sfm3000.md §4)

  // Sequence counter: the header's `sequence` field advances by sequence_step per frame and wraps
  // at 2^sequence_bits. If sequence_counts_samples, its value is the index of the frame's first
  // sample; otherwise it counts frames and the first sample index is counter × samples_per_frame.
  bool has_sequence = false;
  unsigned sequence_bits = 16;
  std::uint64_t sequence_step = 1;
  bool sequence_counts_samples = false;

  [[nodiscard]] std::size_t frame_bytes() const;
  // Checks the layout's internal consistency; the message names what is wrong.
  [[nodiscard]] Expected<bool> validate() const;
};

struct FlowSample {
  std::uint16_t raw = 0;  // the sensor word as sent (unsigned, sensirion-sfm3000.md §2)
  bool crc_ok = true;     // false: drop this sample, count it, mark a gap
};

enum class SequenceEvent {
  first,       // first frame after creation/reset: numbering starts here
  continuous,  // exactly the expected next frame
  gap,         // frames were lost: missing_samples_before > 0
  backwards,   // counter went back (device restart or reordering): numbering restarts here
  none,        // the layout has no sequence field (numbering by arrival)
};
std::string_view to_string(SequenceEvent e);

struct FlowFrame {
  std::uint64_t stream_offset = 0;           // offset of the frame's first byte in the stream
  std::uint64_t sequence_raw = 0;            // the counter value as received
  std::uint64_t first_sample_index = 0;      // unwrapped index of samples[0] in this stream
  std::uint64_t missing_samples_before = 0;  // samples lost just before this frame (gap)
  SequenceEvent sequence_event = SequenceEvent::none;
  std::uint32_t status = 0;           // the status field, 0 if the layout has none
  std::uint32_t word_crc_errors = 0;  // samples with crc_ok == false
  std::vector<FlowSample> samples;
};

// The parser plugged into StreamDecoder (see codec.hpp for the contract).
class FlowStreamParser {
 public:
  using Frame = FlowFrame;
  FlowStreamParser() = default;
  explicit FlowStreamParser(FlowStreamLayout layout);

  [[nodiscard]] bool is_start(std::uint8_t b) const;
  ParseStep<FlowFrame> parse(ByteSpan at, std::uint64_t offset);
  [[nodiscard]] std::size_t max_frame_bytes() const { return frame_bytes_; }
  [[nodiscard]] std::string describe_truncated(std::size_t have) const;
  void reset();
  [[nodiscard]] const FlowStreamLayout& layout() const { return layout_; }

 private:
  FlowStreamLayout layout_;
  std::size_t frame_bytes_ = 1;
  bool have_last_ = false;
  std::uint64_t last_seq_raw_ = 0;
  std::uint64_t next_index_ = 0;  // index of the sample expected next
};

// Incremental decoder: feed bytes, get FlowFrames + DecodeErrors, leftovers kept.
class FlowStreamDecoder : public StreamDecoder<FlowStreamParser> {
 public:
  explicit FlowStreamDecoder(FlowStreamLayout layout)
      : StreamDecoder<FlowStreamParser>(FlowStreamParser(std::move(layout))) {}
};

// What a simulator (or a test) puts into one frame. Word CRCs and the frame checksum are computed.
struct FlowFrameOut {
  std::uint64_t sequence = 0;  // written modulo 2^sequence_bits
  std::uint32_t status = 0;
  std::vector<std::uint16_t> raw;  // exactly samples_per_frame words
};
// Encodes one frame; error if raw.size() != samples_per_frame or the layout is invalid.
Expected<Bytes> encode_flow_frame(const FlowStreamLayout& layout, const FlowFrameOut& frame);

// Scaling of the raw word to flow: flow [unit] = (raw − offset) / scale (sensirion-sfm3000.md §3).
struct FlowScaling {
  double offset = 32000.0;     // SFM3000 (E1, E4)
  double scale = 140.0;        // SFM3000 in air/N2 (E1, E4)
  double unit_per_lps = 60.0;  // 60 when the sensor unit is slm (standard litres per minute)
  // Raw words at or beyond these limits mean "flow out of range" (sensirion-sfm3000.md §6).
  std::uint16_t raw_min_valid = 0;
  std::uint16_t raw_max_valid = 0xFFFF;

  // Flow in litres per second at the sensor's standard conditions (not BTPS-corrected).
  [[nodiscard]] double flow_lps(std::uint16_t raw) const {
    return (static_cast<double>(raw) - offset) / scale / unit_per_lps;
  }
  // The raw word that best represents a flow (for simulators), clamped to 0…65535.
  [[nodiscard]] std::uint16_t raw_for_flow_lps(double flow_lps) const;
  [[nodiscard]] bool out_of_range(std::uint16_t raw) const {
    return raw <= raw_min_valid || raw >= raw_max_valid;
  }
};

}  // namespace odyo::codec
