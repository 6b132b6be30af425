#pragma once
// The statistics' chart (issue 17, item 5): prevalences in percent over the years, one line per
// measure, drawn by the station's SVG writer for the web page (and any other front end). Pure:
// series in, an SVG document out. Thread-safety: pure function.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "station/charts/charts.hpp"

namespace odyo::station::charts {

struct PrevalenceSeries {
  std::string id;      // class "series-<id>" of its line and points (for tests and styles)
  std::string label;   // in the chart's language
  std::string colour;  // stroke colour
  std::vector<std::pair<int, std::optional<double>>> points;  // year, percent (none: nobody)
};

// Years on the horizontal axis (every year from the first to the last), 0 … the largest value
// rounded up to 10 % (at least 10 %) on the vertical axis; a point per measured year, lines
// between consecutive measured years.
std::string prevalence_svg(const std::string& title, const std::vector<PrevalenceSeries>& series,
                           const ChartText& text);

}  // namespace odyo::station::charts
