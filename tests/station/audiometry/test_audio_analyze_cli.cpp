// End-to-end: the built `odyospiro audio analyze` on hand-made audiograms
// (tests/data/audiometry/README.md). Every expected number is worked by hand below.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

namespace {

using nlohmann::json;
namespace fs = std::filesystem;

struct CliRun {
  int exit_code = -1;
  std::string out;
  std::string err;
};

CliRun odyospiro(const std::string& args) {
  static int n = 0;
  const fs::path errfile =
      fs::temp_directory_path() /
      ("odyo-audio-cli-" + std::to_string(::getpid()) + "-" + std::to_string(n++) + ".err");
  const std::string cmd = std::string("\"") + ODYOSPIRO_EXE + "\" --config \"" + ODYO_SOURCE_DIR +
                          "/config/station.toml\" " + args + " 2>\"" + errfile.string() + "\"";
  CliRun r;
  FILE* p = ::popen(cmd.c_str(), "r");
  if (p == nullptr) return r;
  std::array<char, 4096> buf{};
  std::size_t got = 0;
  while ((got = std::fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), got);
  const int status = ::pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128;
  std::ifstream e(errfile);
  r.err.assign(std::istreambuf_iterator<char>(e), {});
  fs::remove(errfile);
  return r;
}

std::string data(const char* name) {
  return std::string("\"") + ODYO_TEST_DATA_DIR + "/audiometry/" + name + "\"";
}

// A scratch input file with the given JSON text.
class Scratch {
 public:
  explicit Scratch(const std::string& text) {
    static int n = 0;
    path_ = fs::temp_directory_path() /
            ("odyo-audio-in-" + std::to_string(::getpid()) + "-" + std::to_string(n++) + ".json");
    std::ofstream(path_) << text;
  }
  ~Scratch() { fs::remove(path_); }
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;
  [[nodiscard]] std::string arg() const { return "\"" + path_.string() + "\""; }

 private:
  fs::path path_;
};

constexpr double kEps = 1e-9;

TEST(AudioAnalyzeCli, NumbersPerEarWorkedByHand) {
  const CliRun r = odyospiro("audio analyze --input " + data("current_m40.json") + " --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json j = json::parse(r.out);
  EXPECT_EQ(j["speech_frequencies_hz"], json({500, 1000, 2000}));  // config/station.toml
  const json& R = j["right"];
  // Right 20/25/35 → 26.67 dB → (26.67 − 25) × 1.5 = 2.5 %
  EXPECT_NEAR(R["pta_db"].get<double>(), 80.0 / 3.0, kEps);
  EXPECT_NEAR(R["percent_loss"].get<double>(), 2.5, kEps);
  EXPECT_EQ(R["max_hf_db"], 60);  // 4 kHz
  EXPECT_EQ(R["max_any_db"], 60);
  EXPECT_EQ(R["spreads_below_3k"], true);  // 2 kHz 35 > 25
  // Coles: 4 kHz 60 − min(1k 25, 2k 35) = 35; 60 − min(6k 50, 8k 30) = 30 → notch at 4 kHz.
  EXPECT_EQ(R["notch"]["present"], true);
  EXPECT_EQ(R["notch"]["frequency_hz"], 4000);
  EXPECT_NEAR(R["notch"]["depth_db"].get<double>(), 35.0, kEps);
  EXPECT_NEAR(R["notch"]["recovery_db"].get<double>(), 30.0, kEps);
  EXPECT_EQ(R["notch"]["niskar2001"]["present"], false);  // 500 Hz 20 > 15
  const json& L = j["left"];
  // Left 30/35/50 → 38.33 dB → 13.33 × 1.5 = 20 %
  EXPECT_NEAR(L["pta_db"].get<double>(), 115.0 / 3.0, kEps);
  EXPECT_NEAR(L["percent_loss"].get<double>(), 20.0, kEps);
  EXPECT_EQ(L["max_hf_db"], 70);
  // Coles at 4 kHz: 70 − 35 = 35, 70 − min(70, 60) = 10 → exactly at the 10 dB limit: notch.
  EXPECT_EQ(L["notch"]["present"], true);
  EXPECT_NEAR(L["notch"]["recovery_db"].get<double>(), 10.0, kEps);
  // Binaural (5 × 2.5 + 20) / 6 = 5.4167 %; AAO-1979 right 32.5 dB → 11.25 %, left 45 → 30 %,
  // (5 × 11.25 + 30) / 6 = 14.375 %.
  EXPECT_NEAR(j["binaural_percent"].get<double>(), 32.5 / 6.0, kEps);
  EXPECT_NEAR(j["aao1979_percent"].get<double>(), 14.375, kEps);
  EXPECT_FALSE(j.contains("sts"));
}

TEST(AudioAnalyzeCli, SpeechFrequencySetCanBeChosen) {
  // Right 20/25/35/60 → 35 dB → 15 %.
  const CliRun r = odyospiro("audio analyze --input " + data("current_m40.json") +
                             " --speech-hz 500,1000,2000,4000 --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json j = json::parse(r.out);
  EXPECT_NEAR(j["right"]["pta_db"].get<double>(), 35.0, kEps);
  EXPECT_NEAR(j["right"]["percent_loss"].get<double>(), 15.0, kEps);
}

TEST(AudioAnalyzeCli, ThresholdShiftAgainstBaselineWithAndWithoutAgeCorrection) {
  const CliRun r = odyospiro("audio analyze --input " + data("current_m40.json") + " --baseline " +
                             data("baseline_m30.json") + " --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json j = json::parse(r.out);
  EXPECT_EQ(j["age_correction_table"], "osha");
  const json& R = j["sts"]["right"];
  // Right: shifts 35−20, 50−30, 60−40 = 15/20/20 → mean 18.33 → STS.
  EXPECT_NEAR(R["mean_shift_db"].get<double>(), 55.0 / 3.0, kEps);
  EXPECT_EQ(R["sts"], true);
  // OSHA F-1: age 30 → 4/6/9, age 40 → 6/10/14: allowances 2/4/5, mean 3.67 → 14.67 → STS.
  EXPECT_EQ(R["age_allowance_db"]["2000"], 2);
  EXPECT_EQ(R["age_allowance_db"]["3000"], 4);
  EXPECT_EQ(R["age_allowance_db"]["4000"], 5);
  EXPECT_NEAR(R["mean_shift_age_corrected_db"].get<double>(), 44.0 / 3.0, kEps);
  EXPECT_EQ(R["sts_age_corrected"], true);
  // Current mean (35 + 50 + 60)/3 = 48.33 ≥ 25 → recordable.
  EXPECT_EQ(R["recordable"], true);
  const json& L = j["sts"]["left"];
  // Left: 5/5/5 → 5 → no STS; corrected 5 − 3.67 = 1.33.
  EXPECT_EQ(L["sts"], false);
  EXPECT_NEAR(L["mean_shift_age_corrected_db"].get<double>(), 4.0 / 3.0, kEps);
  EXPECT_EQ(L["recordable"], false);
  EXPECT_EQ(j["recordable"], true);
}

TEST(AudioAnalyzeCli, NoAgeCorrectionOnRequest) {
  const CliRun r = odyospiro("audio analyze --input " + data("current_m40.json") + " --baseline " +
                             data("baseline_m30.json") + " --age-table none --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json j = json::parse(r.out);
  EXPECT_TRUE(j["age_correction_table"].is_null());
  EXPECT_TRUE(j["sts"]["right"]["sts_age_corrected"].is_null());
  EXPECT_EQ(j["sts"]["right"]["sts"], true);
}

TEST(AudioAnalyzeCli, NoResponseInsideTheAverage) {
  // Right 30 / 40 / NR (counted at 120) → 63.33 dB (a lower bound) → 57.5 %.
  Scratch in(R"({"age":50,"sex":"F","right":{"500":30,"1000":40,"2000":"NR"},
                 "left":{"500":10,"1000":10,"2000":10}})");
  const CliRun r = odyospiro("audio analyze --input " + in.arg() + " --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json j = json::parse(r.out);
  EXPECT_NEAR(j["right"]["pta_db"].get<double>(), 190.0 / 3.0, kEps);
  EXPECT_EQ(j["right"]["pta_includes_no_response"], true);
  EXPECT_NEAR(j["right"]["percent_loss"].get<double>(), 57.5, kEps);
  EXPECT_TRUE(j["aao1979_percent"].is_null());  // no 3 kHz
}

struct BadCase {
  const char* name;
  const char* input;
  const char* code;
  const char* says;  // part of the message
};

class AudioAnalyzeBadInput : public ::testing::TestWithParam<BadCase> {};

TEST_P(AudioAnalyzeBadInput, ClearError) {
  const BadCase& c = GetParam();
  Scratch in(c.input);
  const CliRun r = odyospiro("audio analyze --input " + in.arg() + " --json");
  EXPECT_EQ(r.exit_code, 1) << r.out;
  const json j = json::parse(r.out, nullptr, false);
  ASSERT_TRUE(j.is_object()) << r.out;
  EXPECT_EQ(j["error"]["code"], c.code) << r.out;
  EXPECT_NE(j["error"]["message"].get<std::string>().find(c.says), std::string::npos) << r.out;
  EXPECT_NE(r.err.find(c.says), std::string::npos) << r.err;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, AudioAnalyzeBadInput,
    ::testing::Values(
        BadCase{
            "unknown_frequency",
            R"({"right":{"500":10,"1000":10,"1234":10,"2000":10},"left":{"500":10,"1000":10,"2000":10}})",
            "unknown_frequency", "1234 Hz"},
        BadCase{"level_off_step",
                R"({"right":{"500":10,"1000":27,"2000":10},"left":{"500":10,"1000":10,"2000":10}})",
                "level_off_step", "27 dB HL"},
        BadCase{
            "fractional_level",
            R"({"right":{"500":10,"1000":12.5,"2000":10},"left":{"500":10,"1000":10,"2000":10}})",
            "level_off_step", "12.5"},
        BadCase{
            "level_beyond_range",
            R"({"right":{"500":10,"1000":125,"2000":10},"left":{"500":10,"1000":10,"2000":10}})",
            "level_out_of_range", "125 dB HL"},
        BadCase{
            "level_below_range",
            R"({"right":{"500":-15,"1000":10,"2000":10},"left":{"500":10,"1000":10,"2000":10}})",
            "level_out_of_range", "-15 dB HL"},
        BadCase{"missing_ear", R"({"right":{"500":10,"1000":10,"2000":10}})", "missing_ear",
                "\"left\" ear is missing"},
        BadCase{"empty_ear", R"({"right":{"500":10,"1000":10,"2000":10},"left":{}})", "missing_ear",
                "left ear"},
        BadCase{"missing_speech_frequency",
                R"({"right":{"500":10,"2000":10},"left":{"500":10,"1000":10,"2000":10}})",
                "frequency_not_tested", "1000 Hz"},
        BadCase{
            "not_a_level",
            R"({"right":{"500":"ten","1000":10,"2000":10},"left":{"500":10,"1000":10,"2000":10}})",
            "bad_input", "not a level"},
        BadCase{"bad_json", R"({"right": )", "bad_input", "not a JSON object"},
        BadCase{
            "bad_sex",
            R"({"sex":"X","right":{"500":10,"1000":10,"2000":10},"left":{"500":10,"1000":10,"2000":10}})",
            "bad_sex", "\"M\" or \"F\""}),
    [](const ::testing::TestParamInfo<BadCase>& p) { return std::string(p.param.name); });

TEST(AudioAnalyzeCli, BaselineWithoutAgeIsAnErrorUnlessCorrectionIsOff) {
  Scratch base(R"({"right":{"500":10,"1000":10,"2000":10,"3000":10,"4000":10},
                   "left":{"500":10,"1000":10,"2000":10,"3000":10,"4000":10}})");
  const CliRun r = odyospiro("audio analyze --input " + data("current_m40.json") + " --baseline " +
                             base.arg() + " --json");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(json::parse(r.out)["error"]["code"], "age_missing");
  const CliRun ok = odyospiro("audio analyze --input " + data("current_m40.json") + " --baseline " +
                              base.arg() + " --age-table none --json");
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
}

TEST(AudioAnalyzeCli, BaselineRevisionProposal) {
  // Baseline right 2/3/4 kHz 20/30/40. History right 30/45/55 (shifts 10/15/15 → 13.3, STS,
  // mean 43.3); input right 35/50/60 (STS, mean 48.3). Latest two both STS → persistent; the
  // better mean (43.3) is the history file. Left: history = input = 50/65/70 vs 45/60/65 →
  // 5 dB → no proposal.
  Scratch hist(R"({"age":38,"sex":"M",
    "right":{"500":20,"1000":25,"2000":30,"3000":45,"4000":55},
    "left":{"500":30,"1000":35,"2000":50,"3000":65,"4000":70}})");
  const CliRun r = odyospiro("audio analyze --input " + data("current_m40.json") + " --baseline " +
                             data("baseline_m30.json") + " --history " + hist.arg() + " --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json j = json::parse(r.out);
  const json& R = j["baseline_revision"]["right"];
  EXPECT_EQ(R["reason"], "persistent_shift");
  EXPECT_NE(R["proposed_baseline"].get<std::string>().find("odyo-audio-in-"), std::string::npos);
  EXPECT_NEAR(R["proposed_mean_2k3k4k_db"].get<double>(), 130.0 / 3.0, kEps);
  EXPECT_EQ(j["baseline_revision"]["left"]["reason"], "none");
  EXPECT_TRUE(j["baseline_revision"]["left"]["proposed_baseline"].is_null());
  // Without a history only the input is after the baseline: persistence cannot be shown.
  const CliRun one = odyospiro("audio analyze --input " + data("current_m40.json") +
                               " --baseline " + data("baseline_m30.json") + " --json");
  EXPECT_EQ(json::parse(one.out)["baseline_revision"]["right"]["reason"], "none");
}

TEST(AudioSimulateCli, FindsTheDemoListenersAudiogram) {
  // The demo listener's true thresholds sit 2 dB (right) and 7 dB (left) below 5 dB grid levels;
  // every threshold found must be within one 5 dB step of that grid level.
  const CliRun r = odyospiro("audio simulate --seed 7 --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json j = json::parse(r.out);
  EXPECT_EQ(j["complete"], true);
  EXPECT_EQ(j["unreliable"], false);
  for (const char* ear : {"right", "left"}) {
    ASSERT_EQ(j[ear]["air"].size(), 8u) << ear;
    for (const auto& [hz, p] : j[ear]["air"].items()) {
      const double grid = 5.0 * std::ceil(p["true_threshold_db_hl"].get<double>() / 5.0);
      EXPECT_LE(std::abs(p["level_db_hl"].get<int>() - grid), 5.0) << ear << " " << hz;
    }
  }
  // Same seed, same run.
  EXPECT_EQ(odyospiro("audio simulate --seed 7 --json").out, r.out);
}

TEST(AudioAnalyzeCli, MissingInputFile) {
  const CliRun r = odyospiro("audio analyze --input /nonexistent/a.json --json");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(json::parse(r.out)["error"]["code"], "input_missing");
}

TEST(AudioAnalyzeCli, HumanReadableOutput) {
  const CliRun r = odyospiro("--lang en audio analyze --input " + data("current_m40.json"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("Right: average 26.7 dB, loss %2.5"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("notch: 4000 Hz"), std::string::npos) << r.out;
}

}  // namespace
