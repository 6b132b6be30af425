#include "station/charts/statistics_chart.hpp"

#include <algorithm>
#include <cmath>

#include "station/charts/svg.hpp"

namespace odyo::station::charts {

namespace {
constexpr double kLeft = 22.0, kTop = 20.0, kPlotW = 150.0, kPlotH = 80.0, kRightPad = 10.0;
}  // namespace

std::string prevalence_svg(const std::string& title, const std::vector<PrevalenceSeries>& series,
                           const ChartText& text) {
  const i18n::Catalog& lang = chart_words(text);
  int y0 = 0, y1 = 0;
  double vmax = 0;
  bool any = false;
  for (const auto& s : series) {
    for (const auto& [year, v] : s.points) {
      y0 = any ? std::min(y0, year) : year;
      y1 = any ? std::max(y1, year) : year;
      any = true;
      if (v) vmax = std::max(vmax, *v);
    }
  }
  if (!any) y0 = y1 = 2026;
  const double top = std::max(10.0, std::ceil(vmax / 10.0) * 10.0);
  const int years = y1 - y0 + 1;
  const auto X = [&](int year) {
    return kLeft + (years == 1 ? kPlotW / 2 : (year - y0) * kPlotW / (years - 1));
  };
  const auto Y = [&](double pct) { return kTop + (top - pct) / top * kPlotH; };
  const double width = kLeft + kPlotW + kRightPad;
  const double legend_top = kTop + kPlotH + 12;
  const double height = legend_top + 6.0 * static_cast<double>(series.size()) + 4;
  SvgWriter w(width, height, title,
              "Prevalence (percent of the workers measured) per year; each worker counted once a "
              "year by the latest signed exam giving the measure.");
  w.text_element("text",
                 {{"x", num(width / 2)},
                  {"y", "6"},
                  {"font-size", "4.2"},
                  {"text-anchor", "middle"},
                  {"font-weight", "bold"}},
                 title);
  if (!text.subtitle.empty())
    w.text_element(
        "text", {{"x", num(width / 2)}, {"y", "11"}, {"font-size", "3"}, {"text-anchor", "middle"}},
        text.subtitle);
  w.open("g", {{"class", "grid"}});
  const int step = years <= 12 ? 1 : years <= 30 ? 2 : 5;
  for (int year = y0; year <= y1; year += step) {
    w.element("line", {{"class", "tick-year"},
                       {"data-value", std::to_string(year)},
                       {"x1", num(X(year))},
                       {"y1", num(kTop)},
                       {"x2", num(X(year))},
                       {"y2", num(kTop + kPlotH)},
                       {"stroke", "#dddddd"},
                       {"stroke-width", "0.2"}});
    w.text_element("text",
                   {{"x", num(X(year))},
                    {"y", num(kTop + kPlotH + 4)},
                    {"font-size", "2.6"},
                    {"text-anchor", "middle"}},
                   std::to_string(year));
  }
  for (double p = 0; p <= top + 1e-9; p += top / 5) {
    w.element("line", {{"class", "tick-percent"},
                       {"data-value", num(p)},
                       {"x1", num(kLeft)},
                       {"y1", num(Y(p))},
                       {"x2", num(kLeft + kPlotW)},
                       {"y2", num(Y(p))},
                       {"stroke", "#dddddd"},
                       {"stroke-width", "0.2"}});
    w.text_element("text",
                   {{"x", num(kLeft - 1.5)},
                    {"y", num(Y(p) + 1)},
                    {"font-size", "2.6"},
                    {"text-anchor", "end"}},
                   num(p));
  }
  plot_frame(w, kLeft, kTop, kPlotW, kPlotH);
  w.close("g");
  w.text_element("text",
                 {{"transform", "translate(6 " + num(kTop + kPlotH / 2) + ") rotate(-90)"},
                  {"font-size", "3"},
                  {"text-anchor", "middle"}},
                 lang.tr("% of the workers measured"));
  double ly = legend_top;
  for (const auto& s : series) {
    const std::string cls = "series-" + s.id;
    w.open("g", {{"class", cls}});
    std::string d;
    std::optional<int> last;
    for (const auto& [year, v] : s.points) {
      if (!v) {
        last.reset();
        continue;
      }
      const bool continues = last && *last == year - 1;
      d += (continues ? " L " : (d.empty() ? "M " : " M ")) + num(X(year)) + " " + num(Y(*v));
      last = year;
    }
    if (!d.empty())
      w.element("path",
                {{"d", d}, {"fill", "none"}, {"stroke", s.colour}, {"stroke-width", "0.6"}});
    for (const auto& [year, v] : s.points) {
      if (!v) continue;
      w.element("circle", {{"class", "point"},
                           {"data-year", std::to_string(year)},
                           {"data-value", num(*v)},
                           {"cx", num(X(year))},
                           {"cy", num(Y(*v))},
                           {"r", "1"},
                           {"fill", s.colour}});
    }
    w.element("line", {{"x1", num(kLeft)},
                       {"y1", num(ly)},
                       {"x2", num(kLeft + 8)},
                       {"y2", num(ly)},
                       {"stroke", s.colour},
                       {"stroke-width", "0.6"}});
    w.text_element("text", {{"x", num(kLeft + 10)}, {"y", num(ly + 1)}, {"font-size", "3"}},
                   s.label);
    w.close("g");
    ly += 6;
  }
  return w.finish();
}

}  // namespace odyo::station::charts
