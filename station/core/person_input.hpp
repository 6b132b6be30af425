#pragma once
// What a person types, read the Turkish way as well as the English way:
//   sex      M|F and E|K (erkek = male, kadın = female), either letter case; stored as M|F;
//   dates    GG.AA.YYYY (also GG/AA/YYYY) and YYYY-MM-DD; a day the calendar does not have
//            (31.02.1990) is refused; stored as YYYY-MM-DD;
//   numbers  `1.75` or `1,75` (analysis/core/csv.hpp parse_number);
//   names    compared after Turkish case folding (İ→i, I→ı, Ş→ş …), so an establishment typed
//            "KOZLU" or "üzülmez" is the configured "Kozlu" / "Üzülmez".
// The one date parser of the station: every command that takes a date uses parse_date.
// Thread-safety: plain functions.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/core/result.hpp"

namespace odyo::station {

// "M" or "F" for M/F/E/K (any case, also "erkek"/"kadın"/"male"/"female").
Result<std::string> parse_sex(std::string_view text);

// A calendar date from GG.AA.YYYY, GG/AA/YYYY or YYYY-MM-DD.
Result<std::chrono::year_month_day> parse_date(std::string_view text);
// The same, as YYYY-MM-DD.
Result<std::string> parse_date_iso(std::string_view text);
std::string to_iso(const std::chrono::year_month_day& d);
// GG.AA.YYYY, how a Turkish reader writes a date.
std::string to_turkish_date(const std::chrono::year_month_day& d);

// A number with `.` or `,` as the decimal separator.
Result<double> parse_person_number(std::string_view text);

// Lower case by Turkish rules (I→ı, İ→i; Ç Ğ Ö Ş Ü Â Î Û and the Latin-1 letters; ASCII).
std::string fold_turkish(std::string_view utf8);
// The entry of `choices` equal to `typed` after Turkish folding and trimming, if any.
std::optional<std::string> match_turkish(std::string_view typed,
                                         const std::vector<std::string>& choices);

}  // namespace odyo::station
