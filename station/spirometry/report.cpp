#include "station/spirometry/report.hpp"

#include "station/core/json_values.hpp"

namespace odyo::station {

namespace sp = spirometry;
using nlohmann::json;

json reason_json(const sp::Reason& r) {
  return {{"code", r.code}, {"tr", r.text_tr}, {"en", r.text_en}};
}

json session_json(const sp::SessionResult& s, const sp::SignalSpec& spec) {
  json ms = json::array();
  for (std::size_t i = 0; i < s.manoeuvres.size(); ++i) {
    const auto& m = s.manoeuvres[i].indices;
    const auto& q = s.manoeuvres[i].quality;
    json reasons = json::array();
    for (const auto& r : q.reasons) reasons.push_back(reason_json(r));
    ms.push_back({{"number", i + 1},
                  {"pef_lps", m.pef_lps},
                  {"time_to_pef_s", m.time_to_pef_s},
                  {"fev075_l", m.fev075_l},
                  {"fev1_l", m.fev1_l},
                  {"fev6_l", m.fev6_l},
                  {"fvc_l", m.fvc_l},
                  {"fev1_fvc", m.fev1_fvc},
                  {"fef25_lps", m.fef25_lps},
                  {"fef50_lps", m.fef50_lps},
                  {"fef75_lps", m.fef75_lps},
                  {"fef2575_lps", m.fef2575_lps},
                  {"bev_l", m.bev_l},
                  {"t0_s", m.t0_s},
                  {"fet_s", m.fet_s},
                  {"eofe_volume_last_1s_l", m.eofe_volume_last_1s_l},
                  {"hesitation_s", json_or_null(m.hesitation_s)},
                  {"fivc_l", json_or_null(m.fivc_l)},
                  {"acceptable_fev1", q.acceptable_fev1},
                  {"acceptable_fvc", q.acceptable_fvc},
                  {"usable_fev1", q.usable_fev1},
                  {"usable_fvc", q.usable_fvc},
                  {"reasons", reasons}});
  }
  const auto& r = s.reported;
  auto num = [](const std::optional<int>& i) { return i ? json(*i + 1) : json(nullptr); };
  json because = json::array();
  for (const auto& b : s.guidance.because) because.push_back(reason_json(b));
  return {{"software_version", ODYO_VERSION},
          {"standard", "ATS/ERS 2019"},
          {"rate_hz", spec.sample_rate_hz},
          {"btps", spec.btps_factor},
          {"manoeuvres", ms},
          {"session",
           {{"fev1_l", json_or_null(r.fev1_l)},
            {"fvc_l", json_or_null(r.fvc_l)},
            {"fev1_fvc", json_or_null(r.fev1_fvc)},
            {"fev6_l", json_or_null(r.fev6_l)},
            {"fef2575_lps", json_or_null(r.fef2575_lps)},
            {"pef_lps", json_or_null(r.pef_lps)},
            {"grade_fev1", sp::grade_name(s.grade_fev1)},
            {"grade_fvc", sp::grade_name(s.grade_fvc)},
            {"fev1_repeatability_l", json_or_null(s.fev1_repeatability_l)},
            {"fvc_repeatability_l", json_or_null(s.fvc_repeatability_l)},
            {"best_manoeuvre", num(r.best_manoeuvre)},
            {"fev1_manoeuvre", num(r.fev1_manoeuvre)},
            {"fvc_manoeuvre", num(r.fvc_manoeuvre)},
            {"another_blow_needed", s.guidance.another_blow_needed},
            {"guidance", because}}}};
}

json predicted_json(const sp::Predicted& p, const std::optional<double>& measured) {
  json j{{"predicted", p.predicted},
         {"lln", p.lln},
         {"uln", p.uln},
         {"unit", sp::param_unit(p.param)}};
  if (p.lms) {
    j["L"] = p.l;
    j["M"] = p.m;
    j["S"] = p.s;
  } else {
    j["rsd"] = p.rsd;
  }
  if (p.provisional) j["provisional"] = true;
  if (measured) {
    auto sc = sp::score(p, *measured);
    j["measured"] = *measured;
    if (sc) {
      j["z"] = sc->z;
      j["pctpred"] = sc->pct_pred;
      j["below_lln"] = sc->below_lln;
    }
  }
  return j;
}

}  // namespace odyo::station
