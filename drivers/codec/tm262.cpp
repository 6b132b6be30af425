#include "drivers/codec/tm262.hpp"

#include <cmath>
#include <cstdio>

namespace odyo::codec::tm262 {

namespace {

int hex_digit(std::uint8_t c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// Reads `n` hex characters; -1 if any is not hex.
long read_hex(ByteSpan s, std::size_t at, std::size_t n) {
  if (at + n > s.size()) return -1;
  long v = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const int d = hex_digit(s[at + i]);
    if (d < 0) return -1;
    v = v * 16 + d;
  }
  return v;
}

std::string hex2(unsigned v) {
  char b[4];
  std::snprintf(b, sizeof b, "%02X", v & 0xFFU);
  return b;
}

bool printable(std::uint8_t c) {
  return c >= 0x20 && c < 0x7F;
}

}  // namespace

std::uint8_t checksum_full(ByteSpan before) {
  unsigned s = 0;
  for (std::uint8_t c : before) s += c;
  return static_cast<std::uint8_t>(s & 0xFFU);
}

std::uint8_t checksum_seven_bit(ByteSpan before) {
  return static_cast<std::uint8_t>(checksum_full(before) & 0x7FU);
}

std::string Tm262Parser::describe_truncated(std::size_t have) const {
  return "the transfer ended " + std::to_string(have) +
         " byte(s) into a TM262 record (cable pulled or XOFF timeout); ask the operator to send "
         "the record again";
}

ParseStep<Record> Tm262Parser::parse(ByteSpan at, std::uint64_t offset) {
  using Step = ParseStep<Record>;
  (void)offset;
  // Find CR LF; every byte before it must be printable ASCII (§6: otherwise resynchronise).
  std::size_t k = 1;
  for (; k < at.size(); ++k) {
    const std::uint8_t c = at[k];
    if (c == '\r') break;
    if (c == '.')
      return Step::reject(errc::truncated,
                          "TM262 record cut off after " + std::to_string(k) +
                              " characters by the start of another record; ask the operator to "
                              "send it again",
                          k);
    if (!printable(c))
      return Step::reject(errc::bad_header,
                          "TM262 record holds a non-printable byte 0x" + hex2(c) + " at position " +
                              std::to_string(k + 1) + "; discarded, ask the operator to send again",
                          k + 1);
    if (k + 2 > kMaxRecordBytes) return Step::reject(errc::too_long, "TM262 record without CR LF");
  }
  if (k + 1 >= at.size()) return Step::need_more();  // need CR and LF
  if (at[k + 1] != '\n')
    return Step::reject(errc::bad_header, "TM262 record: CR not followed by LF", k + 1);
  const std::size_t total = k + 2;
  const ByteSpan text = at.subspan(0, k);
  if (k < 7)
    return Step::reject(
        errc::bad_length,
        "TM262 record of " + std::to_string(k) + " characters is too short for header and checksum",
        total);
  const char type = static_cast<char>(text[1]);
  if (type == 'y' && k != kAudiometryRecordBytes - 2)
    return Step::reject(errc::bad_length,
                        "TM262 audiometry record has " + std::to_string(k + 2) +
                            " bytes, expected 60; ask the operator to send it again",
                        total);
  // Checksum (§4): accept either reading of "most significant bit = 0".
  const long got = read_hex(text, k - 2, 2);
  const ByteSpan body = text.subspan(0, k - 2);
  const std::uint8_t full = checksum_full(body), seven = checksum_seven_bit(body);
  Record r;
  if (got == full && got == seven)
    r.checksum_variant = ChecksumVariant::both;
  else if (got == full)
    r.checksum_variant = ChecksumVariant::full_byte;
  else if (got == seven)
    r.checksum_variant = ChecksumVariant::seven_bit;
  else
    return Step::reject(errc::bad_checksum,
                        "TM262 record " + std::string(1, type) + " was damaged (checksum " +
                            std::string(reinterpret_cast<const char*>(text.data() + k - 2), 2) +
                            ", expected " + hex2(full) + " or " + hex2(seven) +
                            "); ask the operator to send it again",
                        total);
  r.type = type;
  r.text.assign(text.begin(), text.end());
  const auto digit = [&](std::size_t i) {
    return text[i] >= '0' && text[i] <= '9' ? text[i] - '0' : -1;
  };
  r.sequence = digit(2);
  r.index = digit(3);
  r.total = digit(4);
  if (r.sequence < 0 || r.index < 0 || r.index > 8 || r.total < 1 || r.total > 8)
    return Step::reject(errc::bad_field,
                        "TM262 record header \"" + r.text.substr(0, 5) +
                            "\": sequence 0–9, index 0–8 and total 1–8 expected",
                        total);
  if (type == 'x' || type == 'y') {
    const long ear = read_hex(text, 10, 2);
    if (ear == 1)
      r.ear = Ear::left;
    else if (ear == 2)
      r.ear = Ear::right;
    else
      return Step::reject(errc::bad_field,
                          "TM262 record " + std::string(1, type) + ": ear field \"" +
                              r.text.substr(10, 2) +
                              "\" must be 01 (left) or 02 (right); both or none is invalid (§3)",
                          total);
  }
  if (type == 'y') {
    r.audiogram.source = "TM262 record y, sequence " + std::to_string(r.sequence);
    for (int i = 0; i < 11; ++i) {
      const long raw = read_hex(text, 12 + 4 * static_cast<std::size_t>(i), 4);
      if (raw < 0)
        return Step::reject(errc::bad_field,
                            "TM262 record y: threshold at " + std::to_string(kFrequenciesHz[i]) +
                                " Hz is not 4 hex digits",
                            total);
      const auto v = static_cast<std::int16_t>(static_cast<std::uint16_t>(raw));
      AudiogramPoint p;
      p.ear = *r.ear;
      p.transducer = Transducer::air;
      p.frequency_hz = kFrequenciesHz[i];
      if (v == kNotTested) {
        p.status = PointStatus::not_tested;
      } else if (v >= kNoResponseMin && v <= kNoResponseMax) {
        p.status = PointStatus::no_response;  // level not recoverable (§3): device maximum
      } else if (v >= -20 && v <= 200) {
        p.status = PointStatus::measured;
        p.threshold_db_hl = v / 2.0;
      } else {
        return Step::reject(errc::bad_field,
                            "TM262 record y: threshold code " + std::to_string(v) + " at " +
                                std::to_string(kFrequenciesHz[i]) +
                                " Hz is outside −20…200 (−10…100 dB HL), NR 231…450 and NT",
                            total);
      }
      r.audiogram.points.push_back(std::move(p));
    }
  } else if (type == 'x') {
    if (k < 32)
      return Step::reject(errc::bad_length, "TM262 record x shorter than its 30 known characters",
                          total);
    Tympanometry t;
    const long ecv = read_hex(text, 12, 4), pc = read_hex(text, 16, 4), pp = read_hex(text, 20, 4),
               gr = read_hex(text, 24, 4), ei = read_hex(text, 28, 2);
    if (ecv < 0 || pc < 0 || pp < 0 || gr < 0 || ei < 0)
      return Step::reject(errc::bad_field, "TM262 record x: characters 13–30 are not hex", total);
    t.ecv_raw = static_cast<std::uint16_t>(ecv);
    t.peak_compliance_cm3 = static_cast<double>(pc) / 64.0;  // §5: cm³ × 64
    t.peak_pressure_dapa = static_cast<std::int16_t>(static_cast<std::uint16_t>(pp));
    t.gradient_dapa = static_cast<std::int16_t>(static_cast<std::uint16_t>(gr));
    t.end_index = static_cast<std::int8_t>(static_cast<std::uint8_t>(ei));
    r.tympanometry = t;
  }
  r.duplicate = last_.has_value() && *last_ == r.text;
  last_ = r.text;
  return Step::ok(std::move(r), total);
}

Bytes encode_audiometry_record(const AudiometryRecordOut& in) {
  std::string s = ".y";
  s += static_cast<char>('0' + (in.sequence % 10));
  s += static_cast<char>('0' + (in.index % 10));
  s += static_cast<char>('0' + (in.total % 10));
  s += "-----";
  s += in.ear == Ear::left ? "01" : "02";
  for (int i = 0; i < 11; ++i) {
    std::int32_t code = 0x8000;
    if (in.no_response[i]) {
      code = kNoResponseMin;
    } else if (in.thresholds_db_hl[i]) {
      code = static_cast<std::int32_t>(std::lround(*in.thresholds_db_hl[i] * 2.0));
    }
    char b[8];
    std::snprintf(b, sizeof b, "%04X", static_cast<unsigned>(code) & 0xFFFFU);
    s += b;
  }
  const ByteSpan body(reinterpret_cast<const std::uint8_t*>(s.data()), s.size());
  s += hex2(in.seven_bit_checksum ? checksum_seven_bit(body) : checksum_full(body));
  s += "\r\n";
  return Bytes(s.begin(), s.end());
}

}  // namespace odyo::codec::tm262
