// End-to-end: the built odyospiro's `spiro analyze` and `spiro predict` (issue 3 interfaces).
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
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

namespace {

std::string slurp(const std::string& p) {
  std::ifstream f(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

// The ATS waveform rewritten as a Turkish Excel file would hold it.
std::string turkish_twin(const std::string& english, const std::string& header, bool with_time) {
  std::istringstream in(english);
  std::string line, out = header + "\r\n";
  int i = 0;
  while (std::getline(in, line)) {
    const auto b = line.find_first_not_of(' ');
    if (b == std::string::npos) continue;
    std::string v = line.substr(b);
    for (char& c : v)
      if (c == '.') c = ',';
    out += v;
    if (with_time) {
      char t[32];
      std::snprintf(t, sizeof t, ";%d,%03d", (i * 2) / 1000, (i * 2) % 1000);
      out += t;
    }
    out += "\r\n";
    ++i;
  }
  return out;
}

}  // namespace

TEST(SpiroCli, TurkishFlowFilesReadToTheSameNumbersAsTheirEnglishTwin) {
  // ATS waveform 1 and its twins: `;` with decimal commas and a time column (Excel TR),
  // one column with decimal commas in Windows-1254 ("Akış" header), and UTF-8 with a BOM.
  const std::string english = slurp(ats_csv(1));
  const auto semi = tmp_file("tr_semicolon.csv");
  std::ofstream(semi, std::ios::binary) << turkish_twin(english, "Akış (L/s);Zaman (s)", true);
  const auto cp = tmp_file("tr_cp1254.csv");
  std::ofstream(cp, std::ios::binary) << turkish_twin(english, "Ak\xFD\xFE", false);
  const auto bom = tmp_file("tr_bom.csv");
  std::ofstream(bom, std::ios::binary) << "\xEF\xBB\xBF"
                                          "flow_lps\n" +
                                              english;
  json en = run_json("spiro analyze --input '" + ats_csv(1) + "' --rate 500 --btps 1,0");
  ASSERT_EQ(en["manoeuvres"].size(), 1u);
  for (const auto& file : {semi, cp, bom}) {
    json tr = run_json("spiro analyze --input '" + file.string() + "' --rate 500 --btps 1.0");
    ASSERT_EQ(tr["manoeuvres"].size(), 1u) << file;
    for (const char* k : {"pef_lps", "fev1_l", "fvc_l", "bev_l", "fet_s"})
      EXPECT_EQ(tr["manoeuvres"][0][k], en["manoeuvres"][0][k]) << file << " " << k;
    EXPECT_EQ(tr["session"], en["session"]) << file;
  }
  EXPECT_NEAR(en["manoeuvres"][0]["fev1_l"].get<double>(), 3.373, 0.015);
}

TEST(SpiroCli, AFlowFileThatCannotBeReadExactlyIsRefused) {
  // Decimal commas in a comma-separated file: never cut at the comma.
  const auto cut = tmp_file("cut.csv");
  std::ofstream(cut) << "0,52\n4,28\n3,10\n";
  json e = run_json("spiro analyze --input '" + cut.string() + "' --rate 500", 1);
  const std::string m = e["error"]["message"];
  EXPECT_NE(m.find("cut.csv, line 1, column 3"), std::string::npos) << m;
  EXPECT_NE(m.find("--decimal ,"), std::string::npos) << m;
  // Told, it reads them.
  json ok = run_json("spiro analyze --input '" + cut.string() + "' --rate 500 --decimal ,", 1);
  EXPECT_NE(ok["error"]["code"], "bad_input");  // read; too short to analyse
  // A thousands separator, and a decimal point among decimal commas.
  const auto th = tmp_file("thousands.csv");
  std::ofstream(th) << "akış;zaman\n0,52;0\n1.234,5;0,002\n";
  json t = run_json("spiro analyze --input '" + th.string() + "' --rate 500", 1);
  EXPECT_NE(t["error"]["message"].get<std::string>().find("thousands.csv, line 3, column 1"),
            std::string::npos)
      << t;
  const auto mixed = tmp_file("mixed.csv");
  std::ofstream(mixed) << "akış;zaman\n0,52;0\n0.61;0,002\n";
  json mx = run_json("spiro analyze --input '" + mixed.string() + "' --rate 500", 1);
  EXPECT_NE(mx["error"]["message"].get<std::string>().find("line 2"), std::string::npos) << mx;
  // A second column with no header naming the flow.
  const auto two = tmp_file("two.csv");
  std::ofstream(two) << "0.52;1\n0.61;2\n";
  json tw = run_json("spiro analyze --input '" + two.string() + "' --rate 500", 1);
  EXPECT_NE(tw["error"]["message"].get<std::string>().find("no header"), std::string::npos) << tw;
}

TEST(SpiroCli, TurkishTypedValues) {
  json a = run_json(
      "spiro predict --equation gli2012 --sex E --age 51,8 --height-cm 210 "
      "--ethnicity 5");
  json b = run_json(
      "spiro predict --equation gli2012 --sex M --age 51.8 --height-cm 210 "
      "--ethnicity 5");
  EXPECT_EQ(a["FEV1"], b["FEV1"]);
  json k = run_json("spiro predict --equation gli2012 --sex K --age 40 --height-cm 165,5");
  json f = run_json("spiro predict --equation gli2012 --sex F --age 40 --height-cm 165.5");
  EXPECT_EQ(k["FEV1"], f["FEV1"]);
  EXPECT_EQ(run_json("spiro predict --equation gli2012 --sex M --age 40 --height-cm 1.750,5",
                     1)["error"]["code"],
            "not_a_number");
}
