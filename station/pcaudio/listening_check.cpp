#include "station/pcaudio/listening_check.hpp"

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "station/pcaudio/calibration.hpp"

#include "station/core/input.hpp"

#include "analysis/core/error_text.hpp"
#include "analysis/core/text.hpp"

namespace odyo::station::pcaudio {

Result<void> record_listening_check(const std::filesystem::path& log, const ListeningCheck& c) {
  if (auto t = text::check_free_text(c.listener, "--listener"); !t) return t.error();
  if (auto t = text::check_free_text(c.note, "--note", {text::kMaxReasonChars, false}); !t)
    return t.error();
  if (log.has_parent_path()) {
    std::error_code ec;
    std::filesystem::create_directories(log.parent_path(), ec);
  }
  std::ofstream out(log, std::ios::app);
  if (!out)
    return make_errorf("listening_log_unwritable",
                       "cannot append to {}: check the folder's permissions", log.string());
  nlohmann::json j{{"date", to_iso(c.date)},
                   {"pair", c.pair_id},
                   {"listener", c.listener},
                   {"result", c.passed ? "pass" : "fail"},
                   {"note", c.note}};
  out << j.dump() << '\n';
  out.flush();
  if (!out) return make_errorf("listening_log_unwritable", "writing {} failed", log.string());
  return {};
}

Result<std::vector<ListeningCheck>> read_listening_checks(const std::filesystem::path& log) {
  std::vector<ListeningCheck> v;
  std::error_code ec;
  if (!std::filesystem::exists(log, ec)) return v;  // no log yet: no checks
  auto text = read_input_file(log);
  if (!text) return text.error();
  std::istringstream in(*text);
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (line.empty()) continue;
    try {
      auto parsed = parse_json_strict(line, log.string());
      if (!parsed) throw std::runtime_error(parsed.error().message);
      const auto j = std::move(*parsed);
      ListeningCheck c;
      const std::string d = j.at("date").get<std::string>();
      int y = 0;
      unsigned m = 0;
      unsigned dd = 0;
      if (std::sscanf(d.c_str(), "%d-%u-%u", &y, &m, &dd) != 3) throw std::runtime_error("date");
      c.date = std::chrono::year_month_day{std::chrono::year{y}, std::chrono::month{m},
                                           std::chrono::day{dd}};
      c.pair_id = j.at("pair").get<std::string>();
      c.listener = j.at("listener").get<std::string>();
      c.passed = j.at("result").get<std::string>() == "pass";
      c.note = j.value("note", "");
      v.push_back(std::move(c));
    } catch (const std::exception&) {
      return make_errorf("listening_log_corrupt",
                         "{} line {} is not a listening-check record; repair or move the file and "
                         "repeat today's check",
                         log.string(), n);
    }
  }
  return v;
}

Result<void> require_listening_check(const std::filesystem::path& log, const std::string& pair_id,
                                     std::chrono::year_month_day today) {
  auto checks = read_listening_checks(log);
  if (!checks) return checks.error();
  const ListeningCheck* last = nullptr;
  for (const auto& c : *checks)
    if (c.pair_id == pair_id && c.date == today) last = &c;
  if (last == nullptr)
    return make_errorf("listening_check_missing",
                       "no daily listening check today ({}) for {}: listen to every frequency on "
                       "both earphones, then record it with `odyospiro audio listening-check "
                       "--pass`",
                       to_iso(today), pair_id);
  if (!last->passed)
    return make_errorf("listening_check_failed",
                       "today's listening check for {} failed ({}): do not test; have the "
                       "earphones and interface checked",
                       pair_id, last->note);
  return {};
}

}  // namespace odyo::station::pcaudio
