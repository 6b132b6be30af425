#pragma once
// The station's local time: what a person reads and what "today" means are in the station's
// time zone (`[station].timezone`, Europe/Istanbul by default); storage stays UTC.
// How: libstdc++ 12 (Debian 12's GCC) has no std::chrono::locate_zone/zoned_time (they came in
// GCC 14), so the zone is the process's TZ (set once, at start and when the configuration is
// read) and conversions go through POSIX localtime_r over the system's tz database (Debian
// `tzdata`, /usr/share/zoneinfo). A zone name is checked against that database first.
// Thread-safety: set_station_time_zone at start-up only (it changes the environment); the
// conversions are safe from any thread afterwards.

#include <chrono>
#include <string>
#include <string_view>

#include "analysis/core/result.hpp"

namespace odyo::station {

inline constexpr const char* kDefaultTimeZone = "Europe/Istanbul";

// Refuses a name that is not a zone of the tz database ("Europe/Istanbul", "UTC").
Result<void> check_time_zone(std::string_view name);
// Makes `name` the zone of display and of "today" (checked first).
Result<void> set_station_time_zone(std::string_view name);

// The calendar day of `t` in the station's zone.
std::chrono::year_month_day local_date(std::chrono::system_clock::time_point t);
// Today in the station's zone, as YYYY-MM-DD.
std::string local_today_iso();
// A stored UTC time (YYYY-MM-DDTHH:MM:SS[.fff]Z) shown in the station's zone as
// "YYYY-MM-DD HH:MM"; text that is not such a time comes back unchanged.
std::string local_display(std::string_view utc_iso);

}  // namespace odyo::station
