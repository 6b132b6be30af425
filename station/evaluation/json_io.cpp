#include "station/evaluation/json_io.hpp"

#include <algorithm>
#include <set>
#include <sstream>

#include "analysis/audiometry/audiogram.hpp"
#include "station/core/i18n.hpp"
#include "station/core/input.hpp"

namespace odyo::station::evaluation {
namespace ev = odyo::evaluation;
using nlohmann::json;

namespace {

Error bad(const std::string& key, const Error& what) {
  return make_errorf("evaluation_input", "input key '{}': {}", key, what);
}

const std::vector<std::string> kHearingNumbers{
    "right_pta_db",     "left_pta_db",     "right_max_hf_db", "left_max_hf_db",
    "right_max_any_db", "left_max_any_db", "exam_age_days"};
const std::vector<std::string> kHearingFlags{
    "right_pta_no_response",   "left_pta_no_response",      "right_max_hf_no_response",
    "left_max_hf_no_response", "right_max_any_no_response", "left_max_any_no_response",
    "spreads_below_3k"};
const std::vector<std::string> kSpiroNumbers{"fvc_pctpred", "fev1_pctpred",    "fev1_fvc",
                                             "fef2575_lps", "fef2575_pctpred", "fvc_z",
                                             "fev1_z",      "fev1_fvc_z",      "exam_age_days"};
const std::vector<std::string> kSystemValues{"none", "A", "B", "C", "D"};
const std::vector<std::string> kAbsenceNumbers{"days", "started_days_ago"};
const std::vector<std::string> kAbsenceWords{"sgk_report_no", "temporary_job", "controlled_until",
                                             "start", "end"};
const std::vector<std::string> kGrades{"A", "B", "C", "D", "E", "U", "F"};

bool among(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

std::string list(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
}

json value_json(const ev::Value& v) {
  if (const auto* d = std::get_if<double>(&v)) return *d;
  if (const auto* b = std::get_if<bool>(&v)) return *b;
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  return nullptr;
}

json inputs_json(const std::vector<std::pair<std::string, ev::Value>>& in) {
  json o = json::object();
  for (const auto& [k, v] : in) o[k] = value_json(v);
  return o;
}

json column_json(const std::optional<ev::Column>& c) {
  return c ? json(ev::column_name(*c)) : json(nullptr);
}

}  // namespace

Result<ev::EvaluationInput> input_from_json(const json& j) {
  if (!j.is_object()) return make_error("evaluation_input", "the input must be a JSON object");
  ev::EvaluationInput in;
  for (const auto& [key, v] : j.items()) {
    if (key == "purpose") {
      if (!v.is_string()) return bad(key, make_error({}, "must be a string"));
      auto p = ev::parse_purpose(v.get<std::string>());
      if (!p)
        return bad(key, make_errorf({}, "\"{}\" is not a purpose; use {}", v.get<std::string>(),
                                    ev::purpose_list()));
      in.purpose = *p;
    } else if (key == "job") {
      if (v.is_null()) continue;
      if (!v.is_string() || v.get<std::string>().empty())
        return bad(key, make_error({}, "must be a job code from the catalogue"));
      in.job_code = v.get<std::string>();
    } else if (key == "job_work_group") {
      if (v.is_null()) continue;
      const auto group = json_int_in(v, 1, 5);
      if (!group) return bad(key, make_error({}, "must be a work group 1..5"));
      in.job_work_group = *group;
    } else if (key == "hearing") {
      if (v.is_null()) continue;
      if (!v.is_object()) return bad(key, make_error({}, "must be an object"));
      for (const auto& [k, x] : v.items()) {
        const std::string name = "hearing." + k;
        if (among(kHearingNumbers, k)) {
          if (x.is_null()) continue;
          if (!x.is_number()) return bad(name, make_error({}, "must be a number (dB HL) or null"));
          in.values[name] = x.get<double>();
        } else if (among(kHearingFlags, k)) {
          if (!x.is_boolean()) return bad(name, make_error({}, "must be true or false"));
          in.values[name] = x.get<bool>();
        } else if (k == "speech_frequencies_hz") {
          if (!x.is_array() || x.empty())
            return bad(name,
                       make_error({}, "must be a list of frequencies, e.g. [500, 1000, 2000]"));
          std::string s;
          for (const auto& f : x) {
            const auto hz = json_int_in(f, 1, 100000);
            if (!hz ||
                !odyo::audiometry::is_standard_frequency(*hz, odyo::audiometry::Transducer::air))
              return bad(name, make_errorf({},
                                           "must be a list of standard audiometric frequencies in "
                                           "Hz ({} is not one), e.g. [500, 1000, 2000]",
                                           f.dump()));
            s += (s.empty() ? "" : "-") + std::to_string(*hz);
          }
          in.values["hearing.speech_frequencies"] = s;
        } else {
          return bad(name, make_errorf({}, "unknown key; allowed: {}, {}, speech_frequencies_hz",
                                       list(kHearingNumbers), list(kHearingFlags)));
        }
      }
    } else if (key == "spirometry") {
      if (v.is_null()) continue;
      if (!v.is_object()) return bad(key, make_error({}, "must be an object"));
      for (const auto& [k, x] : v.items()) {
        const std::string name = "spirometry." + k;
        if (among(kSpiroNumbers, k)) {
          if (x.is_null()) continue;
          if (!x.is_number()) return bad(name, make_error({}, "must be a number or null"));
          in.values[name] = x.get<double>();
        } else if (k == "grade_fev1" || k == "grade_fvc") {
          if (x.is_null()) continue;
          if (!x.is_string() || !among(kGrades, x.get<std::string>()))
            return bad(
                name,
                make_error({}, "must be a session grade: A, B, C, D, E, U or F (ATS/ERS 2019)"));
          in.values[name] = x.get<std::string>();
        } else {
          return bad(name, make_errorf({}, "unknown key; allowed: {}, grade_fev1, grade_fvc",
                                       list(kSpiroNumbers)));
        }
      }
    } else if (key == "findings") {
      if (v.is_null()) continue;
      if (!v.is_object()) return bad(key, make_error({}, "must be an object"));
      for (const auto& [k, x] : v.items()) {
        if (k == "checklist") {
          if (!x.is_object())
            return bad("findings.checklist", make_error({}, "must be an object of items"));
          for (const auto& [item, a] : x.items()) {
            const std::string name = "checklist." + item;
            if (a.is_boolean()) {
              in.values[name] = a.get<bool>();
            } else if (a.is_object()) {
              for (const auto& [ak, av] : a.items()) {
                if (ak == "ok") {
                  if (!av.is_boolean())
                    return bad("findings.checklist." + item + ".ok",
                               make_error({}, "must be true or false"));
                  in.values[name] = av.get<bool>();
                } else if (ak == "note") {
                  if (!av.is_string())
                    return bad("findings.checklist." + item + ".note",
                               make_error({}, "must be a string"));
                  if (!av.get<std::string>().empty()) in.notes[name] = av.get<std::string>();
                } else {
                  return bad("findings.checklist." + item + "." + ak,
                             make_error({}, "unknown key; allowed: ok, note"));
                }
              }
            } else if (!a.is_null()) {
              return bad(
                  "findings.checklist." + item,
                  make_error({}, "must be true/false or {\"ok\": true/false, \"note\": \"…\"}"));
            }
          }
          continue;
        }
        const std::string name = "findings." + k;
        if (x.is_null()) continue;
        if (x.is_boolean()) {
          in.values[name] = x.get<bool>();
        } else if (x.is_number()) {
          in.values[name] = x.get<double>();
        } else if (x.is_string()) {
          in.values[name] = x.get<std::string>();
        } else {
          return bad(name, make_error({}, "must be a number, true/false or a word"));
        }
      }
    } else if (key == "systems") {
      if (v.is_null()) continue;
      if (!v.is_object()) return bad(key, make_error({}, "must be an object of system: column"));
      for (const auto& [k, x] : v.items()) {
        if (x.is_null()) continue;
        if (!x.is_string() || !among(kSystemValues, x.get<std::string>()))
          return bad("systems." + k, make_errorf({}, "must be one of {}", list(kSystemValues)));
        in.values["systems." + k] = x.get<std::string>();
      }
    } else if (key == "special_exam") {
      if (v.is_null()) continue;
      if (!v.is_object())
        return bad(key, make_error({}, "must be an object {\"result\": \"fit\" | \"unfit\"}"));
      for (const auto& [k, x] : v.items()) {
        if (k == "result") {
          if (!x.is_string() || (x != "fit" && x != "unfit"))
            return bad("special_exam.result", make_error({}, "must be \"fit\" or \"unfit\""));
          in.values["special_exam.result"] = x.get<std::string>();
        } else if (k == "note") {
          if (!x.is_string()) return bad("special_exam.note", make_error({}, "must be a string"));
          if (!x.get<std::string>().empty()) in.notes["special_exam.result"] = x.get<std::string>();
        } else {
          return bad("special_exam." + k, make_error({}, "unknown key; allowed: result, note"));
        }
      }
    } else if (key == "restrictions") {
      if (v.is_null()) continue;
      if (!v.is_array()) return bad(key, make_error({}, "must be a list of restriction ids"));
      for (const auto& x : v) {
        if (!x.is_string() || x.get<std::string>().empty())
          return bad(key,
                     make_error({}, "must be a list of restriction ids (e.g. \"noise-free\")"));
        in.values["restriction." + x.get<std::string>()] = true;
      }
    } else if (key == "absence") {
      if (v.is_null()) continue;
      if (!v.is_object()) return bad(key, make_error({}, "must be an object"));
      for (const auto& [k, x] : v.items()) {
        const std::string name = "absence." + k;
        if (x.is_null()) continue;
        if (among(kAbsenceNumbers, k)) {
          if (!x.is_number()) return bad(name, make_error({}, "must be a number of days"));
          in.values[name] = x.get<double>();
        } else if (among(kAbsenceWords, k)) {
          if (!x.is_string()) return bad(name, make_error({}, "must be a string"));
          in.values[name] = x.get<std::string>();
        } else if (k == "sgk_report") {
          if (!x.is_boolean()) return bad(name, make_error({}, "must be true or false"));
          in.values[name] = x.get<bool>();
        } else {
          return bad(name, make_errorf({}, "unknown key; allowed: {}, {}, sgk_report",
                                       list(kAbsenceNumbers), list(kAbsenceWords)));
        }
      }
    } else {
      return bad(
          key,
          make_error({},
                     "unknown key; allowed: purpose, job, job_work_group, hearing, spirometry, "
                     "findings, systems, special_exam, restrictions, absence"));
    }
  }
  return in;
}

json input_to_json(const ev::EvaluationInput& in) {
  json j;
  j["purpose"] = ev::purpose_name(in.purpose);
  if (in.job_code) j["job"] = *in.job_code;
  if (in.job_work_group) j["job_work_group"] = *in.job_work_group;
  for (const auto& [name, v] : in.values) {
    if (std::holds_alternative<std::monostate>(v)) continue;
    const auto dot = name.find('.');
    const std::string group = name.substr(0, dot), key = name.substr(dot + 1);
    if (group == "hearing" && key == "speech_frequencies") {
      json arr = json::array();
      std::stringstream ss(std::get<std::string>(v));
      std::string f;
      while (std::getline(ss, f, '-')) arr.push_back(std::stoi(f));
      j["hearing"]["speech_frequencies_hz"] = arr;
    } else if (group == "checklist") {
      json item{{"ok", value_json(v)}};
      if (auto it = in.notes.find(name); it != in.notes.end()) item["note"] = it->second;
      j["findings"]["checklist"][key] = item;
    } else if (group == "hearing" || group == "spirometry" || group == "findings" ||
               group == "systems" || group == "absence") {
      j[group][key] = value_json(v);
    } else if (group == "special_exam") {
      j["special_exam"][key] = value_json(v);
      if (auto it = in.notes.find(name); it != in.notes.end())
        j["special_exam"]["note"] = it->second;
    } else if (group == "restriction") {
      if (const auto* b = std::get_if<bool>(&v); b != nullptr && *b)
        j["restrictions"].push_back(key);
    }
  }
  return j;
}

json result_to_json(const ev::Evaluation& e, const ev::RuleSet& rules) {
  json j;
  j["rules_version"] = rules.version;
  j["rules_hash"] = rules.hash;
  j["purpose"] = ev::purpose_name(e.purpose);
  json hits = json::array();
  for (const auto& h : e.rules) {
    hits.push_back({{"clause", h.citation},
                    {"rule", h.rule_citation},
                    {"column", column_json(h.column)},
                    {"label", {{"tr", h.label_tr}, {"en", h.label_en}}},
                    {"inputs", inputs_json(h.inputs)},
                    {"provisional", h.provisional},
                    {"lower_bound", h.lower_bound},
                    {"explanation", {{"tr", h.explain_tr}, {"en", h.explain_en}}}});
  }
  j["ek2"] = {{"column", column_json(e.column)},
              {"column_at_least", column_json(e.column_at_least)},
              {"rules", hits}};
  j["health_group"] = column_json(e.health_group);
  j["allowed_work_groups"] = e.allowed_work_groups;
  json items = json::array();
  for (const auto& i : e.ek1_items) {
    json it{{"id", i.id},
            {"citation", i.citation},
            {"title", {{"tr", i.title_tr}, {"en", i.title_en}}},
            {"status", ev::status_name(i.status)},
            {"pass", i.status == ev::Status::Pass   ? json(true)
                     : i.status == ev::Status::Fail ? json(false)
                                                    : json(nullptr)},
            {"inputs", inputs_json(i.inputs)},
            {"provisional", i.provisional},
            {"explanation", {{"tr", i.explain_tr}, {"en", i.explain_en}}}};
    if (!i.note.empty()) it["note"] = i.note;
    items.push_back(it);
  }
  j["ek1"] = {{"applies", e.ek1_applies},
              {"status", ev::status_name(e.ek1_status)},
              {"pass", e.ek1_status == ev::Status::Pass   ? json(true)
                       : e.ek1_status == ev::Status::Fail ? json(false)
                                                          : json(nullptr)},
              {"items", items}};
  json fit{{"status", ev::fit_name(e.job_fit.status)}};
  if (!e.job_fit.job_code.empty()) fit["job"] = e.job_fit.job_code;
  if (e.job_fit.work_group) fit["work_group"] = *e.job_fit.work_group;
  if (!e.job_fit.reason_en.empty())
    fit["reason"] = {{"tr", e.job_fit.reason_tr}, {"en", e.job_fit.reason_en}};
  j["job_fit"] = fit;
  j["ek3_moves"] = e.ek3_moves;
  json inc = json::array();
  for (const auto& m : e.incomplete)
    inc.push_back({{"clause", m.citation},
                   {"input", m.input},
                   {"reason", {{"tr", m.reason_tr}, {"en", m.reason_en}}}});
  j["incomplete"] = inc;
  j["complete"] = e.complete();
  j["provisional_used"] = e.provisional_used;
  j["decided_by"] = e.decided_by;
  j["not_assessed"] = e.not_assessed;
  j["restrictions"] = e.restrictions;
  json notes = json::array();
  for (const auto& n : e.notes)
    notes.push_back({{"clause", n.citation}, {"tr", n.tr}, {"en", n.en}});
  j["notes"] = notes;
  j["summary"] = {{"tr", e.summary_tr}, {"en", e.summary_en}};
  return j;
}

// The words of ev::status_name and ev::fit_name, for the catalogue.
[[maybe_unused]] constexpr const char* kResultWords[] = {
    N_("pass"),      N_("fail"), N_("incomplete"), N_("not-applicable"),
    N_("not-asked"), N_("fit"),  N_("unfit")};

std::string result_text(const ev::Evaluation& e, const ev::RuleSet& rules, bool tr) {
  const i18n::Catalog& c = i18n::catalog(tr ? "tr" : "en");
  const auto word = [&](const char* w) { return c.tr(w); };  // i18n: not a message (kResultWords)
  std::ostringstream o;
  o << (tr ? "Değerlendirme (kurallar " : "Evaluation (rules ") << rules.version << ", "
    << rules.hash.substr(0, 12) << ")\n";
  o << "  " << (tr ? e.summary_tr : e.summary_en) << "\n";
  o << (tr ? "EK-2 bulguları:\n" : "EK-2 findings:\n");
  for (const auto& h : e.rules) o << "  - " << (tr ? h.explain_tr : h.explain_en) << "\n";
  if (e.ek1_applies) {
    o << "EK-1: " << word(ev::status_name(e.ek1_status)) << "\n";
    for (const auto& i : e.ek1_items)
      if (i.status != ev::Status::Pass)
        o << "  - " << word(ev::status_name(i.status)) << ": " << (tr ? i.explain_tr : i.explain_en)
          << "\n";
  }
  for (const auto& n : e.notes) o << "  * " << n.citation << ": " << (tr ? n.tr : n.en) << "\n";
  if (!e.not_assessed.empty()) {
    o << (tr ? "Değerlendirilmeyen EK-2 sistemleri: " : "Ek-2 systems not assessed: ");
    for (std::size_t i = 0; i < e.not_assessed.size(); ++i)
      o << (i ? ", " : "") << e.not_assessed[i];
    o << "\n";
  }
  if (e.job_fit.status != ev::Fit::NotAsked)
    o << (tr ? "İşe uygunluk: " : "Job fitness: ") << word(ev::fit_name(e.job_fit.status)) << " — "
      << (tr ? e.job_fit.reason_tr : e.job_fit.reason_en) << "\n";
  if (!e.ek3_moves.empty()) {
    o << (tr ? "EK-3 önerilen işler: " : "Ek-3 jobs to move to: ");
    for (std::size_t i = 0; i < e.ek3_moves.size(); ++i) o << (i ? ", " : "") << e.ek3_moves[i];
    o << "\n";
  }
  if (!e.incomplete.empty()) {
    o << (tr ? "EKSİK — karar verilemez:\n" : "INCOMPLETE — no decision:\n");
    for (const auto& m : e.incomplete)
      o << "  - " << m.citation << ": " << (tr ? m.reason_tr : m.reason_en) << "\n";
  }
  if (!e.provisional_used.empty()) {
    o << (tr ? "Geçici kurallar: " : "Provisional rules used: ");
    for (std::size_t i = 0; i < e.provisional_used.size(); ++i)
      o << (i ? ", " : "") << e.provisional_used[i];
    o << "\n";
  }
  return o.str();
}

}  // namespace odyo::station::evaluation
