#pragma once
// Frye FIPP (Frye Instrument Packet Protocol) for the FONIX FA10/FA12 audiometers
// (reference/devices/frye-fipp.md). Word-oriented, little-endian:
//   word 0 message number · word 1 count n · n data words · checksum = NOT(sum of the words).
// PC → instrument commands are 0x1000 + N (FA1x) or N (common command numbering, §4);
// instrument → PC responses are 0x9000 + N.
//
// Known unknowns (§9) are configuration, not code: the bytes of the poll and of the flow-control
// messages (ACK, NAK, Skip Poll, Quick Terminate) and the checksum carry rule come from FippConfig,
// filled from the device profile; defaults are marked unverified placeholders.
//
// Thread-safety: plain value types; one decoder per link direction, used from one thread.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "drivers/codec/codec.hpp"

namespace odyo::codec::fipp {

inline constexpr std::uint16_t kFa1xCommandBase = 0x1000;  // §2: FA1x commands 0x1000 + N
inline constexpr std::uint16_t kResponseBase = 0x9000;     // §2: responses 0x9000 + N
inline constexpr std::uint16_t kGetControlRegisters = 1;   // §4 table
inline constexpr std::uint16_t kSetControlRegisters = 2;
inline constexpr std::uint16_t kGetKeyboardRegisters = 9;
inline constexpr std::uint16_t kGetVersion = 28;
inline constexpr std::uint16_t kGetCmdStatus = 33;
inline constexpr std::uint16_t kDoReset = 38;
inline constexpr std::size_t kControlRegisterWords = 14;  // §4: FA1x control block
inline constexpr std::size_t kKeyboardRegisterWords = 8;  // §4: keyboard block
inline constexpr std::size_t kVersionWords = 6;           // §4: version response

// §2 "Open point": what happens to the carry of the 16-bit sum.
enum class CarryRule {
  discard,     // plain mod-65536 sum (spec default)
  end_around,  // ones'-complement: carries folded back
  either,      // decoder accepts both (what the simulator uses to stay neutral)
};
std::optional<CarryRule> carry_rule_from_name(std::string_view name);

// NOT(sum of words) with the given carry rule (`either` computes `discard`).
std::uint16_t checksum(std::span<const std::uint16_t> words, CarryRule rule = CarryRule::discard);

enum class FlowControl { poll, ack, nak, skip_poll, quick_terminate };
std::string_view to_string(FlowControl f);

struct FippConfig {
  CarryRule carry_rule = CarryRule::discard;
  std::size_t max_data_words = 64;  // a count above this is a framing error (FA1x uses ≤ 14)
  // Exact byte patterns of the flow-control messages, matched only at a frame boundary.
  // UNVERIFIED: the real encodings are not in the readable spec (§3, §9 item 2). The defaults are
  // FIPP-framed placeholders with message numbers 0xA000…0xA004 and no data; the shipped profile
  // config/devices/frye-fa12.toml repeats them so a correction is a data change.
  Bytes poll, ack, nak, skip_poll, quick_terminate;
  static FippConfig placeholder_defaults();
};

enum class MessageKind { response, command, flow_control };

struct Message {
  std::uint64_t stream_offset = 0;
  MessageKind kind = MessageKind::response;
  std::uint16_t message_number = 0;              // word 0 as sent
  std::uint16_t command = 0;                     // N (response 0x9000+N, command 0x1000+N or N)
  std::vector<std::uint16_t> data;               // data words
  FlowControl flow_control = FlowControl::poll;  // kind == flow_control only
  bool carry_folded = false;  // checksum matched only with the end-around-carry rule
};

// Encodes a FIPP message: number, count, data, checksum (little-endian words).
Bytes encode(std::uint16_t message_number, std::span<const std::uint16_t> data,
             CarryRule rule = CarryRule::discard);
// FA1x command N with data (0x1000 + N).
Bytes encode_command(std::uint16_t n, std::span<const std::uint16_t> data = {},
                     CarryRule rule = CarryRule::discard);
// Response 0x9000 + N (for simulators).
Bytes encode_response(std::uint16_t n, std::span<const std::uint16_t> data,
                      CarryRule rule = CarryRule::discard);
// Set Control Registers (command 2) with the 14-word block.
Bytes encode_set_control_registers(const std::array<std::uint16_t, kControlRegisterWords>& regs,
                                   CarryRule rule = CarryRule::discard);
// Flow-control message bytes from the configuration.
const Bytes& flow_control_bytes(const FippConfig& config, FlowControl which);

// Which direction a decoder listens to.
enum class Direction {
  from_instrument,  // station side: responses 0x9000+N and flow control (poll, ACK, NAK)
  from_host,        // simulator side: commands 0x1000+N / N and flow control
};

class FippParser {
 public:
  using Frame = Message;
  FippParser() : FippParser(Direction::from_instrument, FippConfig::placeholder_defaults()) {}
  FippParser(Direction direction, FippConfig config);
  [[nodiscard]] bool is_start(std::uint8_t b) const;
  ParseStep<Message> parse(ByteSpan at, std::uint64_t offset);
  [[nodiscard]] std::size_t max_frame_bytes() const;
  [[nodiscard]] std::string describe_truncated(std::size_t have) const;
  void reset() {}

 private:
  Direction direction_;
  FippConfig config_;
  std::array<bool, 256> start_{};
};

class FippDecoder : public StreamDecoder<FippParser> {
 public:
  explicit FippDecoder(Direction direction = Direction::from_instrument,
                       FippConfig config = FippConfig::placeholder_defaults())
      : StreamDecoder<FippParser>(FippParser(direction, std::move(config))) {}
};

// Decoded Get Version response (§4, F6).
struct Version {
  std::uint16_t software_version_x100 = 0;  // 224 → 2.24
  std::uint32_t standard_options = 0;       // bit set = option installed
  std::uint16_t custom_options = 0;         // bit CLEAR = installed
  std::uint16_t expanded_options = 0;
  std::uint16_t machine_type = 0;           // 100 FA10, 102 FA12
  [[nodiscard]] std::string model() const;  // "FA10", "FA12" or "unknown machine type N"
  // Maximum hearing level of the model (F6: FA10 110 dB, FA12 120 dB); nullopt if unknown.
  [[nodiscard]] std::optional<int> max_level_db_hl() const;
};
Expected<Version> decode_version(const Message& m);

// A 14-word control block from a Get Control Registers response (meaning unknown, §9 item 1).
Expected<std::array<std::uint16_t, kControlRegisterWords>> decode_control_registers(
    const Message& m);
// An 8-word keyboard block from a Get Keyboard Input Registers response.
Expected<std::array<std::uint16_t, kKeyboardRegisterWords>> decode_keyboard_registers(
    const Message& m);

}  // namespace odyo::codec::fipp
