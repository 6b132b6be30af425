// A worker's results over the years: FEV1 and FVC against their LLN, and hearing thresholds per
// frequency with the baseline in force and the standard threshold shifts.
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <map>
#include <string>

#include "station/charts/charts.hpp"
#include "station/charts/svg.hpp"

namespace odyo::station::charts {

namespace au = audiometry;

namespace {

constexpr double kLeft = 22.0, kTop = 20.0, kPlotW = 150.0, kRightPad = 22.0;

// YYYY-MM-DD… → decimal year (month and day approximate: enough to place a point on a chart).
double decimal_year(const std::string& date) {
  if (date.size() < 10) return 0.0;
  const int y = std::atoi(date.substr(0, 4).c_str());
  const int m = std::atoi(date.substr(5, 2).c_str());
  const int d = std::atoi(date.substr(8, 2).c_str());
  return y + (std::max(1, m) - 1) / 12.0 + (std::max(1, d) - 1) / 365.25;
}

struct TimeAxis {
  double t0 = 0, t1 = 1;
  [[nodiscard]] double X(double t) const { return kLeft + (t - t0) / (t1 - t0) * kPlotW; }
};

TimeAxis time_axis(const std::vector<std::string>& dates) {
  double lo = 1e9, hi = -1e9;
  for (const auto& d : dates) {
    lo = std::min(lo, decimal_year(d));
    hi = std::max(hi, decimal_year(d));
  }
  if (dates.empty()) lo = hi = 2026.0;
  TimeAxis a;
  a.t0 = std::floor(lo);
  a.t1 = std::max(a.t0 + 1.0, std::ceil(hi + 1e-6));
  if (hi - lo < 0.5) a.t1 = a.t0 + 1.0;
  return a;
}

void year_ticks(SvgWriter& w, const TimeAxis& a, double top, double h) {
  const double span = a.t1 - a.t0;
  const int step = span <= 12 ? 1 : span <= 30 ? 2 : 5;
  for (int y = static_cast<int>(a.t0); y <= static_cast<int>(a.t1); y += step) {
    const double x = a.X(y);
    w.element("line", {{"class", "tick-year"},
                       {"data-value", std::to_string(y)},
                       {"x1", num(x)},
                       {"y1", num(top)},
                       {"x2", num(x)},
                       {"y2", num(top + h)},
                       {"stroke", "#dddddd"},
                       {"stroke-width", "0.2"}});
    w.text_element(
        "text",
        {{"x", num(x)}, {"y", num(top + h + 4)}, {"font-size", "2.6"}, {"text-anchor", "middle"}},
        std::to_string(y));
  }
}

void title(SvgWriter& w, double width, const std::string& t, const ChartText& text) {
  w.text_element("text",
                 {{"x", num(width / 2)},
                  {"y", "6"},
                  {"font-size", "4.2"},
                  {"text-anchor", "middle"},
                  {"font-weight", "bold"}},
                 t);
  if (!text.subtitle.empty()) {
    w.text_element(
        "text", {{"x", num(width / 2)}, {"y", "11"}, {"font-size", "3"}, {"text-anchor", "middle"}},
        text.subtitle);
  }
}

}  // namespace

std::string lung_history_svg(const std::vector<LungHistoryPoint>& points, const ChartText& text) {
  const i18n::Catalog& lang = chart_words(text);
  std::vector<std::string> dates;
  double vmax = 0;
  for (const auto& p : points) {
    dates.push_back(p.date);
    for (const auto& v : {p.fev1_l, p.fvc_l, p.fev1_lln_l, p.fvc_lln_l})
      if (v) vmax = std::max(vmax, *v);
  }
  const TimeAxis ta = time_axis(dates);
  const double vtop = std::max(4.0, std::ceil(vmax + 0.5));
  constexpr double kMmPerL = 15.0;
  const double h = vtop * kMmPerL;
  auto Y = [&](double l) { return kTop + (vtop - l) * kMmPerL; };
  const double width = kLeft + kPlotW + kRightPad;
  const double legend_top = kTop + h + 12;
  const double height = legend_top + 16;
  SvgWriter w(width, height, lang.tr("FEV1 and FVC over the years"),
              "Reported FEV1 and FVC of every spirometry exam with the lower limit of normal "
              "(LLN, 5th percentile) of the reference equation stored with each result.");
  title(w, width, lang.tr("FEV1 and FVC over the years"), text);
  w.open("g", {{"class", "grid"}});
  year_ticks(w, ta, kTop, h);
  for (int l = 0; l <= static_cast<int>(vtop); ++l) {
    w.element("line", {{"class", "tick-volume"},
                       {"data-value", std::to_string(l)},
                       {"x1", num(kLeft)},
                       {"y1", num(Y(l))},
                       {"x2", num(kLeft + kPlotW)},
                       {"y2", num(Y(l))},
                       {"stroke", "#dddddd"},
                       {"stroke-width", "0.2"}});
    w.text_element("text",
                   {{"x", num(kLeft - 1.5)},
                    {"y", num(Y(l) + 1)},
                    {"font-size", "2.6"},
                    {"text-anchor", "end"}},
                   std::to_string(l));
  }
  plot_frame(w, kLeft, kTop, kPlotW, h);
  w.close("g");
  w.text_element("text",
                 {{"transform", "translate(6 " + num(kTop + h / 2) + ") rotate(-90)"},
                  {"font-size", "3"},
                  {"text-anchor", "middle"}},
                 lang.tr("Litres (BTPS)"));

  struct Series {
    const char* id;
    const char* color;
    std::optional<double> LungHistoryPoint::*value;
    std::optional<double> LungHistoryPoint::*lln;
  };
  const Series series[] = {
      {"FVC", "#2ca02c", &LungHistoryPoint::fvc_l, &LungHistoryPoint::fvc_lln_l},
      {"FEV1", "#1f4fb4", &LungHistoryPoint::fev1_l, &LungHistoryPoint::fev1_lln_l}};
  for (const auto& s : series) {
    // The LLN band: from 0 up to the LLN at each exam (below it is below the normal range).
    std::string lln_pts, band;
    double first_x = 0, last_x = 0;
    int n = 0;
    for (const auto& p : points) {
      if (!(p.*s.lln)) continue;
      const double x = ta.X(decimal_year(p.date));
      if (n == 0) first_x = x;
      last_x = x;
      lln_pts += (n ? " " : "") + num(x) + "," + num(Y(*(p.*s.lln)));
      ++n;
    }
    if (n > 0) {
      if (n == 1) {  // one exam: a short segment so the LLN is visible
        const double y = Y(*(points.front().*s.lln));
        for (const auto& p : points)
          if (p.*s.lln)
            lln_pts = num(first_x - 4) + "," + num(Y(*(p.*s.lln))) + " " + num(first_x + 4) + "," +
                      num(Y(*(p.*s.lln)));
        (void)y;
        first_x -= 4;
        last_x += 4;
      }
      band = num(first_x) + "," + num(Y(0)) + " " + lln_pts + " " + num(last_x) + "," + num(Y(0));
      w.element("polygon", {{"class", "lln-band"},
                            {"data-param", s.id},
                            {"points", band},
                            {"fill", s.color},
                            {"fill-opacity", "0.08"},
                            {"stroke", "none"}});
      w.element("polyline", {{"class", "lln"},
                             {"data-param", s.id},
                             {"points", lln_pts},
                             {"fill", "none"},
                             {"stroke", s.color},
                             {"stroke-width", "0.35"},
                             {"stroke-dasharray", "2 1"}});
    }
    std::string pts;
    for (const auto& p : points) {
      if (!(p.*s.value)) continue;
      pts +=
          (pts.empty() ? "" : " ") + num(ta.X(decimal_year(p.date))) + "," + num(Y(*(p.*s.value)));
    }
    if (!pts.empty()) {
      w.element("polyline", {{"class", "series"},
                             {"data-param", s.id},
                             {"points", pts},
                             {"fill", "none"},
                             {"stroke", s.color},
                             {"stroke-width", "0.5"}});
    }
    for (const auto& p : points) {
      if (!(p.*s.value)) continue;
      const double x = ta.X(decimal_year(p.date)), y = Y(*(p.*s.value));
      const bool below = p.*s.lln && *(p.*s.value) < *(p.*s.lln);
      w.open("g", {{"class", "value"},
                   {"data-param", s.id},
                   {"data-exam", std::to_string(p.exam_id)},
                   {"data-date", p.date.substr(0, 10)},
                   {"data-litres", num(*(p.*s.value))},
                   {"data-below-lln", below ? "true" : "false"}});
      w.element("circle", {{"cx", num(x)},
                           {"cy", num(y)},
                           {"r", "1.1"},
                           {"fill", below ? "#d00000" : s.color},
                           {"stroke", "white"},
                           {"stroke-width", "0.2"}});
      w.text_element(
          "text",
          {{"x", num(x + 1.6)}, {"y", num(y - 1.4)}, {"font-size", "2.3"}, {"fill", s.color}},
          num(*(p.*s.value)));
      w.close("g");
    }
  }
  // Legend.
  w.open("g", {{"class", "legend"}});
  double lx = kLeft;
  for (const auto& s : series) {
    w.element("line", {{"x1", num(lx)},
                       {"y1", num(legend_top)},
                       {"x2", num(lx + 7)},
                       {"y2", num(legend_top)},
                       {"stroke", s.color},
                       {"stroke-width", "0.5"}});
    w.text_element("text", {{"x", num(lx + 8.5)}, {"y", num(legend_top + 1)}, {"font-size", "2.6"}},
                   lang.trf("{} (measured)", s.id));
    w.element("line", {{"x1", num(lx)},
                       {"y1", num(legend_top + 5)},
                       {"x2", num(lx + 7)},
                       {"y2", num(legend_top + 5)},
                       {"stroke", s.color},
                       {"stroke-width", "0.35"},
                       {"stroke-dasharray", "2 1"}});
    w.text_element("text", {{"x", num(lx + 8.5)}, {"y", num(legend_top + 6)}, {"font-size", "2.6"}},
                   lang.trf("{} LLN", s.id));
    lx += 60;
  }
  std::string eq;
  for (const auto& p : points)
    if (!p.equation.empty() && eq.find(p.equation) == std::string::npos)
      eq += (eq.empty() ? "" : ", ") + p.equation;
  w.text_element(
      "text",
      {{"x", num(kLeft)}, {"y", num(legend_top + 11)}, {"font-size", "2.4"}, {"fill", "#444444"}},
      lang.trf("Red dot: below the LLN. Reference: {}", eq.empty() ? std::string("?") : eq) +
          (points.empty() ? " — " + std::string(lang.tr("no spirometry exam")) : std::string()));
  w.close("g");
  return w.finish();
}

std::string hearing_history_svg(const HearingHistory& hist, const ChartText& text) {
  const i18n::Catalog& lang = chart_words(text);
  std::vector<std::string> dates;
  int worst = 40;
  for (const auto& e : hist.exams) {
    dates.push_back(e.date);
    for (au::Ear ear : {au::Ear::right, au::Ear::left})
      for (const auto& [hz, p] : e.audiogram.ear(ear).air)
        if (p.tested()) worst = std::max(worst, p.level_db_hl);
  }
  const TimeAxis ta = time_axis(dates);
  const int db_max = std::min(120, (worst / 10 + 1) * 10);
  constexpr double kMmPerDb = 1.0;
  const double ph = (db_max + 10) * kMmPerDb;
  const double width = kLeft + kPlotW + kRightPad;
  const double panel_gap = 16;
  const double legend_top = kTop + 2 * ph + panel_gap + 12;
  const double height = legend_top + 20;
  static const std::map<int, const char*> kColors = {
      {250, "#7f7f7f"},  {500, "#8c564b"},  {1000, "#9467bd"}, {2000, "#1f77b4"},
      {3000, "#2ca02c"}, {4000, "#d62728"}, {6000, "#ff7f0e"}, {8000, "#17becf"}};
  auto color_of = [&](int hz) {
    auto it = kColors.find(hz);
    return it == kColors.end() ? "#444444" : it->second;
  };
  SvgWriter w(width, height, lang.tr("Hearing thresholds over the years"),
              "Air-conduction thresholds per frequency and ear at every audiometry exam, the "
              "baseline in force (OSHA 1910.95) and the exams with a standard threshold shift.");
  title(w, width, lang.tr("Hearing thresholds over the years"), text);

  for (au::Ear ear : {au::Ear::right, au::Ear::left}) {
    const bool right = ear == au::Ear::right;
    const std::string ear_id = right ? "right" : "left";
    const double top = kTop + (right ? 0.0 : ph + panel_gap);
    auto Y = [&](double db) { return top + (db + 10) * kMmPerDb; };
    w.open("g", {{"class", "panel"}, {"data-ear", ear_id}});
    w.text_element("text",
                   {{"x", num(kLeft)},
                    {"y", num(top - 2)},
                    {"font-size", "3.2"},
                    {"font-weight", "bold"},
                    {"fill", right ? "#d00000" : "#0040d0"}},
                   right ? (lang.tr("Right ear")) : (lang.tr("Left ear")));
    year_ticks(w, ta, top, ph);
    for (int db = -10; db <= db_max; db += 10) {
      w.element("line", {{"class", "tick-y"},
                         {"data-db-hl", std::to_string(db)},
                         {"x1", num(kLeft)},
                         {"y1", num(Y(db))},
                         {"x2", num(kLeft + kPlotW)},
                         {"y2", num(Y(db))},
                         {"stroke", db == 0 ? "#999999" : "#dddddd"},
                         {"stroke-width", "0.2"}});
      w.text_element("text",
                     {{"x", num(kLeft - 1.5)},
                      {"y", num(Y(db) + 1)},
                      {"font-size", "2.4"},
                      {"text-anchor", "end"}},
                     std::to_string(db));
    }
    plot_frame(w, kLeft, top, kPlotW, ph);
    w.text_element("text",
                   {{"transform", "translate(6 " + num(top + ph / 2) + ") rotate(-90)"},
                    {"font-size", "2.8"},
                    {"text-anchor", "middle"}},
                   "dB HL");

    // Baseline in force: from each baseline version's exam date on, its 2/3/4 kHz thresholds
    // (the frequencies of the standard threshold shift) as dashed lines, and a vertical mark.
    std::vector<const HearingBaselineMark*> marks;
    for (const auto& b : hist.baselines)
      if (b.ear == "both" || b.ear == ear_id) marks.push_back(&b);
    for (std::size_t i = 0; i < marks.size(); ++i) {
      const auto* b = marks[i];
      const HearingHistoryExam* be = nullptr;
      for (const auto& e : hist.exams)
        if (e.exam_id == b->exam_id) be = &e;
      if (be == nullptr) continue;
      const double x0 = ta.X(decimal_year(be->date));
      // In force until the next version for this ear (its exam's date), else to the end.
      double x1 = kLeft + kPlotW;
      if (i + 1 < marks.size()) {
        for (const auto& e : hist.exams)
          if (e.exam_id == marks[i + 1]->exam_id) x1 = std::max(x0, ta.X(decimal_year(e.date)));
      }
      w.open("g", {{"class", "baseline"},
                   {"data-ear", ear_id},
                   {"data-version", std::to_string(b->version)},
                   {"data-exam", std::to_string(b->exam_id)}});
      w.element("line", {{"x1", num(x0)},
                         {"y1", num(top)},
                         {"x2", num(x0)},
                         {"y2", num(top + ph)},
                         {"stroke", "#555555"},
                         {"stroke-width", "0.3"},
                         {"stroke-dasharray", "0.8 0.8"}});
      w.text_element("text",
                     {{"x", num(x0 + 0.8)},
                      {"y", num(top + ph - 1.2)},
                      {"font-size", "2.2"},
                      {"fill", "#555555"}},
                     lang.trf("baseline v{}", b->version));
      for (int hz : {2000, 3000, 4000}) {
        auto it = be->audiogram.ear(ear).air.find(hz);
        if (it == be->audiogram.ear(ear).air.end() || !it->second.tested()) continue;
        w.element("line", {{"class", "baseline-level"},
                           {"data-hz", std::to_string(hz)},
                           {"data-db-hl", std::to_string(it->second.level_db_hl)},
                           {"x1", num(x0)},
                           {"y1", num(Y(it->second.level_db_hl))},
                           {"x2", num(x1)},
                           {"y2", num(Y(it->second.level_db_hl))},
                           {"stroke", color_of(hz)},
                           {"stroke-width", "0.3"},
                           {"stroke-dasharray", "2.5 1.2"}});
      }
      w.close("g");
    }

    for (int hz : hist.frequencies_hz) {
      std::string pts;
      for (const auto& e : hist.exams) {
        auto it = e.audiogram.ear(ear).air.find(hz);
        if (it == e.audiogram.ear(ear).air.end() || !it->second.tested()) continue;
        pts += (pts.empty() ? "" : " ") + num(ta.X(decimal_year(e.date))) + "," +
               num(Y(it->second.level_db_hl));
      }
      if (pts.empty()) continue;
      w.element("polyline", {{"class", "threshold-series"},
                             {"data-ear", ear_id},
                             {"data-hz", std::to_string(hz)},
                             {"points", pts},
                             {"fill", "none"},
                             {"stroke", color_of(hz)},
                             {"stroke-width", "0.45"}});
      for (const auto& e : hist.exams) {
        auto it = e.audiogram.ear(ear).air.find(hz);
        if (it == e.audiogram.ear(ear).air.end() || !it->second.tested()) continue;
        w.element("circle", {{"class", "threshold"},
                             {"data-hz", std::to_string(hz)},
                             {"data-exam", std::to_string(e.exam_id)},
                             {"data-db-hl", std::to_string(it->second.level_db_hl)},
                             {"data-nr", it->second.no_response() ? "true" : "false"},
                             {"cx", num(ta.X(decimal_year(e.date)))},
                             {"cy", num(Y(it->second.level_db_hl))},
                             {"r", "0.8"},
                             {"fill", it->second.no_response() ? "white" : color_of(hz)},
                             {"stroke", color_of(hz)},
                             {"stroke-width", "0.25"}});
      }
    }
    for (const auto& e : hist.exams) {
      if (!(right ? e.sts_right : e.sts_left)) continue;
      const double x = ta.X(decimal_year(e.date));
      w.open(
          "g",
          {{"class", "sts-mark"}, {"data-ear", ear_id}, {"data-exam", std::to_string(e.exam_id)}});
      w.element("polygon",
                {{"points", num(x - 1.6) + "," + num(top + 1) + " " + num(x + 1.6) + "," +
                                num(top + 1) + " " + num(x) + "," + num(top + 3.6)},
                 {"fill", "#d00000"}});
      w.text_element("text",
                     {{"x", num(x + 2)},
                      {"y", num(top + 3.4)},
                      {"font-size", "2.4"},
                      {"fill", "#d00000"},
                      {"font-weight", "bold"}},
                     "STS");
      w.close("g");
    }
    w.close("g");
  }
  // Legend: one colour per frequency.
  w.open("g", {{"class", "legend"}});
  for (std::size_t i = 0; i < hist.frequencies_hz.size(); ++i) {
    const int hz = hist.frequencies_hz[i];
    const double lx = kLeft + static_cast<double>(i % 4) * 38.0;
    const double ly = legend_top + static_cast<double>(i / 4) * 4.5;
    w.element("line", {{"x1", num(lx)},
                       {"y1", num(ly)},
                       {"x2", num(lx + 6)},
                       {"y2", num(ly)},
                       {"stroke", color_of(hz)},
                       {"stroke-width", "0.6"}});
    w.text_element("text", {{"x", num(lx + 7.5)}, {"y", num(ly + 1)}, {"font-size", "2.6"}},
                   std::to_string(hz) + " Hz");
  }
  w.text_element(
      "text",
      {{"x", num(kLeft)}, {"y", num(legend_top + 11)}, {"font-size", "2.4"}, {"fill", "#444444"}},
      lang.tr("Dashed: the 2/3/4 kHz thresholds of the baseline in force; ▼ STS: standard "
              "threshold shift (OSHA 1910.95); open dot: no response."));
  if (hist.exams.empty()) {
    w.text_element("text", {{"x", num(kLeft)}, {"y", num(legend_top + 15)}, {"font-size", "2.4"}},
                   lang.tr("No audiometry exam"));
  }
  w.close("g");
  return w.finish();
}

}  // namespace odyo::station::charts
