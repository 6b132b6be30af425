#pragma once
// The quality-control settings of config/rules/qc.toml (issue 17, item 4): the daily 3-L syringe
// check's tolerance (ATS/ERS 2019, ±3 %), the thresholds that make a QC indicator of a technician
// or device in a month a finding, and the second review's share. Every number carries its
// citation and whether it is provisional (the clinic's choice). Thread-safety: free functions; a
// QcRules is immutable after load.

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/core/result.hpp"

namespace odyo::station::qc {

inline constexpr const char* kQcFile = "qc.toml";

struct Threshold {
  double value = 0;                     // the limit (a share, litres, dB, % per 30 days)
  std::vector<std::string> applies_to;  // "technician", "device"
  std::string citation;
  bool provisional = false;
  [[nodiscard]] bool applies(std::string_view dimension) const;
};

struct QcRules {
  std::string version, effective, source;
  double syringe_volume_l = 3.0;
  double syringe_tolerance_pct = 3.0;
  std::string syringe_citation;
  bool syringe_provisional = false;

  int min_sessions = 8;
  Threshold ab_share;       // value: minimum share graded A/B
  Threshold repeatability;  // value: maximum share failing; limit_l below
  double repeatability_limit_l = 0.150;
  Threshold blows;      // value: maximum mean blows per session
  Threshold retest_1k;  // value: maximum share over limit_db
  double retest_limit_db = 5;
  Threshold false_alarms;      // value: maximum share flagged unreliable
  Threshold check_compliance;  // value: minimum share of days tested with a passed check
  Threshold syringe_drift;     // value: maximum |slope| in % per 30 days
  int drift_window_days = 90;
  int drift_min_checks = 10;

  double second_review_share = 0.30;
  std::string second_review_citation;
  bool second_review_provisional = false;
};

Result<QcRules> parse_qc_rules(std::string_view text, const std::string& file);
// rules_dir / qc.toml. Errors: "qc_file", "qc_syntax", "qc_schema".
Result<QcRules> load_qc_rules(const std::filesystem::path& rules_dir);

}  // namespace odyo::station::qc
