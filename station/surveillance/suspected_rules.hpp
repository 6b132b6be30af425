#pragma once
// The criteria of the suspected-occupational-disease flags as data (config/rules/suspected.toml):
// which stored findings raise a flag for the physician's list, each criterion with its title, its
// readable text in English and Turkish, its citation and a provisional flag. Loaded and checked
// like the other rule tables (station/core/toml_schema); every error names the file, the line and
// the key. Thread-safety: free functions; a SuspectedRules is immutable after load.

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/core/result.hpp"

namespace odyo::station::surveillance {

inline constexpr const char* kSuspectedFile = "suspected.toml";

// What a hearing flag may be raised on (the stored result's fields, see suspected.toml).
inline constexpr std::string_view kHearingTriggers[] = {"sts", "sts_age_corrected", "recordable",
                                                        "notch"};

struct Criterion {
  std::string title_en, title_tr;
  std::string criterion_en, criterion_tr;
  std::string citation;
  bool provisional = false;
};

struct HearingCriterion : Criterion {
  std::vector<std::string> flag_on;  // of kHearingTriggers
};

struct Fev1DeclineCriterion : Criterion {
  double limit_pct_per_year = 0;
  double min_years_between = 0;
  double window_years = 0;
  double change_score_limit = 0;
};

struct ChestFilmCriterion : Criterion {
  int min_ilo_category = 0;
};

struct SuspectedRules {
  std::string version, effective, source;
  HearingCriterion hearing;
  Fev1DeclineCriterion fev1_decline;
  Criterion new_obstruction, new_restriction, ek2_worse;
  ChestFilmCriterion chest_film;
};

// From text (`file` names it in messages). Error code "suspected_syntax" or "suspected_schema".
Result<SuspectedRules> parse_suspected_rules(std::string_view text, const std::string& file);
// rules_dir/suspected.toml; "suspected_file" when it cannot be read.
Result<SuspectedRules> load_suspected_rules(const std::filesystem::path& rules_dir);

}  // namespace odyo::station::surveillance
