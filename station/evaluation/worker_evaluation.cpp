#include "station/evaluation/worker_evaluation.hpp"

#include "analysis/core/error_text.hpp"
#include "station/evaluation/decisions.hpp"
#include "station/evaluation/json_io.hpp"
#include "station/evaluation/physician_records.hpp"
#include "station/exams/interruption.hpp"
#include "station/records/exams.hpp"
#include "station/storage/database.hpp"

namespace odyo::station::evaluation {

namespace ev = odyo::evaluation;
using nlohmann::json;

Result<ev::EvaluationInput> gather_worker(Database& db, const Worker& w, const json& findings,
                                          std::optional<std::int64_t>& exam_id) {
  json in = json::object();
  in["job"] = w.job_code;
  in["findings"] = json::object();
  if (!findings.is_null()) {
    const json& src = findings.contains("findings") ? findings["findings"] : findings;
    if (!src.is_object()) return make_error("evaluation_input", "findings must be a JSON object");
    in["findings"] = src;
  }
  in["findings"]["height_m"] = w.height_cm / 100.0;
  in["findings"]["weight_kg"] = w.weight_kg;
  auto exams = list_exams(db, w.id);
  if (!exams) return exams.error();
  for (const char* kind : {"audiometry", "spirometry"}) {
    for (auto it = exams->rbegin(); it != exams->rend(); ++it) {
      if (it->kind != kind) continue;
      auto results = list_results(db, it->id);
      if (!results) return results.error();
      if (results->empty()) continue;
      const json payload = json::parse(results->back().payload_json, nullptr, false);
      if (!payload.is_object() || !payload.contains("evaluation_inputs")) continue;
      if (interrupted_unaccepted(payload)) {
        return make_errorf(
            "interrupted_exam",
            "the newest {} exam #{} of this worker was interrupted ({}) and is not used by an "
            "evaluation: repeat the test, or a physician accepts it with `odyospiro exam "
            "accept-interrupted {} --reason …`",
            kind, it->id, payload["interrupted"].value("reason", std::string("?")), it->id);
      }
      for (const auto& [k, v] : payload["evaluation_inputs"].items()) in[k] = v;
      // The exam's age: an exam too old (or made before an absence) is not used by the engine.
      if (auto age = days_between(it->started_at, today_iso()); age && in.contains(kind))
        in[kind]["exam_age_days"] = *age;
      if (std::string_view(kind) == "audiometry" && in.contains("hearing")) {
        // Earlier exams stored only the per-ear numbers: EK-2/19's maxima at any frequency, the
        // spread below 3 kHz and the no-response flags come from them.
        bool spreads = false, any_ear = false;
        for (const char* ear : {"right", "left"}) {
          const json& e = payload.value(ear, json::object());
          if (!e.is_object()) continue;
          const std::string pre = ear;
          auto copy = [&](const char* from, const std::string& to) {
            if (e.contains(from) && !e[from].is_null() && !in["hearing"].contains(to))
              in["hearing"][to] = e[from];
          };
          copy("max_any_db", pre + "_max_any_db");
          copy("max_hf_no_response", pre + "_max_hf_no_response");
          copy("max_any_no_response", pre + "_max_any_no_response");
          if (e.contains("spreads_below_3k") && e["spreads_below_3k"].is_boolean()) {
            any_ear = true;
            spreads = spreads || e["spreads_below_3k"].get<bool>();
          }
        }
        if (any_ear && !in["hearing"].contains("spreads_below_3k"))
          in["hearing"]["spreads_below_3k"] = spreads;
      }
      if (!exam_id || *exam_id < it->id) exam_id = it->id;
      break;
    }
  }
  return input_from_json(in);
}

Result<std::vector<PhysicianRecord>> add_physician_records(Database& db, std::int64_t worker_id,
                                                           ev::EvaluationInput& in) {
  auto current = current_physician_records(db, worker_id);
  if (!current) return current.error();
  return apply_physician_records(*current, in.job_code, today_iso(), in);
}

void add_speech_frequencies(ev::EvaluationInput& in, const StationConfig& cfg) {
  if (in.values.count("hearing.speech_frequencies")) return;
  std::string s;
  for (int f : cfg.speech_frequencies_hz) s += (s.empty() ? "" : "-") + std::to_string(f);
  in.values["hearing.speech_frequencies"] = s;
}

Result<WorkerEvaluation> evaluate_stored_worker(Database& db, const StationConfig& cfg,
                                                const ev::RuleSet& rules, const Worker& w,
                                                const std::string& purpose, const json& findings,
                                                const std::string& actor, bool turkish) {
  WorkerEvaluation out;
  auto in = gather_worker(db, w, findings, out.exam_id);
  if (!in) return in.error();
  if (!purpose.empty()) {
    auto p = ev::parse_purpose(purpose);
    if (!p)
      return make_errorf("usage", "\"{}\" is not a purpose; use {}", purpose, ev::purpose_list());
    in->purpose = *p;
  }
  auto records = add_physician_records(db, w.id, *in);
  if (!records) return records.error();
  out.records = std::move(*records);
  add_speech_frequencies(*in, cfg);
  out.result = ev::evaluate(rules, *in);
  auto id = store_evaluation(db, w.id, out.exam_id, *in, out.result, rules, actor);
  if (!id) return id.error();
  out.evaluation_id = *id;
  out.text = result_text(out.result, rules, turkish);
  return out;
}

}  // namespace odyo::station::evaluation
