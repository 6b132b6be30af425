#pragma once
// Periodic examination intervals as data (config/rules/surveillance.toml): which exam is due how
// often for which jobs, each rule with its citation and a provisional flag. Loaded and checked
// against the job catalogue; every error names the file, the line and the key.
// Thread-safety: free functions; an IntervalTable is immutable after load.

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/core/result.hpp"
#include "analysis/evaluation/model.hpp"

namespace odyo::station::surveillance {

inline constexpr const char* kIntervalsFile = "surveillance.toml";

// The exams a rule can ask for.
inline constexpr std::string_view kExamKinds[] = {"chest_film", "spirometry", "audiometry"};

struct IntervalRule {
  std::string id;
  std::string exam;  // chest_film | spirometry | audiometry
  int every_months = 0;
  std::string exposure;           // a job attribute (dusty | noisy | heavy_load), or empty
  std::vector<std::string> jobs;  // job codes, when `exposure` is empty
  std::string title_en, title_tr;
  std::string citation;
  bool provisional = false;

  [[nodiscard]] bool applies_to(const odyo::evaluation::Job& job) const;
};

struct IntervalTable {
  std::string version;
  std::string effective;  // YYYY-MM-DD
  std::string source;
  int soon_days = 0;  // "due" this many days before the date
  std::vector<IntervalRule> rules;
};

// From text (`file` names it in messages). `jobs`: the catalogue the rules' job codes must be in.
// Error code "intervals_syntax" (TOML) or "intervals_schema".
Result<IntervalTable> parse_intervals(std::string_view text, const std::string& file,
                                      const std::vector<odyo::evaluation::Job>& jobs);
// rules_dir/surveillance.toml; "intervals_file" when it cannot be read.
Result<IntervalTable> load_intervals(const std::filesystem::path& rules_dir,
                                     const std::vector<odyo::evaluation::Job>& jobs);

}  // namespace odyo::station::surveillance
