// End-to-end: `odyospiro spiro predict --input/--output` (issue 17 item 7) against the R package
// pft (pft_spirometry, exact GLI): every value of a 10 000-subject sample within 1e-6, for
// GLI-2012 and GLI Global 2022. pft's outputs are committed test data (tests/data/spirometry/
// cohort/README.md: how they were made), so neither R nor pft is needed here.
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

struct CmdRun {
  int status = -1;
  std::string out;  // stdout and stderr
};

CmdRun run(const std::string& args) {
  const std::string cmd = std::string("'") + ODYOSPIRO_EXE + "' --config '" + ODYO_SOURCE_DIR +
                          "/config/station.toml' --lang en " + args + " 2>&1";
  CmdRun r;
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return r;
  std::array<char, 4096> buf{};
  std::size_t n = 0;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
  const int st = pclose(p);
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return r;
}

fs::path tmp_dir(const std::string& name) {
  const fs::path dir = fs::path(ODYO_BINARY_DIR) / "test-tmp" / "spiro_cohort" / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\r')) s.pop_back();
  while (!s.empty() && s.front() == ' ') s.erase(0, 1);
  return s;
}

struct Csv {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  [[nodiscard]] int col(const std::string& name) const {
    for (std::size_t i = 0; i < header.size(); ++i)
      if (header[i] == name) return static_cast<int>(i);
    return -1;
  }
};

std::vector<std::string> split(const std::string& line) {
  std::vector<std::string> f;
  std::stringstream ss(line);
  std::string x;
  while (std::getline(ss, x, ',')) f.push_back(trim(x));
  if (!line.empty() && line.back() == ',') f.emplace_back();
  return f;
}

Csv read_csv(const fs::path& p) {
  Csv c;
  std::ifstream in(p);
  std::string line;
  if (std::getline(in, line)) c.header = split(line);
  while (std::getline(in, line))
    if (!line.empty()) c.rows.push_back(split(line));
  return c;
}

const std::string kData = std::string(ODYO_TEST_DATA_DIR) + "/spirometry/cohort/";

// Our column (FEV1_pred) ↔ pft's (fev1_pred_2012).
void compare_with_pft(const std::string& equation, const std::string& year,
                      const std::vector<std::string>& params) {
  const fs::path dir = tmp_dir(equation);
  const fs::path out = dir / "out.csv";
  CmdRun r = run("spiro predict --equation " + equation + " --input '" + kData +
                 "sample10k.csv' --output '" + out.string() + "' --json");
  ASSERT_EQ(r.status, 0) << r.out;
  const Csv ours = read_csv(out);
  const Csv pft = read_csv(kData + "pft_gli" + year + ".csv");
  ASSERT_EQ(ours.rows.size(), 10000u);
  ASSERT_EQ(pft.rows.size(), ours.rows.size());
  const std::vector<std::pair<std::string, std::string>> kinds = {{"_pred", "_pred_"},
                                                                  {"_lln", "_lln_"},
                                                                  {"_uln", "_uln_"},
                                                                  {"_z", "_zscore_"},
                                                                  {"_pctpred", "_pctpred_"}};
  std::size_t compared = 0, empty = 0;
  double worst = 0;
  std::string worst_at;
  for (const auto& p : params) {
    std::string lp = p;
    for (char& ch : lp) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    for (const auto& [ok, pk] : kinds) {
      const int oc = ours.col(p + ok), pc = pft.col(lp + pk + year);
      ASSERT_GE(oc, 0) << p + ok;
      ASSERT_GE(pc, 0) << lp + pk + year;
      for (std::size_t i = 0; i < ours.rows.size(); ++i) {
        const std::string& a = ours.rows[i].at(static_cast<std::size_t>(oc));
        const std::string& b = pft.rows[i].at(static_cast<std::size_t>(pc));
        if (b.empty() || b == "NA") {  // pft: no value (FEF past 90 years) — neither do we
          EXPECT_EQ(a, "") << p + ok << " row " << i + 2;
          ++empty;
          continue;
        }
        ASSERT_FALSE(a.empty()) << p + ok << " row " << i + 2 << ": pft has " << b;
        const double d = std::abs(std::stod(a) - std::stod(b));
        if (d > worst) {
          worst = d;
          worst_at = p + ok + " line " + std::to_string(i + 2) + ": " + a + " vs pft " + b;
        }
        ++compared;
      }
    }
  }
  EXPECT_LE(worst, 1e-6) << worst_at;
  EXPECT_EQ(compared + empty, ours.rows.size() * params.size() * kinds.size());
  EXPECT_GT(compared, ours.rows.size() * params.size() * 4);
  std::printf("%s: %zu values compared with pft, %zu empty in both, largest difference %.3g (%s)\n",
              equation.c_str(), compared, empty, worst, worst_at.c_str());
}

}  // namespace

TEST(SpiroCohortCli, Gli2012EqualsPftOn10000Subjects) {
  compare_with_pft("gli2012", "2012", {"FEV1", "FVC", "FEV1FVC", "FEF2575", "FEF75"});
}

TEST(SpiroCohortCli, GliGlobal2022EqualsPftOn10000Subjects) {
  compare_with_pft("gli-global-2022", "2022", {"FEV1", "FVC", "FEV1FVC"});
}

TEST(SpiroCohortCli, RowsEqualTheSingleSubjectCommand) {
  const fs::path dir = tmp_dir("single");
  {
    std::ofstream in(dir / "in.csv");
    in << "id,sex,age,height_cm,ethnicity,FEV1,FVC\n"
          "w1,M,45.5,178,1,3.6,4.7\n"
          "w2,F,33.25,162.4,3,2.9,\n"
          "w3,m,92.1,170,5,,3.1\n";
  }
  CmdRun r = run("spiro predict --equation gli2012 --input '" + (dir / "in.csv").string() +
                 "' --output '" + (dir / "out.csv").string() + "' --decimals 10");
  ASSERT_EQ(r.status, 0) << r.out;
  const Csv out = read_csv(dir / "out.csv");
  ASSERT_EQ(out.rows.size(), 3u);
  EXPECT_EQ(out.rows[0][0], "w1");    // input columns copied
  EXPECT_EQ(out.col("FEF75_z"), -1);  // scores only for measured columns
  const std::array<std::string, 3> single = {
      "--sex M --age 45.5 --height-cm 178 --ethnicity 1 --measured FEV1=3.6,FVC=4.7",
      "--sex F --age 33.25 --height-cm 162.4 --ethnicity 3 --measured FEV1=2.9",
      "--sex M --age 92.1 --height-cm 170 --ethnicity 5 --measured FVC=3.1"};
  for (std::size_t i = 0; i < single.size(); ++i) {
    CmdRun s = run("spiro predict --equation gli2012 " + single[i] + " --json");
    ASSERT_EQ(s.status, 0) << s.out;
    auto j = nlohmann::json::parse(s.out);
    for (const std::string p : {"FEV1", "FVC", "FEV1FVC", "FEF2575", "FEF75"}) {
      const std::string pred = out.rows[i].at(static_cast<std::size_t>(out.col(p + "_pred")));
      if (!j.contains(p)) {  // 92 years: no FEF in either
        EXPECT_EQ(pred, "") << p;
        continue;
      }
      EXPECT_NEAR(std::stod(pred), j[p]["predicted"].get<double>(), 1e-9) << p;
      EXPECT_NEAR(std::stod(out.rows[i].at(static_cast<std::size_t>(out.col(p + "_lln")))),
                  j[p]["lln"].get<double>(), 1e-9)
          << p;
      if (j[p].contains("z") && out.col(p + "_z") >= 0) {
        EXPECT_NEAR(std::stod(out.rows[i].at(static_cast<std::size_t>(out.col(p + "_z")))),
                    j[p]["z"].get<double>(), 1e-9)
            << p;
      }
    }
  }
}

TEST(SpiroCohortCli, BadRowsRefuseTheWholeFileWithLineAndColumn) {
  const fs::path dir = tmp_dir("bad");
  {
    std::ofstream in(dir / "in.csv");
    in << "sex,age,height,FEV1\n"
          "M,40,175,3.5\n"
          "F,2.5,150,2.1\n"     // line 3: age below GLI's 3 years
          "M,40,1.75,3.5\n"     // line 4: metres
          "X,40,175,3.5\n"      // line 5: sex
          "M,40,175,-1\n"       // line 6: measured not positive
          "M,forty,175,3.5\n";  // line 7: not a number
  }
  const fs::path out = dir / "out.csv";
  CmdRun r = run("spiro predict --equation gli2012 --input '" + (dir / "in.csv").string() +
                 "' --output '" + out.string() + "'");
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.out.find("5 rows have a problem"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("line 3, column 2 (age)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("line 4, column 3 (height)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("line 5, column 1 (sex)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("line 6, column 4 (FEV1)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("line 7, column 2 (age)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("nothing was written"), std::string::npos) << r.out;
  EXPECT_FALSE(fs::exists(out));
  // No temporary file left behind.
  std::size_t files = 0;
  for (const auto& e : fs::directory_iterator(dir)) files += e.path().filename() != "in.csv";
  EXPECT_EQ(files, 0u);
}

TEST(SpiroCohortCli, ExistingOutputIsKeptWhenTheFileIsRefused) {
  const fs::path dir = tmp_dir("keep");
  {
    std::ofstream in(dir / "in.csv");
    in << "sex,age\nM,40\n";  // no height column
    std::ofstream old(dir / "out.csv");
    old << "previous results\n";
  }
  CmdRun r = run("spiro predict --equation gli-global-2022 --input '" + (dir / "in.csv").string() +
                 "' --output '" + (dir / "out.csv").string() + "'");
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.out.find("no column named height"), std::string::npos) << r.out;
  std::ifstream old(dir / "out.csv");
  std::string line;
  std::getline(old, line);
  EXPECT_EQ(line, "previous results");
}

TEST(SpiroCohortCli, ProgressOnRequestAndNotOtherwise) {
  const fs::path dir = tmp_dir("progress");
  const std::string args = "spiro predict --equation gli-global-2022 --input '" + kData +
                           "sample10k.csv' --output '" + (dir / "out.csv").string() + "'";
  CmdRun with = run(args + " --progress");
  ASSERT_EQ(with.status, 0) << with.out;
  EXPECT_NE(with.out.find("spiro predict: 10000 rows, 100 %"), std::string::npos) << with.out;
  CmdRun without = run(args);  // stderr is a pipe here, not a terminal
  ASSERT_EQ(without.status, 0) << without.out;
  EXPECT_EQ(without.out.find("spiro predict:"), std::string::npos) << without.out;
  EXPECT_NE(without.out.find("10000 rows"), std::string::npos) << without.out;
}
