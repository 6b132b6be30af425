#include "station/audiometry/report.hpp"

#include "station/core/json_values.hpp"

namespace odyo::station {

namespace au = audiometry;
using nlohmann::json;

json peak(const std::optional<au::PeakDb>& p) {
  return p ? json(p->level_db_hl) : json(nullptr);
}

json notch_json(const au::NotchResult& n) {
  return {{"criterion", n.criterion},
          {"evaluable", n.evaluable},
          {"present", n.present},
          {"frequency_hz", n.evaluable ? json(n.frequency_hz) : json(nullptr)},
          {"depth_db", n.evaluable ? json(n.depth_db) : json(nullptr)},
          {"recovery_db", n.evaluable ? json(n.recovery_db) : json(nullptr)}};
}

json ear_json(const au::EarNumbers& e) {
  json n = notch_json(e.notch);
  n["niskar2001"] = notch_json(e.notch_niskar);
  return {{"pta_db", e.speech.value_db},
          {"pta_includes_no_response", e.speech.includes_no_response},
          {"percent_loss", e.percent_loss},
          {"max_hf_db", peak(e.hf.max_hf)},
          {"max_hf_hz", e.hf.max_hf ? json(e.hf.max_hf->frequency_hz) : json(nullptr)},
          {"max_hf_no_response", e.hf.max_hf ? json(e.hf.max_hf->no_response) : json(nullptr)},
          {"spreads_below_3k", e.hf.spreads_below_3k},
          {"max_below_3k_db", peak(e.hf.max_below_3k)},
          {"max_any_db", peak(e.hf.max_any)},
          {"max_any_hz", e.hf.max_any ? json(e.hf.max_any->frequency_hz) : json(nullptr)},
          {"max_any_no_response", e.hf.max_any ? json(e.hf.max_any->no_response) : json(nullptr)},
          {"avg_2k3k4k_db", e.avg_2k3k4k ? json(e.avg_2k3k4k->value_db) : json(nullptr)},
          {"avg_3k4k6k_db", e.avg_3k4k6k ? json(e.avg_3k4k6k->value_db) : json(nullptr)},
          {"aao1979_pta_db", e.aao1979 ? json(e.aao1979->value_db) : json(nullptr)},
          {"aao1979_percent", json_or_null(e.aao1979_percent)},
          {"notch", n}};
}

json shift_json(const au::EarShift& s) {
  json j = {
      {"shift_db", {{"2000", s.shift_db[0]}, {"3000", s.shift_db[1]}, {"4000", s.shift_db[2]}}},
      {"mean_shift_db", s.mean_shift_db},
      {"sts", s.sts},
      {"current_mean_2k3k4k_db", s.current_mean_db_hl},
      {"recordable_without_age_correction", s.recordable_uncorrected},
      {"includes_no_response", s.includes_no_response},
      {"mean_shift_age_corrected_db", json_or_null(s.mean_shift_corrected_db)},
      {"sts_age_corrected", s.sts_corrected ? json(*s.sts_corrected) : json(nullptr)},
      {"recordable_age_corrected",
       s.recordable_corrected ? json(*s.recordable_corrected) : json(nullptr)},
      {"recordable", s.recordable()}};
  if (s.allowance_db) {
    j["age_allowance_db"] = {{"2000", (*s.allowance_db)[0]},
                             {"3000", (*s.allowance_db)[1]},
                             {"4000", (*s.allowance_db)[2]}};
  } else {
    j["age_allowance_db"] = nullptr;
  }
  return j;
}

json search_outcomes_json(const audiometry::SearchResult& r) {
  json out = json::array();
  for (const auto& oc : r.outcomes)
    out.push_back({{"ear", std::string(audiometry::to_string(oc.ear))},
                   {"frequency_hz", oc.frequency_hz},
                   {"retest", oc.retest},
                   {"level_db_hl", oc.level_db_hl},
                   {"no_response", oc.no_response},
                   {"inconsistent", oc.inconsistent},
                   {"presentations", oc.presentations}});
  return out;
}

}  // namespace odyo::station
