#include "drivers/codec/fipp.hpp"

#include <cstdio>

namespace odyo::codec::fipp {

namespace {

std::uint16_t word_at(const std::uint8_t* p) {
  return static_cast<std::uint16_t>(p[0] | (p[1] << 8));  // little-endian (§2)
}

void put_word(Bytes& out, std::uint16_t w) {
  out.push_back(static_cast<std::uint8_t>(w & 0xFFU));
  out.push_back(static_cast<std::uint8_t>(w >> 8));
}

std::uint16_t sum_words(std::span<const std::uint16_t> words, bool end_around) {
  std::uint32_t s = 0;
  for (std::uint16_t w : words) {
    s += w;
    if (end_around) s = (s & 0xFFFFU) + (s >> 16);
  }
  return static_cast<std::uint16_t>(s & 0xFFFFU);
}

bool starts_with(ByteSpan at, const Bytes& pattern, bool& need_more) {
  if (pattern.empty()) return false;
  const std::size_t n = std::min(at.size(), pattern.size());
  for (std::size_t i = 0; i < n; ++i)
    if (at[i] != pattern[i]) return false;
  if (at.size() < pattern.size()) {
    need_more = true;
    return false;
  }
  return true;
}

std::string hex4(std::uint16_t v) {
  char b[8];
  std::snprintf(b, sizeof b, "%04X", v);
  return b;
}

}  // namespace

std::optional<CarryRule> carry_rule_from_name(std::string_view name) {
  if (name == "discard") return CarryRule::discard;
  if (name == "end_around") return CarryRule::end_around;
  if (name == "either") return CarryRule::either;
  return std::nullopt;
}

std::uint16_t checksum(std::span<const std::uint16_t> words, CarryRule rule) {
  return static_cast<std::uint16_t>(~sum_words(words, rule == CarryRule::end_around));
}

std::string_view to_string(FlowControl f) {
  switch (f) {
    case FlowControl::poll:
      return "poll";
    case FlowControl::ack:
      return "ack";
    case FlowControl::nak:
      return "nak";
    case FlowControl::skip_poll:
      return "skip_poll";
    case FlowControl::quick_terminate:
      return "quick_terminate";
  }
  return "?";
}

FippConfig FippConfig::placeholder_defaults() {
  // UNVERIFIED placeholders (frye-fipp.md §9 item 2): FIPP-framed messages 0xA000…0xA004 with no
  // data; checksum NOT(0xA00k) = 0x5FFF − k.
  FippConfig c;
  c.poll = encode(0xA000, {});
  c.ack = encode(0xA001, {});
  c.nak = encode(0xA002, {});
  c.skip_poll = encode(0xA003, {});
  c.quick_terminate = encode(0xA004, {});
  return c;
}

Bytes encode(std::uint16_t message_number, std::span<const std::uint16_t> data, CarryRule rule) {
  std::vector<std::uint16_t> words;
  words.reserve(data.size() + 3);
  words.push_back(message_number);
  words.push_back(static_cast<std::uint16_t>(data.size()));
  words.insert(words.end(), data.begin(), data.end());
  words.push_back(checksum(words, rule));
  Bytes out;
  out.reserve(words.size() * 2);
  for (std::uint16_t w : words) put_word(out, w);
  return out;
}

Bytes encode_command(std::uint16_t n, std::span<const std::uint16_t> data, CarryRule rule) {
  return encode(static_cast<std::uint16_t>(kFa1xCommandBase + n), data, rule);
}

Bytes encode_response(std::uint16_t n, std::span<const std::uint16_t> data, CarryRule rule) {
  return encode(static_cast<std::uint16_t>(kResponseBase + n), data, rule);
}

Bytes encode_set_control_registers(const std::array<std::uint16_t, kControlRegisterWords>& regs,
                                   CarryRule rule) {
  return encode_command(kSetControlRegisters, regs, rule);
}

const Bytes& flow_control_bytes(const FippConfig& config, FlowControl which) {
  switch (which) {
    case FlowControl::poll:
      return config.poll;
    case FlowControl::ack:
      return config.ack;
    case FlowControl::nak:
      return config.nak;
    case FlowControl::skip_poll:
      return config.skip_poll;
    case FlowControl::quick_terminate:
      return config.quick_terminate;
  }
  return config.poll;
}

FippParser::FippParser(Direction direction, FippConfig config)
    : direction_(direction), config_(std::move(config)) {
  // A message starts with the low byte of its number; any low byte is possible, so the start
  // test is on the pattern first bytes and, for messages, done fully in parse() (the high byte
  // must be 0x90 from the instrument, 0x10 or 0x00 from the host). All bytes are candidates.
  start_.fill(true);
}

bool FippParser::is_start(std::uint8_t b) const {
  return start_[b];
}

std::size_t FippParser::max_frame_bytes() const {
  std::size_t m = 2 * (config_.max_data_words + 3);
  for (const Bytes* p :
       {&config_.poll, &config_.ack, &config_.nak, &config_.skip_poll, &config_.quick_terminate})
    m = std::max(m, p->size());
  return m;
}

std::string FippParser::describe_truncated(std::size_t have) const {
  return "the link ended " + std::to_string(have) +
         " byte(s) into a FIPP message (audiometer switched off or cable pulled mid-message)";
}

ParseStep<Message> FippParser::parse(ByteSpan at, std::uint64_t offset) {
  using Step = ParseStep<Message>;
  (void)offset;
  // Flow-control patterns first: they are exact byte strings (possibly FIPP-framed).
  bool need_more = false;
  const FlowControl kinds[] = {FlowControl::poll, FlowControl::ack, FlowControl::nak,
                               FlowControl::skip_poll, FlowControl::quick_terminate};
  for (FlowControl k : kinds) {
    const Bytes& pat = flow_control_bytes(config_, k);
    if (starts_with(at, pat, need_more)) {
      Message m;
      m.kind = MessageKind::flow_control;
      m.flow_control = k;
      if (pat.size() >= 2) m.message_number = word_at(pat.data());
      return Step::ok(std::move(m), pat.size());
    }
  }
  if (at.size() < 2) return Step::need_more();
  const std::uint16_t number = word_at(at.data());
  const std::uint16_t high = number & 0xFF00U;
  Message m;
  if (direction_ == Direction::from_instrument) {
    if (high != kResponseBase) {
      if (need_more) return Step::need_more();
      return Step::reject(errc::garbage, {});
    }
    m.kind = MessageKind::response;
    m.command = static_cast<std::uint16_t>(number - kResponseBase);
  } else {
    if (high != kFa1xCommandBase && high != 0x0000) {
      if (need_more) return Step::need_more();
      return Step::reject(errc::garbage, {});
    }
    m.kind = MessageKind::command;
    m.command = static_cast<std::uint16_t>(number & 0x00FFU);
  }
  m.message_number = number;
  if (at.size() < 4) return Step::need_more();
  const std::uint16_t count = word_at(at.data() + 2);
  if (count > config_.max_data_words) {
    if (need_more) return Step::need_more();
    return Step::reject(errc::bad_length, "FIPP message 0x" + hex4(number) + " claims " +
                                              std::to_string(count) + " data words (limit " +
                                              std::to_string(config_.max_data_words) + ")");
  }
  const std::size_t total = 2 * (static_cast<std::size_t>(count) + 3);
  if (at.size() < total) return Step::need_more();
  std::vector<std::uint16_t> words(count + 2);
  for (std::size_t i = 0; i < words.size(); ++i) words[i] = word_at(at.data() + 2 * i);
  const std::uint16_t got = word_at(at.data() + total - 2);
  const std::uint16_t want_discard = checksum(words, CarryRule::discard);
  const std::uint16_t want_folded = checksum(words, CarryRule::end_around);
  const bool ok_discard = got == want_discard;
  const bool ok_folded = got == want_folded;
  bool ok = false;
  switch (config_.carry_rule) {
    case CarryRule::discard:
      ok = ok_discard;
      break;
    case CarryRule::end_around:
      ok = ok_folded;
      break;
    case CarryRule::either:
      ok = ok_discard || ok_folded;
      break;
  }
  if (!ok) {
    return Step::reject(
        errc::bad_checksum,
        "FIPP message 0x" + hex4(number) + " with " + std::to_string(count) +
            " data words has checksum 0x" + hex4(got) + ", expected 0x" +
            hex4(config_.carry_rule == CarryRule::end_around ? want_folded : want_discard) +
            "; the message is discarded (re-issue it at the next poll)",
        total);
  }
  m.carry_folded = ok_folded && !ok_discard;
  m.data.assign(words.begin() + 2, words.end());
  return Step::ok(std::move(m), total);
}

std::string Version::model() const {
  if (machine_type == 100) return "FA10";
  if (machine_type == 102) return "FA12";
  return "unknown machine type " + std::to_string(machine_type);
}

std::optional<int> Version::max_level_db_hl() const {
  if (machine_type == 100) return 110;  // F6: FA10 American, 110 dB max
  if (machine_type == 102) return 120;  // F6: FA12 European, 120 dB max
  return std::nullopt;
}

namespace {
DecodeError content_error(const Message& m, std::string what) {
  return DecodeError{m.stream_offset, 0, errc::bad_field, std::move(what)};
}
}  // namespace

Expected<Version> decode_version(const Message& m) {
  if (m.kind != MessageKind::response || m.command != kGetVersion)
    return content_error(
        m, "not a Get Version response (0x901C): message 0x" + hex4(m.message_number));
  if (m.data.size() != kVersionWords)
    return content_error(
        m, "Get Version response has " + std::to_string(m.data.size()) + " data words, expected 6");
  Version v;
  v.software_version_x100 = m.data[0];
  v.standard_options = static_cast<std::uint32_t>(m.data[1]) |
                       (static_cast<std::uint32_t>(m.data[2]) << 16);  // low word first (§2)
  v.custom_options = m.data[3];
  v.expanded_options = m.data[4];
  v.machine_type = m.data[5];
  return v;
}

Expected<std::array<std::uint16_t, kControlRegisterWords>> decode_control_registers(
    const Message& m) {
  if (m.kind != MessageKind::response || m.command != kGetControlRegisters)
    return content_error(
        m, "not a Get Control Registers response (0x9001): message 0x" + hex4(m.message_number));
  if (m.data.size() != kControlRegisterWords)
    return content_error(
        m, "control block has " + std::to_string(m.data.size()) + " words, expected 14");
  std::array<std::uint16_t, kControlRegisterWords> r{};
  std::copy(m.data.begin(), m.data.end(), r.begin());
  return r;
}

Expected<std::array<std::uint16_t, kKeyboardRegisterWords>> decode_keyboard_registers(
    const Message& m) {
  if (m.kind != MessageKind::response || m.command != kGetKeyboardRegisters)
    return content_error(m, "not a Get Keyboard Input Registers response (0x9009): message 0x" +
                                hex4(m.message_number));
  if (m.data.size() != kKeyboardRegisterWords)
    return content_error(
        m, "keyboard block has " + std::to_string(m.data.size()) + " words, expected 8");
  std::array<std::uint16_t, kKeyboardRegisterWords> r{};
  std::copy(m.data.begin(), m.data.end(), r.begin());
  return r;
}

}  // namespace odyo::codec::fipp
