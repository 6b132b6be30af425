// End-to-end: the built odyospiro's `spiro analyze` and `spiro predict` (issue 3 interfaces).
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/analysis/spirometry/synthetic_blow.hpp"

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

struct Run {
  int status = -1;
  std::string out;
};

// Runs odyospiro with the source tree's configuration (reference tables in config/reference/).
Run run(const std::string& args) {
  const std::string cmd = std::string("'") + ODYOSPIRO_EXE + "' --config '" + ODYO_SOURCE_DIR +
                          "/config/station.toml' --lang en " + args + " 2>/dev/null";
  Run r;
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return r;
  std::array<char, 4096> buf{};
  std::size_t n = 0;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
  const int st = pclose(p);
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return r;
}

json run_json(const std::string& args, int expect_status = 0) {
  Run r = run(args + " --json");
  EXPECT_EQ(r.status, expect_status) << args << "\n" << r.out;
  json j = json::parse(r.out, nullptr, false);
  EXPECT_FALSE(j.is_discarded()) << r.out;
  return j;
}

fs::path tmp_file(const std::string& name) {
  const fs::path dir = fs::path(ODYO_BINARY_DIR) / "test-tmp" / "spiro_cli";
  fs::create_directories(dir);
  return dir / name;
}

std::string ats_csv(int n) {
  return std::string(ODYO_TEST_DATA_DIR) + "/spirometry/ats26_flow/" + std::to_string(n) + ".txt";
}

}  // namespace

TEST(SpiroCli, AnalyzeAtsWaveformCsv) {
  // ATS waveform 1 (Table D1): PEF 7.445 L/s, FEV1 3.373 L, BEV 0.108 L; tolerances as in the
  // analysis test (PEF ±0.001 L/s, volumes ±0.015 L).
  json j = run_json("spiro analyze --input '" + ats_csv(1) + "' --rate 500 --btps 1.0");
  ASSERT_TRUE(j.contains("manoeuvres"));
  ASSERT_EQ(j["manoeuvres"].size(), 1u);
  const auto& m = j["manoeuvres"][0];
  EXPECT_NEAR(m["pef_lps"].get<double>(), 7.445, 0.001);
  EXPECT_NEAR(m["fev1_l"].get<double>(), 3.373, 0.015);
  EXPECT_NEAR(m["bev_l"].get<double>(), 0.108, 0.015);
  for (const char* k :
       {"fev6_l", "fvc_l", "fev1_fvc", "fef2575_lps", "t0_s", "fet_s", "acceptable_fev1",
        "acceptable_fvc", "usable_fev1", "usable_fvc", "reasons"})
    EXPECT_TRUE(m.contains(k)) << k;
  for (const char* k : {"fev1_l", "fvc_l", "fev1_fvc", "fef2575_lps", "pef_lps", "grade_fev1",
                        "grade_fvc", "best_manoeuvre"})
    EXPECT_TRUE(j["session"].contains(k)) << k;
  // One blow: at best grade E, and the guidance asks for more.
  EXPECT_TRUE(j["session"]["another_blow_needed"].get<bool>());
}

TEST(SpiroCli, AnalyzeJsonSessionGradesA) {
  json session{{"rate_hz", 1000.0}, {"btps", 1.0}, {"manoeuvres", json::array()}};
  double fvc0 = 0;
  for (double body : {1.0, 0.98, 0.96}) {
    synth::Blow b;
    b.body = body;
    if (body == 1.0) fvc0 = b.fvc_l();
    session["manoeuvres"].push_back(b.samples());
  }
  const auto file = tmp_file("session_a.json");
  std::ofstream(file) << session.dump();
  json j = run_json("spiro analyze --input '" + file.string() + "'");
  ASSERT_EQ(j["manoeuvres"].size(), 3u);
  EXPECT_EQ(j["session"]["grade_fev1"], "A");
  EXPECT_EQ(j["session"]["grade_fvc"], "A");
  EXPECT_EQ(j["session"]["best_manoeuvre"], 1);  // 1-based
  EXPECT_NEAR(j["session"]["fvc_l"].get<double>(), fvc0, 1e-4);
  EXPECT_FALSE(j["session"]["another_blow_needed"].get<bool>());
}

TEST(SpiroCli, AnalyzeWithReferenceValues) {
  json session{{"rate_hz", 1000.0}, {"manoeuvres", json::array()}};
  for (double body : {1.0, 0.99, 0.98}) {
    synth::Blow b;
    b.body = body;
    session["manoeuvres"].push_back(b.samples());
  }
  const auto file = tmp_file("session_ref.json");
  std::ofstream(file) << session.dump();
  json j = run_json("spiro analyze --input '" + file.string() +
                    "' --sex M --age 40 --height-cm 175 --equation gli2012");
  ASSERT_TRUE(j.contains("reference"));
  EXPECT_EQ(j["reference"]["equation"], "gli2012");
  EXPECT_TRUE(j["reference"]["FEV1"].contains("z"));
  EXPECT_TRUE(j["reference"].contains("interpretation"));
}

TEST(SpiroCli, AnalyzeBadInputsAreClearErrors) {
  const auto empty = tmp_file("empty.csv");
  std::ofstream(empty) << "";
  json e = run_json("spiro analyze --input '" + empty.string() + "' --rate 1000", 1);
  EXPECT_EQ(e["error"]["code"], "empty_signal");

  const auto nan = tmp_file("nan.csv");
  {
    std::ofstream f(nan);
    for (double x : synth::Blow{}.samples()) f << x << "\n";
    f << "nan\n";
  }
  EXPECT_EQ(
      run_json("spiro analyze --input '" + nan.string() + "' --rate 1000", 1)["error"]["code"],
      "not_finite");

  const auto neg = tmp_file("negative.csv");
  {
    std::ofstream f(neg);
    for (double x : synth::Blow{}.samples()) f << -x << "\n";
  }
  EXPECT_EQ(
      run_json("spiro analyze --input '" + neg.string() + "' --rate 1000", 1)["error"]["code"],
      "wrong_sign");
  EXPECT_EQ(run_json("spiro analyze --input '" + ats_csv(2) + "' --rate 50", 1)["error"]["code"],
            "sample_rate_too_low");
  EXPECT_EQ(run_json("spiro analyze --input '" + ats_csv(2) + "'", 1)["error"]["code"],
            "no_sample_rate");
  const auto text = tmp_file("text.csv");
  std::ofstream(text) << "flow\n1.0\nabc\n";
  json t = run_json("spiro analyze --input '" + text.string() + "' --rate 1000", 1);
  EXPECT_NE(t["error"]["message"].get<std::string>().find("line 3"), std::string::npos);
}

TEST(SpiroCli, PredictGli2012MatchesTheWebCalculator) {
  // Oracle row: M, ethnic 5, age 51.8, height 210 → FEV1 5.224 / 4.041 / 6.349,
  // FEF75 1.634 / 0.738 / 3.413 (gli2012_webcalculator_oracle_grid.csv, line 3).
  json j = run_json(
      "spiro predict --equation gli2012 --sex M --age 51.8 --height-cm 210 "
      "--ethnicity 5");
  EXPECT_EQ(j["equation"], "gli2012");
  EXPECT_NEAR(j["FEV1"]["predicted"].get<double>(), 5.224, 0.0005);
  EXPECT_NEAR(j["FEV1"]["lln"].get<double>(), 4.041, 0.0005);
  EXPECT_NEAR(j["FEV1"]["uln"].get<double>(), 6.349, 0.0005);
  EXPECT_NEAR(j["FEF75"]["lln"].get<double>(), 0.738, 0.0005);
  for (const char* p : {"FVC", "FEV1FVC", "FEF2575"}) EXPECT_TRUE(j.contains(p)) << p;
  EXPECT_FALSE(j["FEV1"].contains("z"));
}

TEST(SpiroCli, PredictWithMeasuredGivesZAndPercent) {
  json j = run_json(
      "spiro predict --equation gli2012 --sex M --age 51.8 --height-cm 210 "
      "--ethnicity 5 --measured FEV1=5.224,FVC=5.357");
  // FEV1 at the predicted value: z ≈ 0 (the predicted shown is rounded to 3 decimals), 100 %.
  EXPECT_NEAR(j["FEV1"]["z"].get<double>(), 0.0, 0.005);
  EXPECT_NEAR(j["FEV1"]["pctpred"].get<double>(), 100.0, 0.02);
  // FVC at the oracle's LLN: z ≈ −1.645.
  EXPECT_NEAR(j["FVC"]["z"].get<double>(), -1.645, 0.005);
  EXPECT_FALSE(j["FEV1FVC"].contains("z"));
}

TEST(SpiroCli, PredictOtherEquations) {
  json g = run_json("spiro predict --equation gli-global-2022 --sex F --age 30 --height-cm 165");
  EXPECT_TRUE(g.contains("FEV1"));
  EXPECT_FALSE(g.contains("FEF2575"));  // GLI Global has FEV1, FVC, FEV1FVC only
  json e = run_json("spiro predict --equation eccs1993 --sex M --age 40 --height-cm 175");
  // Hand-worked: FVC = 5.76·1.75 − 0.026·40 − 4.34 = 4.70 L.
  EXPECT_NEAR(e["FVC"]["predicted"].get<double>(), 4.70, 1e-9);
  EXPECT_TRUE(e["FVC"]["provisional"].get<bool>());
}

TEST(SpiroCli, PredictBadInputsAreClearErrors) {
  EXPECT_EQ(run_json("spiro predict --equation gli2012 --sex M --age 2 --height-cm 90",
                     1)["error"]["code"],
            "age_out_of_range");
  EXPECT_EQ(run_json("spiro predict --equation gli2012 --sex M --age 96 --height-cm 170",
                     1)["error"]["code"],
            "age_out_of_range");
  EXPECT_EQ(run_json("spiro predict --equation gli2012 --sex M --age 40 --height-cm 50",
                     1)["error"]["code"],
            "height_out_of_range");
  EXPECT_EQ(run_json("spiro predict --equation nope --sex M --age 40 --height-cm 170",
                     1)["error"]["code"],
            "bad_equation");
  EXPECT_EQ(run_json("spiro predict --equation gli2012 --sex X --age 40 --height-cm 170",
                     1)["error"]["code"],
            "bad_sex");
  EXPECT_EQ(run_json("spiro predict --equation gli2012 --sex M --age 40 --height-cm 170 "
                     "--measured FEV1=abc",
                     1)["error"]["code"],
            "bad_measured");
}
