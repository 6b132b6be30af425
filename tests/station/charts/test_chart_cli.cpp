// End-to-end: `odyospiro exam chart` and `worker chart` through the built program on a real
// database — audiograms typed in with `audio enter` (bone, masked and no-response points), a
// spirometry session from the simulated spirometer (`acquire spiro --device sim:spirometer`,
// three blows through the real driver) — read back, drawn, written as SVG files and measured.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "tests/station/support/station_fixture.hpp"
#include "tests/station/support/svg_reader.hpp"

namespace {

using nlohmann::json;
using odyo::test::parse_svg;
using odyo::test::run_command;
using odyo::test::SvgNode;
using odyo::test::xmllint_errors;

std::string slurp(const std::filesystem::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

class ChartCli : public ::testing::Test {
 protected:
  odyo::test::Station st;
  const odyo::test::TempDir& dir = st.dir;

  odyo::test::CommandResult run(const std::string& args, const std::string& user = "tekniker") {
    return run_command(st.as(user) + " --lang en " + args);
  }
  std::int64_t enter(const std::string& date, const json& audiogram) {
    const auto f = dir.write("a-" + date + ".json", audiogram.dump());
    auto r = run("--json audio enter --worker 2001 --input " + f + " --date " + date);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return json::parse(r.out)["exam_id"].get<std::int64_t>();
  }
  void SetUp() override {
    auto r =
        run("worker add --registry 2001 --tc 10000000146 --first-name Ali --last-name Kaya "
            "--birth-date 1980-06-15 --sex M --height-cm 175 --weight-kg 80 "
            "--job YA-PANO-01");
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
};

const json kRight = {{"250", 10},  {"500", 10},  {"1000", 15}, {"2000", 20},
                     {"3000", 30}, {"4000", 45}, {"6000", 35}, {"8000", 20}};
const json kLeft = {{"250", 10},  {"500", 10},  {"1000", 10}, {"2000", 15},
                    {"3000", 20}, {"4000", 25}, {"6000", 20}, {"8000", 15}};

TEST_F(ChartCli, AudiogramOfAStoredExamWithBoneMaskedAndNoResponse) {
  json later = {{"right", kRight}, {"left", kLeft}};
  later["right"]["4000"] = {{"level_db_hl", 60}, {"masking_db_hl", 80}};
  later["right"]["8000"] = "NR@100";
  later["bone"] = {
      {"right", {{"1000", 10}, {"2000", {{"level_db_hl", 15}, {"masking_db_hl", 60}}}}},
      {"left", {{"1000", 5}}}};
  enter("2016-03-01", {{"right", kRight}, {"left", kLeft}});
  const auto id = enter("2024-03-01", later);
  const auto out = dir / "audiogram.svg";
  auto r = run("exam chart " + std::to_string(id) + " --kind audiogram --output " + out.string(),
               "hekim");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find(out.string()), std::string::npos);
  const auto doc = slurp(out);
  EXPECT_EQ(xmllint_errors(doc), "");
  const SvgNode root = parse_svg(doc);
  std::map<std::string, std::string> seen;  // "ear conduction hz" → symbol
  for (const auto* s : root.with_class("symbol")) {
    seen[s->attr("data-ear") + " " + s->attr("data-conduction") + " " + s->attr("data-hz")] =
        s->attr("data-symbol") + (s->attr("data-nr") == "true" ? "+NR" : "");
  }
  EXPECT_EQ(seen["right air 1000"], "O");
  EXPECT_EQ(seen["left air 1000"], "X");
  EXPECT_EQ(seen["right air 4000"], "triangle");
  EXPECT_EQ(seen["right air 8000"], "O+NR");
  EXPECT_EQ(seen["right bone 1000"], "<");
  EXPECT_EQ(seen["right bone 2000"], "[");
  EXPECT_EQ(seen["left bone 1000"], ">");
  EXPECT_EQ(seen.size(), 16u + 3u);
  EXPECT_EQ(root.with_class("nr-arrow").size(), 1u + 1u);  // the point and the legend's example
  EXPECT_NE(root.all_text().find("2001 Ali Kaya — 2024-03-01 — #" + std::to_string(id)),
            std::string::npos);

  // The hearing history: both exams, the baseline (the first exam) in force.
  const auto hist = dir / "hearing.svg";
  r = run("worker chart 2001 --kind hearing --output " + hist.string(), "hekim");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto hdoc = slurp(hist);
  EXPECT_EQ(xmllint_errors(hdoc), "");
  const SvgNode h = parse_svg(hdoc);
  const auto baselines = h.with_class("baseline");
  ASSERT_EQ(baselines.size(), 2u);
  EXPECT_EQ(baselines[0]->attr("data-exam"), "1");
  EXPECT_EQ(h.with_class("threshold").size(), 2u * 2u * 7u);  // 2 exams × 2 ears × 7 frequencies
  // Right 2/3/4 kHz 20/30/60 against 20/30/45: mean shift 5 dB, no STS; nothing marked.
  EXPECT_TRUE(h.with_class("sts-mark").empty());
}

TEST_F(ChartCli, KindThatDoesNotFitTheExamUnknownKindAndWrongPasswordWriteNothing) {
  const auto id = enter("2024-03-01", {{"right", kRight}, {"left", kLeft}});
  const auto out = dir / "x.svg";
  auto r = run("exam chart " + std::to_string(id) + " --kind flow-volume --output " + out.string());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("use --kind audiogram"), std::string::npos) << r.err;
  r = run("exam chart " + std::to_string(id) + " --kind pie --output " + out.string());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("audiogram, flow-volume or volume-time"), std::string::npos) << r.err;
  r = run_command(st.as("hekim", "wrong-password") + " exam chart " + std::to_string(id) +
                  " --kind audiogram --output " + out.string());
  EXPECT_EQ(r.exit_code, 5) << r.err;
  r = run("worker chart 9999 --kind lung --output " + out.string());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_FALSE(std::filesystem::exists(out));
  r = run("exam chart 999 --kind audiogram --output " + out.string());
  EXPECT_NE(r.exit_code, 0);
  EXPECT_FALSE(std::filesystem::exists(out));
}

TEST_F(ChartCli, FlowVolumeAndVolumeTimeOfASimulatedSessionMarkTheReportedBlow) {
  st.daily_checks({"sim:spirometer"});  // today's syringe check before the test
  auto r = run("--json acquire spiro --device sim:spirometer --worker 2001 --devsim " +
               std::string(ODYO_BINARY_DIR) + "/tools/devsim/devsim --journal " +
               (dir / "j.db").string());
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  const auto id = json::parse(r.out)["exam"].get<std::int64_t>();
  r = run("--json exam show " + std::to_string(id));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json payload = json::parse(r.out)["results"][0]["payload"];
  const int best = payload["session"]["best_manoeuvre"].get<int>();
  const auto n = payload["manoeuvres"].size();
  ASSERT_GE(n, 3u);

  for (const std::string kind : {"flow-volume", "volume-time"}) {
    const auto out = dir / (kind + ".svg");
    r = run("exam chart " + std::to_string(id) + " --kind " + kind + " --output " + out.string(),
            "hekim");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto doc = slurp(out);
    EXPECT_EQ(xmllint_errors(doc), "") << kind;
    const SvgNode root = parse_svg(doc);
    const auto blows = root.with_class("blow");
    EXPECT_EQ(blows.size(), n) << kind;
    const auto rep = root.with_class("reported");
    ASSERT_EQ(rep.size(), 1u) << kind;
    EXPECT_EQ(rep[0]->attr("data-blow"), std::to_string(best));
    if (kind == "flow-volume") {
      // 2 L/s as long as 1 L, from the drawn ticks; the curve's highest point is the stored PEF.
      double v0 = 0, v1 = 0, f0 = 0, f2 = 0;
      for (const auto* t : root.with_class("tick-volume")) {
        if (t->attr("data-value") == "0") v0 = t->num("x1");
        if (t->attr("data-value") == "1") v1 = t->num("x1");
      }
      for (const auto* t : root.with_class("tick-flow")) {
        if (t->attr("data-value") == "0") f0 = t->num("y1");
        if (t->attr("data-value") == "2") f2 = t->num("y1");
      }
      EXPECT_NEAR(v1 - v0, f0 - f2, 0.02);
      double top = 1e9;
      const auto pts = odyo::test::numbers_in(rep[0]->attr("points"));
      for (std::size_t i = 1; i < pts.size(); i += 2) top = std::min(top, pts[i]);
      const double pef = (f0 - top) / (f0 - f2) * 2.0;
      // The drawn curve is the analysis' display curve (at most 100 points a second), so its
      // peak is the stored PEF or a sample next to it.
      const double stored_pef = payload["manoeuvres"][best - 1]["pef_lps"].get<double>();
      EXPECT_LE(pef, stored_pef + 0.02);
      EXPECT_GE(pef, 0.95 * stored_pef);
    } else {
      double tmax = 0;
      for (const auto* t : root.with_class("tick-time"))
        tmax = std::max(tmax, t->num("data-value"));
      EXPECT_GE(tmax, 15.0);
    }
  }
  // --json says what was written.
  r = run("--json exam chart " + std::to_string(id) + " --kind volume-time --output " +
          (dir / "vt2.svg").string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json written = json::parse(r.out);
  EXPECT_EQ(written["kind"], "volume-time");
  EXPECT_EQ(written["bytes"].get<std::size_t>(), std::filesystem::file_size(dir / "vt2.svg"));
  // Lung history: one exam, FEV1 and FVC with their LLN from the stored reference.
  const auto lung = dir / "lung.svg";
  r = run("worker chart 2001 --kind lung --output " + lung.string(), "hekim");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const SvgNode l = parse_svg(slurp(lung));
  EXPECT_EQ(l.with_class("value").size(), 2u);
  EXPECT_EQ(l.with_class("lln").size(), 2u);
  // An audiogram of a spirometry exam is refused.
  r = run("exam chart " + std::to_string(id) + " --kind audiogram --output " +
          (dir / "no.svg").string());
  EXPECT_EQ(r.exit_code, 1);
}

}  // namespace
