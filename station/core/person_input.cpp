#include "station/core/person_input.hpp"

#include <cstdio>

#include "analysis/core/csv.hpp"
#include "analysis/core/error_text.hpp"

namespace odyo::station {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

int to_int(std::string_view s) {
  int v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}

}  // namespace

Result<std::string> parse_sex(std::string_view text) {
  const std::string f = fold_turkish(trim(text));
  if (f == "m" || f == "e" || f == "erkek" || f == "male") return std::string("M");
  if (f == "f" || f == "k" || f == "kadın" || f == "kadin" || f == "female")
    return std::string("F");
  return make_errorf("bad_sex",
                     "sex \"{}\" is not known: write E or M (erkek, male) or K or F (kadın, "
                     "female)",
                     std::string(text));
}

Result<std::chrono::year_month_day> parse_date(std::string_view text) {
  const std::string_view s = trim(text);
  int y = 0, m = 0, d = 0;
  bool shaped = false;
  if (s.size() == 10 && s[4] == '-' && s[7] == '-' && all_digits(s.substr(0, 4)) &&
      all_digits(s.substr(5, 2)) && all_digits(s.substr(8, 2))) {
    y = to_int(s.substr(0, 4));
    m = to_int(s.substr(5, 2));
    d = to_int(s.substr(8, 2));
    shaped = true;
  } else {
    // GG.AA.YYYY or GG/AA/YYYY; one-digit day or month allowed (1.3.1984).
    const char sep = s.find('.') != std::string_view::npos ? '.' : '/';
    const auto p1 = s.find(sep);
    const auto p2 = p1 == std::string_view::npos ? p1 : s.find(sep, p1 + 1);
    if (p2 != std::string_view::npos && s.find(sep, p2 + 1) == std::string_view::npos) {
      const auto dd = s.substr(0, p1), mm = s.substr(p1 + 1, p2 - p1 - 1), yy = s.substr(p2 + 1);
      if (all_digits(dd) && dd.size() <= 2 && all_digits(mm) && mm.size() <= 2 && all_digits(yy) &&
          yy.size() == 4) {
        d = to_int(dd);
        m = to_int(mm);
        y = to_int(yy);
        shaped = true;
      }
    }
  }
  if (!shaped)
    return make_errorf("bad_date",
                       "\"{}\" is not a date: write GG.AA.YYYY (12.03.1984) or YYYY-MM-DD "
                       "(1984-03-12)",
                       std::string(text));
  const std::chrono::year_month_day ymd{std::chrono::year{y},
                                        std::chrono::month{static_cast<unsigned>(m)},
                                        std::chrono::day{static_cast<unsigned>(d)}};
  if (!ymd.ok() || y < 1900)
    return make_errorf("bad_date",
                       "\"{}\" is not a real calendar date: the calendar has no such day (month "
                       "1–12, and only the days that month has in that year); check the day and "
                       "the month",
                       std::string(text));
  return ymd;
}

std::string to_iso(const std::chrono::year_month_day& d) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(d.year()),
                static_cast<unsigned>(d.month()), static_cast<unsigned>(d.day()));
  return buf;
}

std::string to_turkish_date(const std::chrono::year_month_day& d) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02u.%02u.%04d", static_cast<unsigned>(d.day()),
                static_cast<unsigned>(d.month()), static_cast<int>(d.year()));
  return buf;
}

Result<std::string> parse_date_iso(std::string_view text) {
  auto d = parse_date(text);
  if (!d) return d.error();
  return to_iso(*d);
}

Result<double> parse_person_number(std::string_view text) {
  return csv::parse_number(text);
}

std::string fold_turkish(std::string_view s) {
  std::string o;
  o.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 'A' && c <= 'Z') {
      if (c == 'I') {
        o += "\xC4\xB1";  // ı
      } else {
        o += static_cast<char>(c - 'A' + 'a');
      }
      continue;
    }
    if (i + 1 < s.size()) {
      const auto c2 = static_cast<unsigned char>(s[i + 1]);
      if (c == 0xC3 && c2 >= 0x80 && c2 <= 0x9E && c2 != 0x97) {  // À…Þ except ×
        o += static_cast<char>(0xC3);
        o += static_cast<char>(c2 + 0x20);
        ++i;
        continue;
      }
      if (c == 0xC4 && c2 == 0xB0) {  // İ
        o += 'i';
        ++i;
        continue;
      }
      if ((c == 0xC4 && c2 == 0x9E) || (c == 0xC5 && c2 == 0x9E)) {  // Ğ Ş
        o += static_cast<char>(c);
        o += static_cast<char>(c2 + 1);
        ++i;
        continue;
      }
    }
    o += static_cast<char>(c);
  }
  return o;
}

std::optional<std::string> match_turkish(std::string_view typed,
                                         const std::vector<std::string>& choices) {
  const std::string t = fold_turkish(trim(typed));
  for (const auto& c : choices)
    if (fold_turkish(trim(c)) == t) return c;
  return std::nullopt;
}

}  // namespace odyo::station
