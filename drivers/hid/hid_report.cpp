#include "drivers/hid/hid_report.hpp"

#include <string>

namespace odyo::drivers::hid {
namespace {

std::string hex(std::span<const std::uint8_t> b) {
  static const char* d = "0123456789ABCDEF";
  std::string s;
  for (std::size_t i = 0; i < b.size() && i < 16; ++i) {
    if (i) s += ' ';
    s += d[b[i] >> 4];
    s += d[b[i] & 0xF];
  }
  if (b.size() > 16) s += " …";
  return s;
}

}  // namespace

IoStatus check_button_descriptor(std::span<const std::uint8_t> d) {
  bool button_page = false;
  bool one_bit_input = false;
  // Walk the short items: prefix byte = tag(4) type(2) size(2); size 3 means 4 bytes.
  std::size_t i = 0;
  int report_size = 0;
  while (i < d.size()) {
    const std::uint8_t prefix = d[i];
    const std::size_t n = (prefix & 0x3) == 3 ? 4 : (prefix & 0x3);
    if (i + 1 + n > d.size())
      return IoError{"unsupported_button", "HID report descriptor is truncated at byte " +
                                               std::to_string(i) + "; not a response button"};
    const std::uint32_t v = n == 0 ? 0 : d[i + 1];
    const std::uint8_t item = prefix & 0xFC;
    if (item == 0x04 && v == 0x09) button_page = true;    // Usage Page (Button)
    if (item == 0x74) report_size = static_cast<int>(v);  // Report Size
    if (item == 0x80 && report_size == 1 && button_page && (v & 0x01) == 0)
      one_bit_input = true;  // Input (Data) of 1-bit fields
    if (item == 0x84)
      return IoError{"unsupported_button",
                     "HID device uses numbered reports (Report ID); this station reads the "
                     "one-button layout of the reference note §5 only"};
    i += 1 + n;
  }
  if (!button_page || !one_bit_input)
    return IoError{"unsupported_button", "HID report descriptor has no 1-bit button input (" +
                                             hex(d) +
                                             "); connect a one-button USB response switch"};
  return {};
}

IoStatus parse_button_report(std::span<const std::uint8_t> report, bool& pressed) {
  if (report.size() != 1)
    return IoError{"malformed_report",
                   "response button sent a report of " + std::to_string(report.size()) +
                       " bytes (" + hex(report) +
                       "), expected 1: the response is unknown; check the button model"};
  if ((report[0] & 0xFE) != 0)
    return IoError{"malformed_report",
                   "response button report " + hex(report) +
                       " sets padding bits: the response is unknown; check the button model"};
  pressed = (report[0] & 0x01) != 0;
  return {};
}

}  // namespace odyo::drivers::hid
