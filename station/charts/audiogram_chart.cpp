// The audiogram on the ASHA (1990) axes with ASHA symbols; see charts.hpp for the rules followed.
#include <cmath>
#include <string>

#include "station/charts/charts.hpp"
#include "station/charts/svg.hpp"

namespace odyo::station::charts {

namespace au = audiometry;

namespace {

constexpr double kMinHz = 125.0, kMaxHz = 8000.0;
constexpr double kMinDb = -10.0, kMaxDb = 120.0;
constexpr double kLeft = 24.0, kTop = 26.0;           // plot origin (mm)
constexpr double kPlotW = 6.0 * kAudiogramOctave_mm;  // 125 → 8000 Hz: six octaves
constexpr double kPlotH = (kMaxDb - kMinDb) * kAudiogramMm_per_db;
constexpr double kSym = 2.2;         // half-size of a symbol (mm)
constexpr double kBoneOffset = 4.0;  // bone symbols' centre beside the frequency line (mm)
constexpr const char* kRed = "#d00000";
constexpr const char* kBlue = "#0040d0";

double x_of(double hz) {
  return kLeft + std::log2(hz / kMinHz) * kAudiogramOctave_mm;
}
double y_of(double db) {
  return kTop + (db - kMinDb) * kAudiogramMm_per_db;
}

std::string freq_label(int hz) {
  if (hz >= 1000) {
    return hz % 1000 == 0 ? std::to_string(hz / 1000) + "k" : num(hz / 1000.0) + "k";
  }
  return std::to_string(hz);
}

struct SymbolKind {
  const char* name;  // O X triangle square < > [ ]
};

const char* symbol_name(au::Ear ear, au::Transducer t, bool masked) {
  const bool right = ear == au::Ear::right;
  if (t == au::Transducer::air) {
    if (right) return masked ? "triangle" : "O";
    return masked ? "square" : "X";
  }
  if (right) return masked ? "[" : "<";
  return masked ? "]" : ">";
}

// Draws one symbol centred at (cx, cy) (bone: cx is already beside the line); `nr` adds the
// no-response arrow, down and outward.
void draw_symbol(SvgWriter& w, const std::string& name, double cx, double cy, const char* color,
                 bool right, bool nr) {
  const double s = kSym;
  const std::string stroke = color;
  if (name == "O") {
    w.element("circle", {{"cx", num(cx)},
                         {"cy", num(cy)},
                         {"r", num(s)},
                         {"fill", "white"},
                         {"stroke", stroke},
                         {"stroke-width", "0.45"}});
  } else if (name == "X") {
    w.element("path", {{"d", "M" + num(cx - s) + " " + num(cy - s) + " L" + num(cx + s) + " " +
                                 num(cy + s) + " M" + num(cx - s) + " " + num(cy + s) + " L" +
                                 num(cx + s) + " " + num(cy - s)},
                       {"fill", "none"},
                       {"stroke", stroke},
                       {"stroke-width", "0.45"}});
  } else if (name == "triangle") {
    w.element("polygon", {{"points", num(cx) + "," + num(cy - s) + " " + num(cx + s) + "," +
                                         num(cy + s) + " " + num(cx - s) + "," + num(cy + s)},
                          {"fill", "white"},
                          {"stroke", stroke},
                          {"stroke-width", "0.45"}});
  } else if (name == "square") {
    const double h = s * 0.85;
    w.element("rect", {{"x", num(cx - h)},
                       {"y", num(cy - h)},
                       {"width", num(2 * h)},
                       {"height", num(2 * h)},
                       {"fill", "white"},
                       {"stroke", stroke},
                       {"stroke-width", "0.45"}});
  } else if (name == "<" || name == ">") {
    const double d = name == "<" ? 1.0 : -1.0;  // "<": vertex on the left, open to the right
    w.element("polyline",
              {{"points", num(cx + d * s * 0.6) + "," + num(cy - s) + " " + num(cx - d * s * 0.6) +
                              "," + num(cy) + " " + num(cx + d * s * 0.6) + "," + num(cy + s)},
               {"fill", "none"},
               {"stroke", stroke},
               {"stroke-width", "0.45"}});
  } else {                                      // "[" or "]"
    const double d = name == "[" ? 1.0 : -1.0;  // "[": open to the right
    w.element("polyline",
              {{"points", num(cx + d * s * 0.5) + "," + num(cy - s) + " " + num(cx - d * s * 0.5) +
                              "," + num(cy - s) + " " + num(cx - d * s * 0.5) + "," + num(cy + s) +
                              " " + num(cx + d * s * 0.5) + "," + num(cy + s)},
               {"fill", "none"},
               {"stroke", stroke},
               {"stroke-width", "0.45"}});
  }
  if (nr) {
    // ASHA 1990: the arrow is attached to the symbol and points downward at about 45°, outward
    // (toward the left for the right ear, toward the right for the left ear).
    const double out = right ? -1.0 : 1.0;
    const double x0 = cx + out * s * 0.7, y0 = cy + s * 0.7;
    const double x1 = x0 + out * 4.0, y1 = y0 + 4.0;
    w.element("line", {{"class", "nr-arrow"},
                       {"x1", num(x0)},
                       {"y1", num(y0)},
                       {"x2", num(x1)},
                       {"y2", num(y1)},
                       {"stroke", stroke},
                       {"stroke-width", "0.45"}});
    // Arrowhead: two short strokes back from the tip.
    const double hx = -out * 1.3, hy = -1.3;
    w.element("polyline", {{"class", "nr-arrowhead"},
                           {"points", num(x1 + hx) + "," + num(y1) + " " + num(x1) + "," + num(y1) +
                                          " " + num(x1) + "," + num(y1 + hy)},
                           {"fill", "none"},
                           {"stroke", stroke},
                           {"stroke-width", "0.45"}});
  }
}

}  // namespace

std::string audiogram_svg(const au::Audiogram& a, const ChartText& text) {
  const i18n::Catalog& lang = chart_words(text);
  const double width = kLeft + kPlotW + 12.0;
  const double legend_top = kTop + kPlotH + 8.0;
  const double height = legend_top + 30.0;
  SvgWriter w(width, height, lang.tr("Audiogram"),
              "Pure-tone audiogram. Axes and symbols: ASHA (1990) Guidelines for Audiometric "
              "Symbols, Asha 32 (Suppl. 2) 25-30: one octave as wide as 20 dB is tall.");
  w.comment(
      "ASHA 1990 Guidelines for Audiometric Symbols: log frequency axis, one octave = 20 dB; "
      "O/X air, triangle/square masked air, </> bone, [/] masked bone, no response = symbol "
      "with a down-and-outward arrow; red right, blue left.");
  w.text_element("text",
                 {{"x", num(width / 2)},
                  {"y", "6"},
                  {"font-size", "4.2"},
                  {"text-anchor", "middle"},
                  {"font-weight", "bold"}},
                 lang.tr("Audiogram"));
  if (!text.subtitle.empty()) {
    w.text_element(
        "text", {{"x", num(width / 2)}, {"y", "11"}, {"font-size", "3"}, {"text-anchor", "middle"}},
        text.subtitle);
  }
  w.text_element("text",
                 {{"x", num(kLeft + kPlotW / 2)},
                  {"y", num(kTop - 9)},
                  {"font-size", "3"},
                  {"text-anchor", "middle"}},
                 lang.tr("Frequency (Hz)"));
  w.text_element("text",
                 {{"transform", "translate(6 " + num(kTop + kPlotH / 2) + ") rotate(-90)"},
                  {"font-size", "3"},
                  {"text-anchor", "middle"}},
                 lang.tr("Hearing level (dB HL)"));

  // Grid: octave lines solid, inter-octave (750, 1500, 3000, 6000 Hz) dashed; every 10 dB.
  w.open("g", {{"class", "grid"}});
  for (int hz : {125, 250, 500, 1000, 2000, 4000, 8000, 750, 1500, 3000, 6000}) {
    const bool octave = hz != 750 && hz != 1500 && hz != 3000 && hz != 6000;
    const double x = x_of(hz);
    w.element("line", {{"class", "tick-x"},
                       {"data-hz", std::to_string(hz)},
                       {"x1", num(x)},
                       {"y1", num(kTop)},
                       {"x2", num(x)},
                       {"y2", num(kTop + kPlotH)},
                       {"stroke", octave ? "#888888" : "#bbbbbb"},
                       {"stroke-width", "0.25"},
                       {"stroke-dasharray", octave ? "none" : "1 1"}});
    w.text_element("text",
                   {{"x", num(x)},
                    {"y", num(kTop - 2.5)},
                    {"font-size", octave ? "2.8" : "2.2"},
                    {"text-anchor", "middle"},
                    {"fill", octave ? "black" : "#555555"}},
                   freq_label(hz));
  }
  for (int db = static_cast<int>(kMinDb); db <= static_cast<int>(kMaxDb); db += 10) {
    const double y = y_of(db);
    w.element("line", {{"class", "tick-y"},
                       {"data-db-hl", std::to_string(db)},
                       {"x1", num(kLeft)},
                       {"y1", num(y)},
                       {"x2", num(kLeft + kPlotW)},
                       {"y2", num(y)},
                       {"stroke", db == 0 ? "#444444" : "#888888"},
                       {"stroke-width", db == 0 ? "0.45" : "0.25"}});
    w.text_element(
        "text",
        {{"x", num(kLeft - 1.5)}, {"y", num(y + 1)}, {"font-size", "2.6"}, {"text-anchor", "end"}},
        std::to_string(db));
  }
  plot_frame(w, kLeft, kTop, kPlotW, kPlotH);
  w.close("g");

  int skipped = 0;
  for (au::Ear ear : {au::Ear::right, au::Ear::left}) {
    const bool right = ear == au::Ear::right;
    const char* color = right ? kRed : kBlue;
    const auto& e = a.ear(ear);
    // Lines joining measured air thresholds; a no-response or an untested frequency breaks them.
    std::string run;
    int run_points = 0;
    auto flush = [&] {
      if (run_points >= 2) {
        w.element("polyline", {{"class", "air-line"},
                               {"data-ear", right ? "right" : "left"},
                               {"points", run},
                               {"fill", "none"},
                               {"stroke", color},
                               {"stroke-width", "0.4"},
                               {"stroke-dasharray", right ? "none" : "2 1"}});
      }
      run.clear();
      run_points = 0;
    };
    for (const auto& [hz, p] : e.air) {
      if (hz < kMinHz || hz > kMaxHz) continue;
      if (p.status != au::PointStatus::measured) {
        if (p.no_response()) flush();
        continue;
      }
      run += (run.empty() ? "" : " ") + num(x_of(hz)) + "," + num(y_of(p.level_db_hl));
      ++run_points;
    }
    flush();

    for (au::Transducer t : {au::Transducer::air, au::Transducer::bone}) {
      for (const auto& [hz, p] : e.curve(t)) {
        if (!p.tested()) continue;
        if (hz < kMinHz || hz > kMaxHz) {
          ++skipped;
          continue;
        }
        const std::string name = symbol_name(ear, t, p.masked());
        double cx = x_of(hz);
        if (t == au::Transducer::bone) cx += right ? -kBoneOffset : kBoneOffset;
        const double cy = y_of(p.level_db_hl);
        w.open("g", {{"class", "symbol"},
                     {"data-ear", right ? "right" : "left"},
                     {"data-conduction", t == au::Transducer::air ? "air" : "bone"},
                     {"data-masked", p.masked() ? "true" : "false"},
                     {"data-nr", p.no_response() ? "true" : "false"},
                     {"data-hz", std::to_string(hz)},
                     {"data-db-hl", std::to_string(p.level_db_hl)},
                     {"data-symbol", name}});
        draw_symbol(w, name, cx, cy, color, right, p.no_response());
        w.close("g");
      }
    }
  }

  // Legend.
  w.open("g", {{"class", "legend"}});
  struct Row {
    const char* name;
    bool right;
    const char* label;  // in the chart's language
  };
  const Row rows[] = {
      {"O", true, lang.tr("right air")},
      {"X", false, lang.tr("left air")},
      {"triangle", true, lang.tr("right air, masked")},
      {"square", false, lang.tr("left air, masked")},
      {"<", true, lang.tr("right bone")},
      {">", false, lang.tr("left bone")},
      {"[", true, lang.tr("right bone, masked")},
      {"]", false, lang.tr("left bone, masked")},
  };
  for (std::size_t i = 0; i < std::size(rows); ++i) {
    const double lx = kLeft + static_cast<double>(i % 2) * 60.0;
    const double ly = legend_top + static_cast<double>(i / 2) * 5.5;
    draw_symbol(w, rows[i].name, lx + 3, ly, rows[i].right ? kRed : kBlue, rows[i].right, false);
    w.text_element("text", {{"x", num(lx + 8)}, {"y", num(ly + 1)}, {"font-size", "2.6"}},
                   rows[i].label);
  }
  const double ny = legend_top + 4 * 5.5;
  draw_symbol(w, "O", kLeft + 3, ny, kRed, true, true);
  w.text_element("text", {{"x", num(kLeft + 8)}, {"y", num(ny + 1)}, {"font-size", "2.6"}},
                 lang.tr("no response (at the level shown): symbol + downward arrow"));
  w.close("g");
  if (skipped > 0) {
    w.text_element(
        "text",
        {{"x", num(kLeft)}, {"y", num(height - 1.5)}, {"font-size", "2.2"}, {"fill", "#555555"}},
        lang.trf("{} point(s) outside 125–8000 Hz not drawn", skipped));
  }
  return w.finish();
}

}  // namespace odyo::station::charts
