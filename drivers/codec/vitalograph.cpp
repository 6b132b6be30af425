#include "drivers/codec/vitalograph.hpp"

#include <cstdio>

namespace odyo::codec::vitalograph {

namespace {
std::string hex2(unsigned v) {
  char b[4];
  std::snprintf(b, sizeof b, "%02X", v & 0xFFU);
  return b;
}
}  // namespace

std::uint8_t checksum(ByteSpan stx_to_etx) {
  std::uint8_t x = 0;
  for (std::uint8_t b : stx_to_etx) x ^= b;
  return x;
}

std::string VitalographParser::describe_truncated(std::size_t have) const {
  return "the connection ended " + std::to_string(have) +
         " byte(s) into a Lung Monitor record; the partial record is discarded (§7) and the "
         "device will send it again on reconnection if it has not received an ACK";
}

ParseStep<Record> VitalographParser::parse(ByteSpan at, std::uint64_t offset) {
  using Step = ParseStep<Record>;
  (void)offset;
  // §2 state machine: after STX, data until ETX, then exactly one checksum byte (any value).
  std::size_t etx = 1;
  while (etx < at.size() && at[etx] != kEtx) {
    if (etx > kMaxDataChars)
      return Step::reject(
          errc::too_long,
          "Lung Monitor record without ETX within " + std::to_string(kMaxDataChars) + " characters",
          etx);
    ++etx;
  }
  if (etx >= at.size() || etx + 1 >= at.size()) return Step::need_more();
  const std::size_t total = etx + 2;
  const std::uint8_t want = checksum(at.subspan(0, etx + 1));
  const std::uint8_t got = at[etx + 1];
  if (got != want) {
    replies_.push_back(kNak);
    return Step::reject(errc::bad_checksum,
                        "Lung Monitor record checksum 0x" + hex2(got) + ", expected 0x" +
                            hex2(want) + "; NAK sent, the device may repeat the record",
                        total);
  }
  replies_.push_back(kAck);  // §7: ACK = frame received intact, before the content is checked
  Record r;
  r.data.assign(at.begin() + 1, at.begin() + static_cast<std::ptrdiff_t>(etx));
  auto fev = decode_fev(r.data);
  if (fev.ok())
    r.result = std::move(fev.value());
  else
    r.content_error = fev.error().message;
  return Step::ok(std::move(r), total);
}

Expected<FevResult> decode_fev(std::string_view d) {
  auto bad = [](std::string m) { return DecodeError{0, 0, errc::bad_field, std::move(m)}; };
  if (d.size() != kDataChars)
    return bad("Lung Monitor record has " + std::to_string(d.size()) +
               " data characters, expected 56; the record was received but cannot be read");
  if (d.substr(0, 3) != "FTD")
    return bad("Lung Monitor record type \"" + std::string(d.substr(0, 3)) +
               "\" is not FTD (FEV test data)");
  auto num = [&](std::size_t at, std::size_t len, const char* name, int& out) -> std::string {
    int v = 0;
    for (std::size_t i = at; i < at + len; ++i) {
      if (d[i] < '0' || d[i] > '9')
        return std::string("field ") + name + " (characters " + std::to_string(at + 1) + "–" +
               std::to_string(at + len) + ") is not numeric: \"" + std::string(d.substr(at, len)) +
               "\"";
      v = v * 10 + (d[i] - '0');
    }
    out = v;
    return {};
  };
  FevResult r;
  r.device_id = std::string(d.substr(3, 10));
  int fev1 = 0, fev6 = 0, ratio = 0, fef = 0, flag = 0;
  struct F {
    std::size_t at, len;
    const char* name;
    int* out;
  };
  const F fields[] = {{13, 3, "FEV1", &fev1},
                      {16, 3, "FEV6", &fev6},
                      {19, 3, "FEV1/FEV6", &ratio},
                      {22, 3, "FEF25-75", &fef},
                      {25, 3, "personal best", &r.personal_best_raw},
                      {28, 3, "FEV1 %", &r.fev1_percent_raw},
                      {31, 3, "green zone", &r.green_zone_raw},
                      {34, 3, "yellow zone", &r.yellow_zone_raw},
                      {37, 3, "orange zone", &r.orange_zone_raw},
                      {40, 2, "year", &r.year},
                      {42, 2, "month", &r.month},
                      {44, 2, "day", &r.day},
                      {46, 2, "hour", &r.hour},
                      {48, 2, "minute", &r.minute},
                      {50, 2, "second", &r.second},
                      {52, 1, "error flag", &flag},
                      {53, 3, "software version", &r.software_version}};
  for (const auto& f : fields)
    if (auto e = num(f.at, f.len, f.name, *f.out); !e.empty()) return bad("Lung Monitor " + e);
  r.fev1_l = fev1 / 100.0;  // §3: digits ÷ 100 → L
  r.fev6_l = fev6 / 100.0;
  r.fev1_fev6_ratio = ratio / 100.0;
  r.fef25_75_lps = fef / 100.0;
  r.year += 2000;  // §6: two-digit year, 2000–2099 assumed
  if (r.month < 1 || r.month > 12 || r.day < 1 || r.day > 31 || r.hour > 23 || r.minute > 59 ||
      r.second > 59)
    return bad("Lung Monitor record date/time " + std::string(d.substr(40, 12)) +
               " is not a valid YYMMDDhhmmss");
  if (flag > 1) return bad("Lung Monitor error flag must be 0 or 1");
  r.good_test = flag == 0;
  return r;
}

Bytes encode_frame(std::string_view data) {
  Bytes out;
  out.reserve(data.size() + 3);
  out.push_back(kStx);
  out.insert(out.end(), data.begin(), data.end());
  out.push_back(kEtx);
  out.push_back(checksum(out));
  return out;
}

std::string format_fev(const FevResult& r) {
  char b[256];
  auto c = [](double v) { return static_cast<int>(v * 100.0 + 0.5); };
  std::snprintf(b, sizeof b,
                "FTD%-10.10s%03d%03d%03d%03d%03d%03d%03d%03d%03d%02d%02d%02d%02d%02d%02d%c%03d",
                r.device_id.c_str(), c(r.fev1_l), c(r.fev6_l), c(r.fev1_fev6_ratio),
                c(r.fef25_75_lps), r.personal_best_raw % 1000, r.fev1_percent_raw % 1000,
                r.green_zone_raw % 1000, r.yellow_zone_raw % 1000, r.orange_zone_raw % 1000,
                r.year % 100, r.month % 100, r.day % 100, r.hour % 100, r.minute % 100,
                r.second % 100, r.good_test ? '0' : '1', r.software_version % 1000);
  return b;
}

}  // namespace odyo::codec::vitalograph
