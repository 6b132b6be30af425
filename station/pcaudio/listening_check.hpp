#pragma once
// Daily biological listening check of the computer-driven audiometer (reference note §4: a
// listener with known thresholds checks every frequency on both earphones at low and moderate
// level for noise, distortion, intermittency, crosstalk and the response button). The result is
// appended to a JSON-lines log; no pass today for this interface + earphone pair → no test.
// Thread-safety: file appends from one thread (the command's).

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "analysis/core/result.hpp"

namespace odyo::station::pcaudio {

struct ListeningCheck {
  std::chrono::year_month_day date{};
  std::string pair_id;   // Calibration::pair_id()
  std::string listener;  // who listened
  bool passed = false;
  std::string note;  // what was heard wrong, if anything
};

Result<void> record_listening_check(const std::filesystem::path& log, const ListeningCheck& check);
Result<std::vector<ListeningCheck>> read_listening_checks(const std::filesystem::path& log);
// The latest check of `today` for `pair_id` must be a pass. Errors: "listening_check_missing",
// "listening_check_failed".
Result<void> require_listening_check(const std::filesystem::path& log, const std::string& pair_id,
                                     std::chrono::year_month_day today);

}  // namespace odyo::station::pcaudio
