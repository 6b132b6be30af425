// The station's SVG charts (station/charts/charts.hpp) measured against the standards they
// follow — not against numbers copied from the code: every position is computed from the axis
// ticks the chart itself draws, and compared with what the standard says.
//  - ASHA (1990) Guidelines for Audiometric Symbols: one octave as wide as 20 dB is tall, hearing
//    level increasing downward, O/X air, triangle/square masked air, </> bone beside the line
//    (right ear left of it, left ear right of it), [/] masked bone, no response = symbol + arrow
//    down and outward, air lines never through a no-response.
//  - ATS/ERS 2019 (Graham et al.): 2 L/s of flow as long as 1 L of volume; volume-time axis at
//    least 15 s; every blow drawn, the reported one marked.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "station/charts/charts.hpp"
#include "station/charts/svg.hpp"
#include "tests/station/support/svg_reader.hpp"

namespace {

namespace au = odyo::audiometry;
namespace ch = odyo::station::charts;
using odyo::test::numbers_in;
using odyo::test::parse_svg;
using odyo::test::SvgNode;
using odyo::test::xmllint_errors;

constexpr double kTol_mm = 0.02;  // drawn numbers carry 2 decimals

au::ThresholdPoint pt(int level, bool masked = false, bool nr = false) {
  au::ThresholdPoint p;
  p.level_db_hl = level;
  if (masked) p.masking_db_hl = level + 20;
  if (nr) p.status = au::PointStatus::no_response;
  return p;
}

// The drawn x of a frequency line / y of a hearing-level line.
double tick(const SvgNode& root, const std::string& cls, const std::string& key,
            const std::string& value, const std::string& coord) {
  for (const auto* n : root.with_class(cls))
    if (n->attr(key) == value) return n->num(coord);
  ADD_FAILURE() << "no " << cls << " with " << key << "=" << value;
  return NAN;
}

struct Box {
  double x0 = 1e9, x1 = -1e9, y0 = 1e9, y1 = -1e9;
  [[nodiscard]] double cx() const { return (x0 + x1) / 2; }
  [[nodiscard]] double cy() const { return (y0 + y1) / 2; }
};

// Bounding box of a symbol's shape (the first drawn child that is not the no-response arrow).
Box shape_box(const SvgNode& g, std::string* shape = nullptr) {
  Box b;
  for (const auto& c : g.children) {
    if (c.has_class("nr-arrow") || c.has_class("nr-arrowhead")) continue;
    if (shape) *shape = c.name;
    if (c.name == "circle") {
      return {c.num("cx") - c.num("r"), c.num("cx") + c.num("r"), c.num("cy") - c.num("r"),
              c.num("cy") + c.num("r")};
    }
    if (c.name == "rect") {
      return {c.num("x"), c.num("x") + c.num("width"), c.num("y"), c.num("y") + c.num("height")};
    }
    const auto v = numbers_in(c.name == "path" ? c.attr("d") : c.attr("points"));
    for (std::size_t i = 0; i + 1 < v.size(); i += 2) {
      b.x0 = std::min(b.x0, v[i]);
      b.x1 = std::max(b.x1, v[i]);
      b.y0 = std::min(b.y0, v[i + 1]);
      b.y1 = std::max(b.y1, v[i + 1]);
    }
    return b;
  }
  return b;
}

const SvgNode* symbol(const SvgNode& root, const std::string& ear, const std::string& conduction,
                      int hz) {
  for (const auto* n : root.with_class("symbol"))
    if (n->attr("data-ear") == ear && n->attr("data-conduction") == conduction &&
        n->attr("data-hz") == std::to_string(hz))
      return n;
  return nullptr;
}

class AudiogramChart : public ::testing::Test {
 protected:
  void SetUp() override {
    au::Audiogram a;
    a.right.air[250] = pt(10);
    a.right.air[500] = pt(15);
    a.right.air[1000] = pt(20);  // O
    a.right.air[2000] = pt(25);
    a.right.air[4000] = pt(50, true);          // triangle
    a.right.air[8000] = pt(100, false, true);  // O + arrow, no line to it
    a.left.air[500] = pt(10);
    a.left.air[1000] = pt(15);
    a.left.air[2000] = pt(35);               // X
    a.left.air[4000] = pt(60, true);         // square
    a.left.air[6000] = pt(90, false, true);  // X + arrow: the line breaks here
    a.left.air[8000] = pt(70);
    a.right.bone[1000] = pt(15);        // <
    a.right.bone[2000] = pt(25, true);  // [
    a.left.bone[2000] = pt(30);         // >
    a.left.bone[1000] = pt(10, true);   // ]
    doc = ch::audiogram_svg(a, {false, "4001 Ali Kaya <test> & co"});
    root = parse_svg(doc);
  }
  double x(int hz) { return tick(root, "tick-x", "data-hz", std::to_string(hz), "x1"); }
  // y of a level from the drawn 10 dB lines (levels between two lines interpolated).
  double y(int db) {
    const int lo = static_cast<int>(std::floor(db / 10.0)) * 10;
    const double y0 = tick(root, "tick-y", "data-db-hl", std::to_string(lo), "y1");
    if (db == lo) return y0;
    const double y1 = tick(root, "tick-y", "data-db-hl", std::to_string(lo + 10), "y1");
    return y0 + (y1 - y0) * (db - lo) / 10.0;
  }
  std::string doc;
  SvgNode root;
};

TEST_F(AudiogramChart, IsWellFormedXmlWithTextEscaped) {
  EXPECT_EQ(xmllint_errors(doc), "");
  EXPECT_EQ(root.name, "svg");
  EXPECT_NE(root.all_text().find("4001 Ali Kaya <test> & co"), std::string::npos);
}

TEST_F(AudiogramChart, OneOctaveIsAsWideAsTwentyDbIsTallAndLevelsIncreaseDownward) {
  const double octave = x(2000) - x(1000);
  EXPECT_GT(octave, 5.0);  // mm: a readable chart
  for (int hz : {125, 250, 500, 1000, 2000, 4000})
    EXPECT_NEAR(x(hz * 2) - x(hz), octave, kTol_mm) << hz;  // logarithmic frequency axis
  // Inter-octave lines: log2(1.5) of an octave above the lower octave.
  EXPECT_NEAR(x(3000) - x(2000), octave * std::log2(1.5), kTol_mm);
  EXPECT_NEAR(x(750) - x(500), octave * std::log2(1.5), kTol_mm);
  // ASHA 1990: 20 dB as tall as one octave is wide; −10 at the top, 120 at the bottom.
  EXPECT_NEAR(y(20) - y(0), octave, kTol_mm);
  EXPECT_NEAR(y(120) - y(-10), octave * 130.0 / 20.0, kTol_mm);
  EXPECT_LT(y(-10), y(120));
  // Frequencies 125…8000 Hz, increasing to the right.
  EXPECT_LT(x(125), x(8000));
}

TEST_F(AudiogramChart, AirSymbolsAreOXTriangleSquareCentredOnTheirFrequencyAndLevel) {
  struct Want {
    const char* ear;
    int hz, db;
    const char* symbol;
    const char* shape;
    const char* masked;
  };
  for (const Want& w : {Want{"right", 1000, 20, "O", "circle", "false"},
                        Want{"left", 2000, 35, "X", "path", "false"},
                        Want{"right", 4000, 50, "triangle", "polygon", "true"},
                        Want{"left", 4000, 60, "square", "rect", "true"}}) {
    const SvgNode* g = symbol(root, w.ear, "air", w.hz);
    ASSERT_NE(g, nullptr) << w.symbol;
    EXPECT_EQ(g->attr("data-symbol"), w.symbol);
    EXPECT_EQ(g->attr("data-masked"), w.masked);
    std::string shape;
    const Box b = shape_box(*g, &shape);
    EXPECT_EQ(shape, w.shape) << w.symbol;
    EXPECT_NEAR(b.cx(), x(w.hz), kTol_mm) << w.symbol;
    EXPECT_NEAR(b.cy(), y(w.db), kTol_mm) << w.symbol;
    // ASHA colour coding: red right, blue left.
    const std::string stroke = g->children.front().attr("stroke");
    EXPECT_EQ(stroke, std::string(w.ear) == "right" ? "#d00000" : "#0040d0");
  }
  // The X is two crossing strokes: its path has two moves.
  const SvgNode* x_sym = symbol(root, "left", "air", 2000);
  const std::string d = x_sym->children.front().attr("d");
  EXPECT_EQ(std::count(d.begin(), d.end(), 'M'), 2);
}

TEST_F(AudiogramChart, BoneSymbolsSitBesideTheLineRightEarLeftOfItLeftEarRightOfIt) {
  struct Want {
    const char* ear;
    int hz, db;
    const char* symbol;
  };
  for (const Want& w : {Want{"right", 1000, 15, "<"}, Want{"right", 2000, 25, "["},
                        Want{"left", 2000, 30, ">"}, Want{"left", 1000, 10, "]"}}) {
    const SvgNode* g = symbol(root, w.ear, "bone", w.hz);
    ASSERT_NE(g, nullptr) << w.symbol;
    EXPECT_EQ(g->attr("data-symbol"), w.symbol);
    const Box b = shape_box(*g);
    if (std::string(w.ear) == "right") {
      EXPECT_LT(b.x1, x(w.hz)) << w.symbol << ": right-ear bone symbols are left of the line";
    } else {
      EXPECT_GT(b.x0, x(w.hz)) << w.symbol << ": left-ear bone symbols are right of the line";
    }
    EXPECT_NEAR(b.cy(), y(w.db), kTol_mm) << w.symbol;
    // Shape: "<" has its vertex (the middle point) on the left, ">" on the right; "[" and "]"
    // have four corners, open toward the frequency line.
    const auto v = numbers_in(g->children.front().attr("points"));
    if (std::string(w.symbol) == "<") {
      ASSERT_EQ(v.size(), 6u);
      EXPECT_LT(v[2], v[0]);
      EXPECT_NEAR(v[3], y(w.db), kTol_mm);
    } else if (std::string(w.symbol) == ">") {
      ASSERT_EQ(v.size(), 6u);
      EXPECT_GT(v[2], v[0]);
    } else {
      ASSERT_EQ(v.size(), 8u);
      // The open side (first and last point) faces the line.
      if (std::string(w.symbol) == "[") {
        EXPECT_GT(v[0], v[2]);
      } else {
        EXPECT_LT(v[0], v[2]);
      }
    }
  }
}

TEST_F(AudiogramChart, NoResponseIsTheSymbolWithAnArrowDownAndOutward) {
  for (const auto& [ear, hz, db] : {std::tuple{"right", 8000, 100}, std::tuple{"left", 6000, 90}}) {
    const SvgNode* g = symbol(root, ear, "air", hz);
    ASSERT_NE(g, nullptr);
    EXPECT_EQ(g->attr("data-nr"), "true");
    EXPECT_EQ(g->attr("data-symbol"), std::string(ear) == "right" ? "O" : "X");
    const Box b = shape_box(*g);
    EXPECT_NEAR(b.cx(), x(hz), kTol_mm);
    EXPECT_NEAR(b.cy(), y(db), kTol_mm);  // drawn at the highest level presented
    auto arrows = g->with_class("nr-arrow");
    ASSERT_EQ(arrows.size(), 1u);
    const auto& a = *arrows.front();
    const double dx = a.num("x2") - a.num("x1"), dy = a.num("y2") - a.num("y1");
    EXPECT_GT(dy, 0) << "points downward (levels increase downward)";
    EXPECT_NEAR(std::abs(dx), dy, kTol_mm) << "about 45 degrees";
    if (std::string(ear) == "right") {
      EXPECT_LT(dx, 0) << "right ear: toward the left";
    } else {
      EXPECT_GT(dx, 0) << "left ear: toward the right";
    }
  }
  // Measured points carry no arrow.
  EXPECT_TRUE(symbol(root, "right", "air", 1000)->with_class("nr-arrow").empty());
}

TEST_F(AudiogramChart, AirLinesJoinMeasuredThresholdsPerEarButNeverANoResponse) {
  std::vector<std::vector<double>> right, left;
  for (const auto* l : root.with_class("air-line"))
    (l->attr("data-ear") == "right" ? right : left).push_back(numbers_in(l->attr("points")));
  // Right: 250…4000 in one line, and nothing reaches the 8000 Hz no-response.
  ASSERT_EQ(right.size(), 1u);
  ASSERT_EQ(right[0].size(), 10u);
  EXPECT_NEAR(right[0][0], x(250), kTol_mm);
  EXPECT_NEAR(right[0][8], x(4000), kTol_mm);
  EXPECT_NEAR(right[0][9], y(50), kTol_mm);
  // Left: 500…4000, then the 6000 Hz no-response breaks it; 8000 alone has no line.
  ASSERT_EQ(left.size(), 1u);
  ASSERT_EQ(left[0].size(), 8u);
  for (std::size_t i = 0; i < left[0].size(); i += 2) {
    EXPECT_LT(left[0][i], x(6000) - 1.0);
  }
  EXPECT_EQ(root.with_class("symbol").size(), 16u);  // every tested point has its symbol
}

TEST(AudiogramChartText, TurkishLabels) {
  au::Audiogram a;
  a.right.air[1000] = pt(20);
  a.left.air[1000] = pt(20);
  const auto root = parse_svg(ch::audiogram_svg(a, {true, ""}));
  EXPECT_NE(root.all_text().find("İşitme seviyesi (dB HL)"), std::string::npos);
  EXPECT_NE(root.all_text().find("Frekans (Hz)"), std::string::npos);
}

// ---- spirometry ------------------------------------------------------------------------------

// A blow shaped like a forced expiration: flow falls linearly from PEF at 0.1 L to zero at FVC;
// time from volume by integrating dt = dV / flow.
ch::BlowCurve blow(int number, double fvc_l, double pef_lps, bool acceptable, double fet_s = 0) {
  ch::BlowCurve b;
  b.number = number;
  b.acceptable_fev1 = acceptable;
  b.acceptable_fvc = acceptable;
  b.fvc_l = fvc_l;
  b.pef_lps = pef_lps;
  double t = 0;
  const int n = 200;
  for (int k = 0; k <= n; ++k) {
    const double v = fvc_l * k / n;
    const double f = v < 0.1 ? pef_lps * v / 0.1 : pef_lps * (fvc_l - v) / (fvc_l - 0.1);
    b.volume_l.push_back(v);
    b.flow_lps.push_back(f);
    b.time_s.push_back(t);
    t += (fvc_l / n) / std::max(f, 0.3);
  }
  if (fet_s > t) {  // a long plateau
    b.time_s.push_back(fet_s);
    b.volume_l.push_back(fvc_l);
    b.flow_lps.push_back(0);
  }
  return b;
}

ch::SpirometryCurves session() {
  ch::SpirometryCurves c;
  c.blows = {blow(1, 4.1, 8.5, true), blow(2, 4.6, 9.5, true), blow(3, 3.2, 6.0, false)};
  c.reported_number = 2;
  return c;
}

TEST(FlowVolumeChart, TwoLitresPerSecondOfFlowAreDrawnAsLongAsOneLitreOfVolume) {
  const auto doc = ch::flow_volume_svg(session(), {});
  EXPECT_EQ(xmllint_errors(doc), "");
  const auto root = parse_svg(doc);
  const double v0 = tick(root, "tick-volume", "data-value", "0", "x1");
  const double v1 = tick(root, "tick-volume", "data-value", "1", "x1");
  const double f0 = tick(root, "tick-flow", "data-value", "0", "y1");
  const double f2 = tick(root, "tick-flow", "data-value", "2", "y1");
  EXPECT_GT(v1 - v0, 5.0);
  EXPECT_NEAR(v1 - v0, f0 - f2, kTol_mm) << "ATS/ERS 2019: 2 L/s as long as 1 L";
  EXPECT_GT(f0, f2) << "expiratory flow is drawn upward";
  // The axes reach the largest volume and flow drawn.
  EXPECT_FALSE(std::isnan(tick(root, "tick-volume", "data-value", "5", "x1")));
  EXPECT_FALSE(std::isnan(tick(root, "tick-flow", "data-value", "10", "y1")));
  // Physical size: one user unit is one millimetre (width="…mm" and the viewBox agree).
  const auto vb = numbers_in(root.attr("viewBox"));
  ASSERT_EQ(vb.size(), 4u);
  EXPECT_EQ(root.attr("width"), odyo::station::charts::num(vb[2]) + "mm");
}

TEST(FlowVolumeChart, EveryBlowIsDrawnAndTheReportedOneIsMarked) {
  const auto c = session();
  const auto root = parse_svg(ch::flow_volume_svg(c, {}));
  const auto blows = root.with_class("blow");
  ASSERT_EQ(blows.size(), 3u);
  int reported = 0;
  double reported_width = 0, other_width = 1e9;
  for (const auto* b : blows) {
    if (b->attr("data-reported") == "true") {
      ++reported;
      EXPECT_EQ(b->attr("data-blow"), "2");
      reported_width = b->num("stroke-width");
    } else {
      other_width = std::min(other_width, b->num("stroke-width"));
    }
  }
  EXPECT_EQ(reported, 1);
  EXPECT_GT(reported_width, 2 * other_width) << "the reported blow stands out";
  EXPECT_NE(root.all_text().find("Blow 2: FVC 4.6 L, FEV1 0 L, PEF 9.5 L/s, acceptable — REPORTED"),
            std::string::npos)
      << root.all_text();
  EXPECT_NE(root.all_text().find("not acceptable"), std::string::npos);
  // Units on the axes.
  EXPECT_NE(root.all_text().find("Volume (L, BTPS)"), std::string::npos);
  EXPECT_NE(root.all_text().find("Flow (L/s)"), std::string::npos);
  // The reported curve's samples are where the ticks put their volume and flow.
  const auto* rep = root.with_class("reported").front();
  const auto v = numbers_in(rep->attr("points"));
  const auto& b2 = c.blows[1];
  ASSERT_EQ(v.size(), 2 * b2.volume_l.size());
  const double v0 = tick(root, "tick-volume", "data-value", "0", "x1");
  const double v1 = tick(root, "tick-volume", "data-value", "1", "x1");
  const double f0 = tick(root, "tick-flow", "data-value", "0", "y1");
  const double f2 = tick(root, "tick-flow", "data-value", "2", "y1");
  for (std::size_t k : {0u, 4u, 50u, 100u, 200u}) {
    EXPECT_NEAR((v[2 * k] - v0) / (v1 - v0), b2.volume_l[k], 0.01) << k;
    EXPECT_NEAR((f0 - v[2 * k + 1]) / (f0 - f2) * 2.0, b2.flow_lps[k], 0.01) << k;
  }
}

TEST(VolumeTimeChart, TimeAxisIsAtLeastFifteenSecondsAndLongerForALongerBlow) {
  auto c = session();
  auto root = parse_svg(ch::volume_time_svg(c, {}));
  double tmax = -1, tmin = 1;
  for (const auto* t : root.with_class("tick-time")) {
    tmax = std::max(tmax, t->num("data-value"));
    tmin = std::min(tmin, t->num("data-value"));
  }
  EXPECT_GE(tmax, 15.0);
  EXPECT_LE(tmin, 0.0);
  const double t0 = tick(root, "tick-time", "data-value", "0", "x1");
  const double t1 = tick(root, "tick-time", "data-value", "1", "x1");
  const double l0 = tick(root, "tick-volume", "data-value", "0", "y1");
  const double l1 = tick(root, "tick-volume", "data-value", "1", "y1");
  EXPECT_GE(t1 - t0, 10.0) << "at least 10 mm per second";
  EXPECT_GE(l0 - l1, 10.0) << "at least 10 mm per litre, volume upward";
  EXPECT_EQ(root.with_class("blow").size(), 3u);
  EXPECT_EQ(root.with_class("reported").size(), 1u);

  c.blows.push_back(blow(4, 4.0, 5.0, true, 18.4));  // an 18.4 s expiration
  root = parse_svg(ch::volume_time_svg(c, {}));
  tmax = -1;
  for (const auto* t : root.with_class("tick-time")) tmax = std::max(tmax, t->num("data-value"));
  EXPECT_GE(tmax, 18.4);
  // The whole of the long blow is inside the plot.
  const auto* frame = root.with_class("plot-frame").front();
  for (const auto* b : root.with_class("blow")) {
    const auto v = numbers_in(b->attr("points"));
    for (std::size_t i = 0; i < v.size(); i += 2)
      EXPECT_LE(v[i], frame->num("x") + frame->num("width") + kTol_mm);
  }
}

// ---- worker history --------------------------------------------------------------------------

TEST(LungHistoryChart, ValuesAgainstTheLlnWithTheOnesBelowMarked) {
  std::vector<ch::LungHistoryPoint> pts(3);
  pts[0] = {"2018-03-01", 1, 3.9, 4.8, 3.1, 3.9, -0.2, 0.1, "gli2012"};
  pts[1] = {"2022-03-01", 2, 3.5, 4.5, 3.0, 3.8, -0.9, -0.4, "gli2012"};
  pts[2] = {"2026-03-01", 3, 2.8, 4.2, 2.9, 3.7, -1.8, -0.7, "gli2012"};
  const auto doc = ch::lung_history_svg(pts, {});
  EXPECT_EQ(xmllint_errors(doc), "");
  const auto root = parse_svg(doc);
  const auto values = root.with_class("value");
  EXPECT_EQ(values.size(), 6u);
  for (const auto* v : values) {
    const bool below = v->attr("data-param") == "FEV1" && v->attr("data-exam") == "3";
    EXPECT_EQ(v->attr("data-below-lln"), below ? "true" : "false") << v->attr("data-exam");
  }
  EXPECT_EQ(root.with_class("lln").size(), 2u);
  EXPECT_EQ(root.with_class("lln-band").size(), 2u);
  // Later exams to the right; a larger volume higher.
  const auto* a = values[0];
  const auto* b = values[1];
  EXPECT_LT(numbers_in(a->children[0].attr("cx"))[0], numbers_in(b->children[0].attr("cx"))[0]);
  EXPECT_NE(root.all_text().find("3.9"), std::string::npos);
}

TEST(HearingHistoryChart, ThresholdsPerFrequencyWithBaselineAndStsMarks) {
  ch::HearingHistory h;
  for (int i = 0; i < 3; ++i) {
    ch::HearingHistoryExam e;
    e.date = std::to_string(2010 + 5 * i) + "-03-01";
    e.exam_id = i + 1;
    for (int hz : {500, 1000, 2000, 3000, 4000, 6000, 8000}) {
      e.audiogram.right.air[hz] = pt(10 + (hz >= 3000 ? 10 * i : 0));
      e.audiogram.left.air[hz] = pt(10);
    }
    e.sts_right = i == 2;
    h.exams.push_back(e);
  }
  h.baselines.push_back({"both", 1, 1, "2010-03-01", "initial"});
  const auto doc = ch::hearing_history_svg(h, {});
  EXPECT_EQ(xmllint_errors(doc), "");
  const auto root = parse_svg(doc);
  const auto sts = root.with_class("sts-mark");
  ASSERT_EQ(sts.size(), 1u);
  EXPECT_EQ(sts[0]->attr("data-ear"), "right");
  EXPECT_EQ(sts[0]->attr("data-exam"), "3");
  EXPECT_EQ(root.with_class("baseline").size(), 2u);  // one per ear panel (baseline "both")
  EXPECT_EQ(root.with_class("threshold-series").size(), 14u);  // 7 frequencies × 2 ears
  // Levels increase downward in each panel: 30 dB (right 4 kHz, exam 3) lower than 10 dB.
  double y10 = 0, y30 = 0;
  for (const auto* t : root.with_class("threshold")) {
    if (t->attr("data-hz") != "4000") continue;
    if (t->attr("data-exam") == "1" && y10 == 0) y10 = t->num("cy");
    if (t->attr("data-exam") == "3" && t->attr("data-db-hl") == "30") y30 = t->num("cy");
  }
  EXPECT_GT(y30, y10);
}

}  // namespace
