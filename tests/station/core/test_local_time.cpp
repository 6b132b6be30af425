// The station's local time (station/core/local_time): "today" and shown times in
// Europe/Istanbul (UTC+3 all year), storage in UTC.
#include "station/core/local_time.hpp"

#include <gtest/gtest.h>

using namespace odyo::station;
using namespace std::chrono;

namespace {

system_clock::time_point utc(int y, unsigned m, unsigned d, int h, int min) {
  return sys_days{year{y} / month{m} / day{d}} + hours{h} + minutes{min};
}

}  // namespace

TEST(LocalTime, TodayInIstanbulBetweenMidnightAndThree) {
  ASSERT_TRUE(set_station_time_zone("Europe/Istanbul").ok());
  // 4 December 21:30 UTC is 5 December 00:30 in Istanbul: "today" is the 5th.
  EXPECT_EQ(local_date(utc(2026, 12, 4, 21, 30)), year{2026} / month{12} / day{5});
  // 23:59 UTC = 02:59 the next day.
  EXPECT_EQ(local_date(utc(2026, 12, 4, 23, 59)), year{2026} / month{12} / day{5});
  // 20:59 UTC = 23:59 the same day.
  EXPECT_EQ(local_date(utc(2026, 12, 4, 20, 59)), year{2026} / month{12} / day{4});
  // New Year: 31 December 22:00 UTC is already 2027 in Türkiye.
  EXPECT_EQ(local_date(utc(2026, 12, 31, 22, 0)), year{2027} / month{1} / day{1});
  EXPECT_EQ(local_display("2026-12-04T22:15:09Z"), "2026-12-05 01:15");
  EXPECT_EQ(local_display("2026-12-04T22:15:09.123Z"), "2026-12-05 01:15");
  EXPECT_EQ(local_display("not a time"), "not a time");
  ASSERT_TRUE(set_station_time_zone("UTC").ok());
  EXPECT_EQ(local_date(utc(2026, 12, 4, 21, 30)), year{2026} / month{12} / day{4});
  EXPECT_EQ(local_display("2026-12-04T22:15:09Z"), "2026-12-04 22:15");
  ASSERT_TRUE(set_station_time_zone(kDefaultTimeZone).ok());
}

TEST(LocalTime, UnknownZonesAreRefused) {
  for (const char* bad : {"Europe/Ankara", "", "../etc/passwd", "/etc/localtime", "UTC+3"}) {
    auto r = check_time_zone(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_NE(r.error().message.find("Europe/Istanbul"), std::string::npos);
  }
  EXPECT_TRUE(check_time_zone("Europe/Istanbul").ok());
}
