#include "drivers/codec/gsi61.hpp"

#include <cstdio>

namespace odyo::codec::gsi61 {

namespace {

std::string hex2(unsigned v) {
  char b[4];
  std::snprintf(b, sizeof b, "%02X", v & 0xFFU);
  return b;
}

bool printable(std::uint8_t c) {
  return c >= 0x20 && c < 0x7F;
}

// Integer from a fixed-width field; HL fields may be zero- or space-padded and signed (§5).
std::optional<int> field_int(std::string_view t, std::size_t at, std::size_t len) {
  if (at + len > t.size()) return std::nullopt;
  std::string_view f = t.substr(at, len);
  while (!f.empty() && f.front() == ' ') f.remove_prefix(1);
  bool neg = false;
  if (!f.empty() && f.front() == '-') {
    neg = true;
    f.remove_prefix(1);
  }
  if (f.empty()) return std::nullopt;
  int v = 0;
  for (char c : f) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return neg ? -v : v;
}

}  // namespace

std::uint8_t checksum_h1(std::string_view before) {
  unsigned s = 0;
  for (char c : before) s += static_cast<std::uint8_t>(c);
  return static_cast<std::uint8_t>(s & 0xFFU);
}

std::string_view error_meaning(int code) {
  switch (code) {  // gsi61.md §3.2 error table (G5, paraphrased)
    case 1:
      return "invalid ASCII character in an input record";
    case 2:
      return "wrong number of characters in an input record";
    case 3:
      return "invalid input record type";
    case 4:
      return "invalid function code";
    case 5:
      return "invalid function sub-code";
    case 6:
      return "reserved";
    case 7:
      return "invalid frequency in a Set Frequency record";
    case 8:
      return "invalid HL in a Set HL record";
    case 9:
      return "machine state not valid for GSI-61-compatible data";
    case 10:
      return "generic NACK for an invalid input record";
    case 11:
      return "invalid start of record (unexpected characters)";
    case 12:
      return "GSI 61 UART overrun";
    case 13:
      return "invalid combination of basic speakers and booster amplifier";
    case 14:
      return "requested HL beyond attenuator limits — HL set to the closest possible value";
    case 15:
      return "printing aborted from the keypad";
    case 16:
      return "printing failed (communication or printer problem)";
    default:
      return "unknown error code";
  }
}

std::string Gsi61Parser::describe_truncated(std::size_t have) const {
  return "the link ended " + std::to_string(have) + " byte(s) into a GSI 61 record";
}

ParseStep<Frame> Gsi61Parser::parse(ByteSpan at, std::uint64_t offset) {
  using Step = ParseStep<Frame>;
  (void)offset;
  Frame f;
  if (at[0] != ':') {
    f.kind = at[0] == kAck ? Kind::ack : at[0] == kXon ? Kind::xon : Kind::xoff;
    return Step::ok(std::move(f), 1);
  }
  std::size_t k = 1;
  for (; k < at.size(); ++k) {
    const std::uint8_t c = at[k];
    if (c == '\r') break;
    if (c == ':')
      return Step::reject(errc::truncated,
                          "GSI 61 record cut off after " + std::to_string(k) +
                              " characters by the start of another record",
                          k);
    if (!printable(c))
      return Step::reject(errc::bad_header,
                          "GSI 61 record holds a non-printable byte 0x" + hex2(c) +
                              " at position " + std::to_string(k),
                          k + 1);
    if (k + 2 > kMaxRecordBytes) return Step::reject(errc::too_long, "GSI 61 record without CR LF");
  }
  if (k + 1 >= at.size()) return Step::need_more();
  if (at[k + 1] != '\n')
    return Step::reject(errc::bad_header, "GSI 61 record: CR not followed by LF", k + 1);
  const std::size_t total = k + 2;
  const std::string text(at.begin(), at.begin() + static_cast<std::ptrdiff_t>(k));
  if (text.size() < 4 || text[1] < '0' || text[1] > '9')
    return Step::reject(errc::bad_header, "GSI 61 record \"" + text + "\" has no type digit",
                        total);
  f.type = text[1];
  f.text = text;
  const std::string body = text.substr(0, text.size() - 2);
  const std::string ck = text.substr(text.size() - 2);
  if (ck != hex2(checksum_h1(body))) {
    if (policy_ == ChecksumPolicy::strict)
      return Step::reject(errc::bad_checksum,
                          "GSI 61 record checksum \"" + ck + "\" does not match rule H1 (" +
                              hex2(checksum_h1(body)) + ")",
                          total);
    f.integrity = Integrity::unverified_mismatch;  // §4: log, do not reject
  }
  auto expect_len = [&](std::size_t n) -> bool {
    if (total == n) return true;
    f.content_error = "GSI 61 record type " + std::string(1, f.type) + " has " +
                      std::to_string(total) + " bytes, expected " + std::to_string(n);
    return false;
  };
  if (f.type == '1' && expect_len(kType1Bytes)) {
    Type1 t;
    auto d = [&](std::size_t at_, std::size_t len) { return field_int(text, at_, len); };
    auto tt = d(2, 1), st = d(3, 1), si = d(5, 1), tr = d(15, 1), step = d(18, 1), hl1 = d(19, 4),
         i1 = d(23, 1), hl2 = d(24, 4), i2 = d(28, 1), fr = d(29, 5);
    if (!tt || !st || !si || !tr || !step || !hl1 || !i1 || !hl2 || !i2 || !fr) {
      f.content_error = "GSI 61 type 1 record has a non-numeric field";
    } else if (*hl1 < -100 || *hl1 > 1200 || *hl2 < -100 || *hl2 > 1200) {
      f.content_error = "GSI 61 type 1 HL outside −10.0…120.0 dB";
    } else {
      t.test_type = *tt;
      t.channel1_stimulus = *st;
      t.sisi = *si;
      t.unknown_6_14 = text.substr(6, 9);
      t.tracking = *tr == 1;
      t.hl_step_code = *step;
      t.channel1_hl_db = *hl1 / 10.0;  // tenths of dB (§3.2)
      t.channel1_interrupt = *i1 == 1;
      t.channel2_hl_db = *hl2 / 10.0;
      t.channel2_interrupt = *i2 == 1;
      t.frequency_hz = *fr;
      f.type1 = t;
    }
  } else if (f.type == '4' && expect_len(kType4Bytes)) {
    if (auto c = field_int(text, 2, 2)) {
      Type4 t;
      t.code = *c;
      t.meaning = std::string(error_meaning(*c));
      t.is_warning = *c == 14;
      f.type4 = t;
    } else {
      f.content_error = "GSI 61 error record code is not two digits";
    }
  } else if (f.type == '5') {
    auto tt = field_int(text, 2, 1), st = field_int(text, 3, 1), si = field_int(text, 5, 1),
         ti = field_int(text, 6, 1);
    if (text.size() < 11 || !tt || !st || !si || !ti) {
      f.content_error = "GSI 61 type 5 record: offsets 2–6 are not digits";
    } else {
      Type5 t;
      t.test_type = *tt;
      t.channel1_stimulus = *st;
      t.sisi = *si;
      t.timing = *ti;
      t.rest = text.substr(9, text.size() - 11);
      f.type5 = t;
    }
  }
  return Step::ok(std::move(f), total);
}

Bytes encode_record(char type, std::string_view body) {
  std::string s = ":";
  s += type;
  s += body;
  s += hex2(checksum_h1(s));
  s += "\r\n";
  return Bytes(s.begin(), s.end());
}

}  // namespace odyo::codec::gsi61
