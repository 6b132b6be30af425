// The response button's report descriptor check and report parser (pure).
#include "drivers/hid/hid_report.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace odyo::drivers::hid {
namespace {

TEST(HidReport, OneButtonReports) {
  bool pressed = true;
  const std::uint8_t up[] = {0x00};
  const std::uint8_t down[] = {0x01};
  ASSERT_TRUE(parse_button_report(up, pressed).ok());
  EXPECT_FALSE(pressed);
  ASSERT_TRUE(parse_button_report(down, pressed).ok());
  EXPECT_TRUE(pressed);
}

TEST(HidReport, MalformedReportsAreErrors) {
  bool pressed = false;
  const std::vector<std::vector<std::uint8_t>> bad = {{}, {0x01, 0x00}, {0x02}, {0x81}, {0xFF}};
  for (const auto& r : bad) {
    auto st = parse_button_report(r, pressed);
    ASSERT_FALSE(st.ok()) << r.size();
    EXPECT_EQ(st.error().code, "malformed_report");
    EXPECT_NE(st.error().message.find("response is unknown"), std::string::npos);
  }
}

TEST(HidReport, DescriptorOfTheOneButtonLayoutIsAccepted) {
  EXPECT_TRUE(check_button_descriptor(kOneButtonDescriptor).ok());
}

TEST(HidReport, OtherDescriptorsAreRefused) {
  // A keyboard (Usage Page 0x07 keys, 8-bit fields): not a one-button switch.
  const std::uint8_t keyboard[] = {0x05, 0x01, 0x09, 0x06, 0xA1, 0x01, 0x05, 0x07,
                                   0x19, 0xE0, 0x29, 0xE7, 0x15, 0x00, 0x25, 0x01,
                                   0x75, 0x08, 0x95, 0x08, 0x81, 0x02, 0xC0};
  EXPECT_EQ(check_button_descriptor(keyboard).error().code, "unsupported_button");
  // Numbered reports (Report ID 1) are not the one-button layout.
  std::vector<std::uint8_t> numbered(std::begin(kOneButtonDescriptor),
                                     std::end(kOneButtonDescriptor));
  numbered.insert(numbered.begin() + 6, {0x85, 0x01});
  EXPECT_EQ(check_button_descriptor(numbered).error().code, "unsupported_button");
  // Truncated item.
  const std::uint8_t truncated[] = {0x05, 0x01, 0x09};
  EXPECT_EQ(check_button_descriptor(truncated).error().code, "unsupported_button");
}

}  // namespace
}  // namespace odyo::drivers::hid
