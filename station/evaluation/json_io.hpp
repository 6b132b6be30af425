#pragma once
// The evaluation engine's JSON faces: the input file of `odyospiro evaluate --input` (also what a
// stored evaluation keeps, so it can be re-run under another rule version) and the result.
// Input keys: purpose, job, job_work_group,
//   hearing {right_pta_db, left_pta_db, right_max_hf_db, left_max_hf_db, right_pta_no_response,
//            left_pta_no_response, speech_frequencies_hz},
//   spirometry {fvc_pctpred, fev1_pctpred, fev1_fvc, fef2575_lps, fef2575_pctpred, grade_fev1,
//               grade_fvc, fvc_z, fev1_z, fev1_fvc_z},
//   findings {<name>: number|yes/no|word, checklist: {<item>: {ok, note} | yes/no}},
//   systems {<system>: none|A|B|C|D}, special_exam {result: fit|unfit, note},
//   restrictions [<id>…], absence {days, started_days_ago, sgk_report, sgk_report_no,
//   temporary_job, controlled_until, start, end}
//   (hearing also: right/left_max_any_db, *_max_hf/any_no_response, spreads_below_3k,
//   exam_age_days; spirometry also exam_age_days).
// Unknown keys and wrong types are errors naming the key. Thread-safety: free functions.

#include <nlohmann/json.hpp>

#include "analysis/core/result.hpp"
#include "analysis/evaluation/engine.hpp"

namespace odyo::station::evaluation {

Result<odyo::evaluation::EvaluationInput> input_from_json(const nlohmann::json& j);
nlohmann::json input_to_json(const odyo::evaluation::EvaluationInput& in);

// The result, with both languages; rules_version/rules_hash say which tables made it.
nlohmann::json result_to_json(const odyo::evaluation::Evaluation& e,
                              const odyo::evaluation::RuleSet& rules);

// A person's reading of the result in one language (the command's plain output).
std::string result_text(const odyo::evaluation::Evaluation& e,
                        const odyo::evaluation::RuleSet& rules, bool turkish);

}  // namespace odyo::station::evaluation
