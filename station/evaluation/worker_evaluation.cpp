#include "station/evaluation/worker_evaluation.hpp"

#include "station/evaluation/decisions.hpp"
#include "station/evaluation/json_io.hpp"
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
        return make_error(
            "interrupted_exam",
            std::string("the newest ") + kind + " exam #" + std::to_string(it->id) +
                " of this worker was interrupted (" +
                payload["interrupted"].value("reason", std::string("?")) +
                ") and is not used by an evaluation: repeat the test, or a physician accepts it "
                "with `odyospiro exam accept-interrupted " +
                std::to_string(it->id) + " --reason …`");
      }
      for (const auto& [k, v] : payload["evaluation_inputs"].items()) in[k] = v;
      if (!exam_id || *exam_id < it->id) exam_id = it->id;
      break;
    }
  }
  return input_from_json(in);
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
      return make_error(
          "usage",
          "\"" + purpose + "\" is not a purpose; use new-hire, job-change, return or periodic");
    in->purpose = *p;
  }
  add_speech_frequencies(*in, cfg);
  out.result = ev::evaluate(rules, *in);
  auto id = store_evaluation(db, w.id, out.exam_id, *in, out.result, rules, actor);
  if (!id) return id.error();
  out.evaluation_id = *id;
  out.text = result_text(out.result, rules, turkish);
  return out;
}

}  // namespace odyo::station::evaluation
