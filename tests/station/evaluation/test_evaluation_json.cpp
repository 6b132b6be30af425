// The JSON faces of the engine: every bad input is refused with the key named, and a stored
// input reads back to the same engine input (re-evaluation depends on it).
#include <gtest/gtest.h>

#include "station/evaluation/json_io.hpp"

namespace ev = odyo::evaluation;
namespace se = odyo::station::evaluation;
using nlohmann::json;

TEST(EvaluationJson, BadInputsNameTheKey) {
  const std::pair<const char*, const char*> cases[] = {
      {R"({"purpose": "holiday"})", "'purpose': \"holiday\" is not a purpose"},
      {R"({"job_work_group": 7})", "'job_work_group': must be a work group 1..5"},
      {R"({"job": ""})", "'job': must be a job code"},
      {R"({"hearing": {"right_pta_db": "45"}})", "'hearing.right_pta_db': must be a number"},
      {R"({"hearing": {"right_pta_no_response": 1}})",
       "'hearing.right_pta_no_response': must be true or false"},
      {R"({"hearing": {"speech_frequencies_hz": []}})",
       "'hearing.speech_frequencies_hz': must be a list"},
      {R"({"spirometry": {"grade_fvc": "X"}})", "'spirometry.grade_fvc': must be a session grade"},
      {R"({"spirometry": {"fvc": 4.1}})", "'spirometry.fvc': unknown key"},
      {R"({"findings": {"checklist": {"heart": {"ok": "yes"}}}})",
       "'findings.checklist.heart.ok': must be true or false"},
      {R"({"findings": {"checklist": {"heart": {"fine": true}}}})",
       "'findings.checklist.heart.fine': unknown key"},
      {R"({"findings": {"otitis": ["none"]}})",
       "'findings.otitis': must be a number, true/false or a word"},
      {R"({"worker": 3})", "'worker': unknown key"},
      {R"([1, 2])", "must be a JSON object"},
  };
  for (const auto& [text, expect] : cases) {
    auto r = se::input_from_json(json::parse(text));
    ASSERT_FALSE(r.ok()) << text;
    EXPECT_NE(r.error().message.find(expect), std::string::npos) << r.error().message;
  }
}

TEST(EvaluationJson, StoredInputReadsBackTheSame) {
  const json j = json::parse(R"({
    "purpose": "job-change", "job": "YU-KOMP-01",
    "hearing": {"right_pta_db": 31.67, "left_pta_db": 20, "left_pta_no_response": true,
                "speech_frequencies_hz": [500, 1000, 2000, 4000]},
    "spirometry": {"fvc_pctpred": 79.9, "grade_fvc": "C", "fev1_z": -1.2, "fef2575_lps": null},
    "findings": {"vertigo": "none", "esr_mm_h": 12, "presbycusis": false,
                 "checklist": {"heart": {"ok": true, "note": "EKG normal"}, "skin": false}}})");
  auto in = se::input_from_json(j);
  ASSERT_TRUE(in.ok()) << in.error().message;
  EXPECT_EQ(in->purpose, ev::Purpose::JobChange);
  EXPECT_EQ(in->job_code, "YU-KOMP-01");
  EXPECT_EQ(std::get<double>(in->values.at("hearing.right_pta_db")), 31.67);
  EXPECT_EQ(std::get<std::string>(in->values.at("hearing.speech_frequencies")),
            "500-1000-2000-4000");
  EXPECT_EQ(in->values.count("spirometry.fef2575_lps"), 0u);  // null = not measured
  EXPECT_EQ(std::get<bool>(in->values.at("checklist.skin")), false);
  EXPECT_EQ(in->notes.at("checklist.heart"), "EKG normal");

  auto back = se::input_from_json(se::input_to_json(*in));
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->purpose, in->purpose);
  EXPECT_EQ(back->job_code, in->job_code);
  EXPECT_EQ(back->values, in->values);
  EXPECT_EQ(back->notes, in->notes);
}
