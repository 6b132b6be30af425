// HidrawButton inside umockdev-run (see CMakeLists.txt): /dev/hidraw0 is the emulated one-button
// device of tests/data/pcaudio; each ctest entry replays one script and runs one case.
#include "drivers/hid/hidraw_button.hpp"

#include <gtest/gtest.h>

namespace odyo::drivers::hid {
namespace {

using namespace std::chrono_literals;

TEST(HidrawButton, PressAndReleaseEdgesOnTheMonotonicClock) {
  HidrawButton b("/dev/hidraw0");
  auto st = b.open(HidIdentity{3, 0x1209, 0x0001});
  ASSERT_TRUE(st.ok()) << st.error().message;
  EXPECT_EQ(b.identity().bus, 3U);
  EXPECT_EQ(b.identity().vendor_id, 0x1209);
  EXPECT_EQ(b.identity().product_id, 0x0001);
  const auto t0 = ButtonClock::now();
  std::vector<ButtonEvent> ev;
  // poll_events (what the audiometer calls between 10 ms chunks) takes what is queued and returns
  // at once: nothing yet (the first report comes after 300 ms). It once computed its poll()
  // timeout as time_point::min() − now, which overflowed into a wait of weeks.
  ASSERT_TRUE(b.poll_events(ev).ok());
  EXPECT_TRUE(ev.empty());
  EXPECT_LT(ButtonClock::now() - t0, 250ms);
  ASSERT_TRUE(b.events_until(t0 + 2000ms, ev).ok());
  ASSERT_EQ(ev.size(), 4U);
  EXPECT_TRUE(ev[0].pressed);
  EXPECT_FALSE(ev[1].pressed);
  EXPECT_TRUE(ev[2].pressed);
  EXPECT_FALSE(ev[3].pressed);
  // The script's gaps (300, 150, 700, 120 ms) come back as edge intervals on steady_clock.
  // Tolerance 30 ms: scheduling on a loaded 2-core machine; the search only needs to tell a
  // 100 ms anticipation from a 1500 ms window.
  auto ms = [](auto d) { return std::chrono::duration_cast<std::chrono::milliseconds>(d).count(); };
  EXPECT_NEAR(ms(ev[1].time - ev[0].time), 150, 30);
  EXPECT_NEAR(ms(ev[2].time - ev[1].time), 700, 30);
  EXPECT_NEAR(ms(ev[3].time - ev[2].time), 120, 30);
  EXPECT_GE(ev[0].time, t0);
  for (std::size_t i = 1; i < ev.size(); ++i) EXPECT_GT(ev[i].time, ev[i - 1].time);
}

TEST(HidrawButton, ReportOfTheWrongLengthIsAnError) {
  HidrawButton b("/dev/hidraw0");
  auto opened = b.open();
  ASSERT_TRUE(opened.ok()) << opened.error().message;
  std::vector<ButtonEvent> ev;
  auto st = b.events_until(ButtonClock::now() + 1000ms, ev);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, "malformed_report");
  EXPECT_NE(st.error().message.find("expected 1"), std::string::npos) << st.error().message;
  ASSERT_EQ(ev.size(), 1U);  // the good press before it was delivered
  EXPECT_TRUE(ev[0].pressed);
}

TEST(HidrawButton, PaddingBitsSetIsAnError) {
  HidrawButton b("/dev/hidraw0");
  auto opened = b.open();
  ASSERT_TRUE(opened.ok()) << opened.error().message;
  std::vector<ButtonEvent> ev;
  auto st = b.events_until(ButtonClock::now() + 1000ms, ev);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, "malformed_report");
  EXPECT_NE(st.error().message.find("padding"), std::string::npos);
}

}  // namespace
}  // namespace odyo::drivers::hid
