#include "station/core/local_time.hpp"
#include "analysis/core/error_text.hpp"

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>

namespace odyo::station {
namespace {

std::filesystem::path zoneinfo_dir() {
  const char* d = std::getenv("TZDIR");
  return d != nullptr && *d != '\0' ? std::filesystem::path(d)
                                    : std::filesystem::path("/usr/share/zoneinfo");
}

}  // namespace

Result<void> check_time_zone(std::string_view name) {
  const std::string n(name);
  const bool shaped = !n.empty() && n.front() != '/' && n.find("..") == std::string::npos &&
                      n.find_first_of(" :,") == std::string::npos;
  std::error_code ec;
  if (!shaped || !std::filesystem::is_regular_file(zoneinfo_dir() / n, ec))
    return make_errorf("bad_time_zone",
                       "time zone \"{}\" is not in the tz database ({}); write a name like "
                       "Europe/Istanbul or UTC (Debian package tzdata)",
                       n, zoneinfo_dir().string());
  return {};
}

Result<void> set_station_time_zone(std::string_view name) {
  if (auto c = check_time_zone(name); !c) return c;
  const std::string value = ":" + std::string(name);  // ':' = a file of the tz database
  ::setenv("TZ", value.c_str(), 1);
  ::tzset();
  return {};
}

std::chrono::year_month_day local_date(std::chrono::system_clock::time_point t) {
  const std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  localtime_r(&tt, &tm);
  return std::chrono::year_month_day{std::chrono::year{tm.tm_year + 1900},
                                     std::chrono::month{static_cast<unsigned>(tm.tm_mon + 1)},
                                     std::chrono::day{static_cast<unsigned>(tm.tm_mday)}};
}

std::string local_today_iso() {
  const auto d = local_date(std::chrono::system_clock::now());
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(d.year()),
                static_cast<unsigned>(d.month()), static_cast<unsigned>(d.day()));
  return buf;
}

std::string local_display(std::string_view utc_iso) {
  std::tm tm{};
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  const std::string str(utc_iso);
  char sep = 0;
  if (str.size() < 19 ||
      std::sscanf(str.c_str(), "%4d-%2d-%2d%c%2d:%2d:%2d", &y, &mo, &d, &sep, &h, &mi, &s) != 7 ||
      (sep != 'T' && sep != ' ') || str.back() != 'Z')
    return str;
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = s;
  const std::time_t t = timegm(&tm);
  std::tm local{};
  localtime_r(&t, &local);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M", &local);
  return buf;
}

}  // namespace odyo::station
