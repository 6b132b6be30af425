#pragma once
// Pure parsing of the USB HID response button's data (reference note pc-audiometer.md §5): the
// minimal one-button report descriptor (Generic Desktop / Game Pad; Button 1, 1 bit, 7 bits
// constant padding) and its 1-byte input report (bit 0 = pressed). No I/O. A report that does
// not fit that layout is an error value ("malformed_report"), never a guess: a misread press
// would count as a response to a tone.

#include <cstdint>
#include <span>

#include "drivers/transport/io_error.hpp"

namespace odyo::drivers::hid {

// The 29-byte descriptor of the minimal one-button device.
inline constexpr std::uint8_t kOneButtonDescriptor[] = {
    0x05, 0x01, 0x09, 0x05, 0xA1, 0x01, 0x05, 0x09, 0x19, 0x01, 0x29, 0x01, 0x15, 0x00, 0x25,
    0x01, 0x75, 0x01, 0x95, 0x01, 0x81, 0x02, 0x75, 0x07, 0x95, 0x01, 0x81, 0x03, 0xC0};

// Accepts a descriptor that declares a Button usage page (0x05 0x09) with 1-bit input fields and
// no report IDs (0x85), as the one-button layout does. Error "unsupported_button" otherwise.
IoStatus check_button_descriptor(std::span<const std::uint8_t> descriptor);

// One input report → pressed or not. Exactly 1 byte; bits 1–7 are constant padding and must be 0.
IoStatus parse_button_report(std::span<const std::uint8_t> report, bool& pressed);

}  // namespace odyo::drivers::hid
