#include "station/exams/spirometry_exam.hpp"

#include <cstring>
#include <sstream>

#include "analysis/spirometry/spirometry.hpp"
#include "station/records/exams.hpp"
#include "station/spirometry/report.hpp"
#include "station/storage/database.hpp"

namespace odyo::station {

namespace sp = spirometry;
using nlohmann::json;

namespace {

std::string fixed(double v, int decimals) {
  std::ostringstream os;
  os.setf(std::ios::fixed);
  os.precision(decimals);
  os << v;
  return os.str();
}

std::vector<unsigned char> f64le_bytes(const std::vector<double>& v) {
  std::vector<unsigned char> out(v.size() * sizeof(double));
  std::memcpy(out.data(), v.data(), out.size());  // x86-64/aarch64 Debian: little-endian doubles
  return out;
}

}  // namespace

Result<SpirometryAssessment> assess_spirometry_capture(const StationConfig& cfg,
                                                       const Worker& worker,
                                                       const SpirometryCapture& capture) {
  if (capture.manoeuvres_flow_lps.empty()) {
    return make_error("spirometry_empty",
                      "no manoeuvre was captured: ask the worker to blow again");
  }
  auto btps = sp::btps_factor(
      sp::BtpsStrategy::kAmbientHumidity,
      {capture.ambient_temp_c, capture.ambient_pressure_kpa, capture.ambient_humidity_pct / 100.0});
  if (!btps) return btps.error();
  SpirometryAssessment a;
  a.spec = sp::SignalSpec{capture.sample_rate_hz, *btps, cfg.min_sample_rate_hz};
  const std::string exam_date = capture.started_at.substr(0, 10);
  a.age_years = age_years(worker.birth_date, exam_date);
  std::vector<Eigen::Map<const Eigen::VectorXd>> blows;
  for (const auto& m : capture.manoeuvres_flow_lps)
    blows.emplace_back(m.data(), static_cast<Eigen::Index>(m.size()));
  auto session = sp::analyse_session(blows, a.spec, {a.age_years}, false);
  if (!session) return session.error();
  a.session = std::move(*session);
  return a;
}

Result<RecordedExam> record_spirometry_exam(Database& db, const StationConfig& cfg,
                                            const sp::ReferenceTables& tables, const Worker& worker,
                                            const SpirometryCapture& capture,
                                            const std::string& actor) {
  auto assessed = assess_spirometry_capture(cfg, worker, capture);
  if (!assessed) return assessed.error();
  const sp::SignalSpec& spec = assessed->spec;
  const double* btps = &assessed->spec.btps_factor;
  const double age = assessed->age_years;
  const sp::SessionResult* session = &assessed->session;

  auto equation = sp::parse_equation(cfg.reference_equation);
  if (!equation) return equation.error();
  sp::Subject subject{worker.sex == "F" ? sp::Sex::kFemale : sp::Sex::kMale, age, worker.height_cm,
                      cfg.gli2012_default_ethnicity};
  auto pred = sp::predict(tables, *equation, subject);
  if (!pred) return pred.error();
  auto ev = sp::evaluate(*session, *pred);
  if (!ev) return ev.error();

  json payload = session_json(*session, spec);
  payload["btps_strategy"] = "ambient-humidity";
  payload["ambient"] = {{"temp_c", capture.ambient_temp_c},
                        {"pressure_kpa", capture.ambient_pressure_kpa},
                        {"humidity_pct", capture.ambient_humidity_pct}};
  payload["device"] = {
      {"id", capture.device_id}, {"profile", capture.profile}, {"raw", capture.raw_source}};
  json params = json::object();
  json inputs = json::object();
  const auto& rep = session->reported;
  for (const auto& p : ev->params) {
    params[sp::param_id(p.param)] = predicted_json(p.reference, p.measured);
  }
  payload["reference"] = {{"equation", sp::equation_id(*equation)},
                          {"age_years", age},
                          {"height_cm", worker.height_cm},
                          {"sex", worker.sex},
                          {"params", params}};
  if (ev->interpretation) {
    payload["interpretation"] = {{"pattern", sp::pattern_id(ev->interpretation->pattern)},
                                 {"severity", sp::severity_id(ev->interpretation->severity)},
                                 {"tr", ev->interpretation->text_tr},
                                 {"en", ev->interpretation->text_en}};
  }
  // What the Ek-1/Ek-2 evaluation reads (station/evaluation: the --input format).
  for (const auto& p : ev->params) {
    switch (p.param) {
      case sp::Param::kFev1:
        inputs["fev1_pctpred"] = p.score.pct_pred;
        inputs["fev1_z"] = p.score.z;
        break;
      case sp::Param::kFvc:
        inputs["fvc_pctpred"] = p.score.pct_pred;
        inputs["fvc_z"] = p.score.z;
        break;
      case sp::Param::kFev1Fvc:
        inputs["fev1_fvc_z"] = p.score.z;
        break;
      case sp::Param::kFef2575:
        inputs["fef2575_pctpred"] = p.score.pct_pred;
        break;
      default:
        break;
    }
  }
  // GLI Global 2022 has no FEF25-75 equation, but Ek-1 item 4 reads FEF25-75 % predicted: take
  // it from GLI-2012 (the configured ethnic group) and say so in the stored reference.
  if (!inputs.contains("fef2575_pctpred") && rep.fef2575_lps &&
      *equation != sp::Equation::kGli2012) {
    sp::Subject s2 = subject;
    auto pred2012 = sp::predict(tables, sp::Equation::kGli2012, s2);
    if (pred2012) {
      if (const sp::Predicted* f = pred2012->find(sp::Param::kFef2575); f != nullptr) {
        if (auto sc = sp::score(*f, *rep.fef2575_lps); sc) {
          inputs["fef2575_pctpred"] = sc->pct_pred;
          json fj = predicted_json(*f, *rep.fef2575_lps);
          fj["equation"] = "gli2012";
          fj["why"] =
              "the configured equation has no FEF25-75; GLI-2012 gives the value Ek-1 item 4 reads";
          payload["reference"]["params"]["FEF2575"] = fj;
        }
      }
    }
  }
  if (rep.fev1_fvc) inputs["fev1_fvc"] = *rep.fev1_fvc;
  if (rep.fef2575_lps) inputs["fef2575_lps"] = *rep.fef2575_lps;
  inputs["grade_fev1"] = sp::grade_name(session->grade_fev1);
  inputs["grade_fvc"] = sp::grade_name(session->grade_fvc);
  payload["evaluation_inputs"] = {{"spirometry", inputs}};

  // Lines for `exam show` and the review page.
  std::vector<std::string> tr, en;
  tr.push_back(std::to_string(session->manoeuvres.size()) + " manevra; kalite derecesi FEV1 " +
               sp::grade_name(session->grade_fev1) + ", FVC " + sp::grade_name(session->grade_fvc) +
               "; BTPS " + fixed(*btps, 3) + "; referans " + sp::equation_id(*equation));
  en.push_back(std::to_string(session->manoeuvres.size()) + " manoeuvres; grade FEV1 " +
               sp::grade_name(session->grade_fev1) + ", FVC " + sp::grade_name(session->grade_fvc) +
               "; BTPS " + fixed(*btps, 3) + "; reference " + sp::equation_id(*equation));
  for (const auto& p : ev->params) {
    const bool ratio = p.param == sp::Param::kFev1Fvc;
    std::string line = std::string(sp::param_id(p.param)) + " " + fixed(p.measured, ratio ? 2 : 2) +
                       " " + sp::param_unit(p.param) + " (";
    std::string l_tr = line + "beklenen " + fixed(p.reference.predicted, 2) + ", AYS " +
                       fixed(p.reference.lln, 2) + ", %" + fixed(p.score.pct_pred, 0) + ", z " +
                       fixed(p.score.z, 2) + ")";
    std::string l_en = line + "predicted " + fixed(p.reference.predicted, 2) + ", LLN " +
                       fixed(p.reference.lln, 2) + ", " + fixed(p.score.pct_pred, 0) + " %, z " +
                       fixed(p.score.z, 2) + ")";
    tr.push_back(l_tr);
    en.push_back(l_en);
  }
  if (ev->interpretation) {
    tr.push_back(ev->interpretation->text_tr);
    en.push_back(ev->interpretation->text_en);
  }
  if (session->guidance.another_blow_needed) {
    for (const auto& r : session->guidance.because) {
      tr.push_back("Yeni manevra gerekli: " + r.text_tr);
      en.push_back("Another blow needed: " + r.text_en);
    }
  }
  if (capture.interrupted_reason) {
    payload["interrupted"] = {{"reason", *capture.interrupted_reason},
                              {"detail", capture.interrupted_detail}};
    tr.insert(tr.begin(), "YARIDA KESİLDİ (" + *capture.interrupted_reason +
                              "): " + capture.interrupted_detail +
                              " — hekim kabul etmedikçe değerlendirmede kullanılmaz");
    en.insert(en.begin(), "INTERRUPTED (" + *capture.interrupted_reason +
                              "): " + capture.interrupted_detail +
                              " — not used by an evaluation unless a physician accepts it");
  }
  payload["summary"] = {{"tr", tr}, {"en", en}};

  auto tx = Transaction::begin(db);
  if (!tx) return tx.error();
  NewExam exam{worker.id,
               "spirometry",
               capture.started_at,
               capture.technician,
               capture.device_id,
               capture.ambient_temp_c,
               capture.ambient_pressure_kpa,
               capture.ambient_humidity_pct,
               ""};
  auto exam_id = add_exam(db, exam, actor);
  if (!exam_id) return exam_id.error();
  for (std::size_t i = 0; i < capture.manoeuvres_flow_lps.size(); ++i) {
    NewRecording rec;
    rec.seq = static_cast<int>(i + 1);
    rec.codec = "f64le-flow-lps";
    rec.sample_rate_hz = capture.sample_rate_hz;
    rec.device_units = "L/s (sensor conditions, decoded by profile " + capture.profile + ")";
    rec.conversion_factor = 1.0;
    rec.btps_factor = *btps;
    rec.bytes = f64le_bytes(capture.manoeuvres_flow_lps[i]);
    if (auto r = add_recording(db, *exam_id, rec); !r) return r.error();
  }
  auto result_id = add_result(db, *exam_id, payload.dump(), actor, "");
  if (!result_id) return result_id.error();
  if (auto r = tx->commit(); !r) return r.error();
  return RecordedExam{*exam_id, *result_id, std::move(payload)};
}

}  // namespace odyo::station
