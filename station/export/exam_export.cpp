#include "station/export/exam_export.hpp"

#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "analysis/core/error_text.hpp"
#include "station/audiometry/audiogram_json.hpp"

namespace odyo::station {

using nlohmann::json;

namespace {

std::string fixed(double v, int decimals) {
  // Round half away from zero at `decimals`, then print; -0.00 prints as 0.00.
  const double scale = std::pow(10.0, decimals);
  double r = std::round(v * scale) / scale;
  if (r == 0.0) r = 0.0;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, r);
  return buf;
}

ExportCode loinc(const char* code, const char* display) {
  return {"loinc", code, display};
}
ExportCode local(const std::string& code, const std::string& display) {
  return {"local", code, display};
}

// Spirometry: LOINC codes of the measured, predicted and measured/predicted values (research:
// /work/shared/reference/interop §1.1; "" = no LOINC code, a local code is used).
struct SpiroCodes {
  const char* param;  // payload reference.params key
  const char* name;
  const char* measured;
  const char* measured_display;
  const char* predicted;
  const char* predicted_display;
  const char* pctpred;
  const char* pctpred_display;
  const char* ucum;
  const char* unit_text;
  double scale;  // payload unit → exported unit (FEV1/FVC: fraction → %)
  int decimals;
};

constexpr SpiroCodes kSpiro[] = {
    {"FVC", "FVC", "19868-9", "Forced vital capacity [Volume] Respiratory system by Spirometry",
     "19869-7", "Forced vital capacity [Volume] Respiratory system --predicted", "19872-1",
     "FVC measured/predicted", "L", "liter", 1.0, 2},
    {"FEV1", "FEV1", "20150-9", "FEV1", "20149-1", "FEV1 predicted", "20152-5",
     "FEV1 measured/predicted", "L", "liter", 1.0, 2},
    {"FEV1FVC", "FEV1/FVC", "19926-5", "FEV1/FVC", "19925-7", "FEV1/FVC predicted", "", "", "%",
     "percent", 100.0, 1},
    {"FEF2575", "FEF25-75", "19927-3", "Gas flow.forced expiration 25%-75% by Spirometry",
     "69971-0", "FEF 25-75% predicted", "", "", "L/s", "liter per second", 1.0, 2},
    {"PEF", "PEF", "33452-4", "Maximum expiratory gas flow Respiratory system airway", "69974-4",
     "PEF predicted", "", "", "L/s", "liter per second", 1.0, 2},
};

std::string equation_name(const std::string& id) {
  if (id == "gli2012") return "GLI-2012";
  if (id == "gli-global-2022") return "GLI Global 2022";
  if (id == "eccs1993") return "ECCS 1993";
  return id;
}

ExportQuantity qty(double v, int decimals, const std::string& ucum, const std::string& text) {
  return {fixed(v, decimals), ucum, text, ""};
}

bool num(const json& o, const char* k) {
  return o.is_object() && o.contains(k) && o[k].is_number();
}

void spirometry_items(const json& p, ExportedExam& x) {
  const json ref = p.value("reference", json::object());
  const std::string eq_id = ref.value("equation", std::string());
  const std::string eq = equation_name(eq_id);
  const json params = ref.value("params", json::object());
  for (const auto& c : kSpiro) {
    if (!params.contains(c.param) || !num(params[c.param], "measured")) continue;
    const json& pr = params[c.param];
    const std::string this_eq = pr.contains("equation") && pr["equation"].is_string()
                                    ? equation_name(pr["equation"].get<std::string>())
                                    : eq;
    ExportItem it;
    it.key = c.param;
    it.codes = {loinc(c.measured, c.measured_display)};
    it.quantity = qty(pr["measured"].get<double>() * c.scale, c.decimals, c.ucum, c.unit_text);
    it.method = "ATS/ERS 2019 spirometry; reference values " + this_eq;
    if (num(pr, "lln")) {
      it.low = qty(pr["lln"].get<double>() * c.scale, c.decimals, c.ucum, c.unit_text);
      it.range_text = "LLN (" + this_eq + ")";
    }
    if (pr.contains("below_lln") && pr["below_lln"].is_boolean())
      it.interpretation = pr["below_lln"].get<bool>() ? "L" : "N";
    if (num(pr, "predicted")) {
      it.components.push_back(
          {std::string(c.param) + "-PRED",
           {loinc(c.predicted, c.predicted_display)},
           qty(pr["predicted"].get<double>() * c.scale, c.decimals, c.ucum, c.unit_text)});
    }
    if (num(pr, "pctpred")) {
      std::vector<ExportCode> codes;
      if (*c.pctpred != '\0') {
        codes.push_back(loinc(c.pctpred, c.pctpred_display));
      } else {
        codes.push_back(
            local(std::string(c.param) + "-PCTPRED", std::string(c.name) + " measured/predicted"));
      }
      it.components.push_back({std::string(c.param) + "-PCTPRED", codes,
                               qty(pr["pctpred"].get<double>(), 1, "%", "percent")});
    }
    if (num(pr, "z")) {
      it.components.push_back(
          {std::string(c.param) + "-Z",
           {local(std::string(c.param) + "-Z", std::string(c.name) + " z-score (" + this_eq + ")"),
            {"snomed", "1078210003", "Z-score calculation technique (qualifier value)"}},
           qty(pr["z"].get<double>(), 2, "{z-score}", "z-score")});
    }
    x.items.push_back(std::move(it));
  }
  if (!eq_id.empty()) {
    ExportItem it;
    it.key = "PRED-METHOD";
    it.codes = {loinc("20088-1", "Respiratory test prediction method")};
    it.coded = local("EQ-" + eq_id, eq);
    x.items.push_back(std::move(it));
  }
  const json in = p.contains("evaluation_inputs") && p["evaluation_inputs"].contains("spirometry")
                      ? p["evaluation_inputs"]["spirometry"]
                      : json::object();
  for (const char* g : {"fev1", "fvc"}) {
    const std::string k = std::string("grade_") + g;
    if (!in.contains(k) || !in[k].is_string()) continue;
    ExportItem it;
    it.key = std::string(g) == "fev1" ? "GRADE-FEV1" : "GRADE-FVC";
    it.codes = {local(it.key, std::string("ATS/ERS 2019 quality grade ") +
                                  (std::string(g) == "fev1" ? "FEV1" : "FVC"))};
    it.text = in[k].get<std::string>();
    x.items.push_back(std::move(it));
  }
  if (p.contains("interpretation") && p["interpretation"].contains("tr") &&
      p["interpretation"]["tr"].is_string()) {
    x.conclusion = p["interpretation"]["tr"].get<std::string>();
  }
}

// Audiometry: air-conduction thresholds (LOINC panel 89015-2, research §1.2), right then left.
struct AirCode {
  int hz;
  const char* right;
  const char* left;
};
constexpr AirCode kAir[] = {
    {250, "91374-9", "91375-6"},  {500, "89025-1", "89024-4"},  {750, "91378-0", "91379-8"},
    {1000, "89017-8", "89016-0"}, {1500, "91372-3", "91373-1"}, {2000, "89019-4", "89018-6"},
    {3000, "89021-0", "89020-2"}, {4000, "89023-6", "89022-8"}, {5000, "91376-4", "91377-2"},
    {6000, "89027-7", "89026-9"}, {8000, "89029-3", "89028-5"}};

const char* air_loinc(int hz, bool right) {
  for (const auto& a : kAir)
    if (a.hz == hz) return right ? a.right : a.left;
  return nullptr;
}

void threshold_items(const audiometry::ThresholdCurve& curve, bool right, bool bone,
                     ExportedExam& x) {
  const std::string ear = right ? "R" : "L";
  const std::string ear_name = right ? "right" : "left";
  for (const auto& [hz, pt] : curve) {
    if (pt.status == audiometry::PointStatus::not_tested) continue;
    ExportItem it;
    const std::string f = std::to_string(hz);
    const char* ln = bone || pt.masked() ? nullptr : air_loinc(hz, right);
    const std::string kind = bone ? "BC" : "AC";
    const std::string m = pt.masked() ? "M-" : "";
    it.key = kind + "-" + m + ear + "-" + f;
    const std::string display = std::string(bone ? "Bone" : "Air") +
                                "-conduction hearing threshold" + (pt.masked() ? ", masked," : "") +
                                " Ear - " + ear_name + " --" + f + " Hz";
    if (ln != nullptr) {
      it.codes = {loinc(ln, ("Hearing threshold Ear - " + ear_name + " --" + f + " Hz").c_str())};
    } else {
      it.codes = {local(it.key, display)};
    }
    ExportQuantity q{std::to_string(pt.level_db_hl), "dB", "dB HL", ""};
    if (pt.status == audiometry::PointStatus::no_response) q.comparator = ">";
    it.quantity = q;
    it.method = pt.status == audiometry::PointStatus::no_response
                    ? "no response at the highest level presented"
                    : std::string();
    if (pt.masking_db_hl) {
      it.components.push_back({it.key + "-MASK",
                               {local("MASKING-LEVEL", "Masking level in the other ear")},
                               {std::to_string(*pt.masking_db_hl), "dB", "dB HL", ""}});
    }
    x.items.push_back(std::move(it));
  }
}

Result<void> audiometry_items(const json& p, const std::vector<int>& speech_hz, ExportedExam& x) {
  if (!p.contains("audiogram"))
    return make_error("export_unreadable", "the stored audiometry result has no audiogram");
  auto a = audiogram_from_stored(p["audiogram"]);
  if (!a) return a.error();
  threshold_items(a->right.air, true, false, x);
  threshold_items(a->left.air, false, false, x);
  threshold_items(a->right.bone, true, true, x);
  threshold_items(a->left.bone, false, true, x);
  std::string freqs;
  for (int hz : speech_hz) freqs += (freqs.empty() ? "" : ", ") + std::to_string(hz);
  for (const char* ear : {"right", "left"}) {
    if (!p.contains(ear) || !p[ear].is_object()) continue;
    const json& e = p[ear];
    const std::string E = std::string(ear) == "right" ? "R" : "L";
    if (num(e, "pta_db")) {
      ExportItem it;
      it.key = "PTA-" + E;
      it.codes = {
          local(it.key, std::string("Pure-tone average (speech frequencies) Ear - ") + ear)};
      it.quantity = ExportQuantity{fixed(e["pta_db"].get<double>(), 1), "dB", "dB HL", ""};
      it.method = "mean of the air-conduction thresholds at " + freqs + " Hz";
      x.items.push_back(std::move(it));
    }
    if (num(e, "avg_2k3k4k_db")) {
      ExportItem it;
      it.key = "AVG-2-3-4K-" + E;
      it.codes = {local(it.key, std::string("Mean threshold 2, 3, 4 kHz Ear - ") + ear)};
      it.quantity = ExportQuantity{fixed(e["avg_2k3k4k_db"].get<double>(), 1), "dB", "dB HL", ""};
      it.method = "mean of the air-conduction thresholds at 2000, 3000, 4000 Hz";
      x.items.push_back(std::move(it));
    }
    if (num(e, "percent_loss")) {
      ExportItem it;
      it.key = "HL-PCT-" + E;
      it.codes = {local(it.key, std::string("Hearing loss percent Ear - ") + ear)};
      it.quantity = ExportQuantity{fixed(e["percent_loss"].get<double>(), 1), "%", "percent", ""};
      x.items.push_back(std::move(it));
    }
  }
  if (num(p, "binaural_percent")) {
    ExportItem it;
    it.key = "HL-PCT-BIN";
    it.codes = {local(it.key, "Binaural hearing loss percent")};
    it.quantity = ExportQuantity{fixed(p["binaural_percent"].get<double>(), 1), "%", "percent", ""};
    x.items.push_back(std::move(it));
  }
  return {};
}

void decision_items(const ExamRecord& r, ExportedExam& x) {
  if (!r.decision) return;
  const auto& d = *r.decision;
  const bool physician = d.kind == "confirm" || d.kind == "override";
  // The decision's row id is in the identifier: a later decision (override, confirmation) is a
  // new Observation, never a second value under the same identifier.
  const std::string row = "-D" + std::to_string(d.id);
  const std::string how = "Beden Gücü Yönergesi Ek-2, rules " + d.rules_version + ", " + d.kind +
                          " by " + d.created_by + " (" + d.created_at + ")";
  if (d.ek2_column) {
    ExportItem it;
    it.key = "EK2-COLUMN" + row;
    it.codes = {local("EK2-COLUMN", "Ek-2 column")};
    it.coded = local("EK2-COLUMN-" + *d.ek2_column, "Ek-2 column " + *d.ek2_column);
    it.method = how;
    it.preliminary = !physician;
    x.items.push_back(std::move(it));
  }
  if (d.health_group) {
    ExportItem it;
    it.key = "HEALTH-GROUP" + row;
    it.codes = {local("HEALTH-GROUP", "Health group (sağlık grubu)")};
    it.coded = local("HEALTH-GROUP-" + *d.health_group, "Health group " + *d.health_group);
    it.method = how;
    it.preliminary = !physician;
    x.items.push_back(std::move(it));
  }
}

}  // namespace

std::string fhir_datetime(const std::string& iso) {
  const auto t = iso.find('T');
  if (t == std::string::npos) return iso;
  const std::string time = iso.substr(t);
  if (time.back() == 'Z' || time.find('+') != std::string::npos ||
      time.find('-') != std::string::npos)
    return iso;
  return iso + "Z";
}

std::string hl7_datetime(const std::string& iso) {
  std::string digits;
  for (char c : iso.substr(0, 19))
    if (c >= '0' && c <= '9') digits += c;
  if (digits.size() <= 8) return digits;
  return digits + "+0000";  // the station stores UTC
}

Result<const ExportConfig*> require_export_config(const StationConfig& cfg) {
  if (!cfg.exports) {
    return make_errorf("config_invalid",
                       "{}: no [export] section; add the identifier systems the central office "
                       "assigned (see config/station.toml and docs/export.md)",
                       cfg.file.string());
  }
  return &*cfg.exports;
}

Result<ExportedExam> prepare_export(const ExamRecord& r, const ExportConfig& cfg) {
  const std::int64_t which = r.exam.id;
  if (r.results.empty())
    return make_errorf("export_unsigned", "exam {} has no result; nothing to export", which);
  const StoredResult& res = r.results.back();
  if (res.signatures.empty()) {
    return make_errorf("export_unsigned",
                       "exam {}: its latest result (version {}) is not signed; only signed exams "
                       "are exported — a physician signs it with `odyospiro exam sign {}`",
                       which, res.version, r.exam.id);
  }
  if (r.exam.kind != "spirometry" && r.exam.kind != "audiometry")
    return make_errorf("export_kind", "exam {} is a {} exam; not exported", which, r.exam.kind);
  const json p = json::parse(res.payload_json, nullptr, false);
  if (!p.is_object())
    return make_errorf("export_unreadable", "exam {}: the stored result is not a JSON object",
                       which);

  ExportedExam x;
  x.kind = r.exam.kind;
  x.exam_id = r.exam.id;
  x.result_version = res.version;
  x.corrected = res.version > 1;
  x.order_id = cfg.station_id + "-E" + std::to_string(r.exam.id);
  x.id_prefix = x.order_id + "-V" + std::to_string(res.version);
  x.signature = res.signatures.back();
  x.physician_username = x.signature.signer;
  const auto u = r.users.find(x.signature.signer);
  x.physician_name =
      u != r.users.end() && !u->second.full_name.empty() ? u->second.full_name : x.signature.signer;
  x.effective = r.exam.started_at;
  x.issued = x.signature.signed_at;
  x.worker = r.worker;
  if (x.kind == "spirometry") {
    x.report_code = loinc("18759-1", "Spirometry study");
    x.section = "PF";
    x.section_display = "Pulmonary Function";
    spirometry_items(p, x);
  } else {
    x.report_code = loinc("89015-2", "Pure tone threshold audiometry panel");
    x.section = "AU";
    x.section_display = "Audiology";
    std::vector<int> speech;
    if (p.contains("speech_frequencies_hz") && p["speech_frequencies_hz"].is_array())
      for (const auto& f : p["speech_frequencies_hz"])
        if (f.is_number_integer()) speech.push_back(f.get<int>());
    if (auto a = audiometry_items(p, speech, x); !a) return a.error();
  }
  decision_items(r, x);
  if (x.items.empty())
    return make_errorf("export_unreadable", "exam {}: the stored result has no value to export",
                       which);
  return x;
}

}  // namespace odyo::station
