// Flow-volume and volume-time curves of a spirometry session, every blow overlaid and the
// reported one emphasised; scales from ATS/ERS (see charts.hpp and docs/charts.md).
#include <algorithm>
#include <cmath>
#include <string>

#include "station/charts/charts.hpp"
#include "station/charts/svg.hpp"

namespace odyo::station::charts {

namespace {

constexpr double kLeft = 22.0, kTop = 20.0, kRightPad = 10.0;
// Colours of the non-reported blows (cycled); the reported blow is black and thicker.
constexpr const char* kBlowColors[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd",
                                       "#8c564b", "#e377c2", "#17becf", "#bcbd22"};

const char* blow_color(std::size_t i) {
  return kBlowColors[i % std::size(kBlowColors)];
}

bool is_reported(const SpirometryCurves& c, const BlowCurve& b) {
  return c.reported_number && *c.reported_number == b.number;
}

struct Axes {
  double x0, x1;      // data range on x
  double y0, y1;      // data range on y
  double mm_x, mm_y;  // mm per data unit
  double left, top;   // plot origin (mm)
  [[nodiscard]] double w() const { return (x1 - x0) * mm_x; }
  [[nodiscard]] double h() const { return (y1 - y0) * mm_y; }
  [[nodiscard]] double X(double v) const { return left + (v - x0) * mm_x; }
  [[nodiscard]] double Y(double v) const { return top + (y1 - v) * mm_y; }  // up is positive
};

void draw_axes(SvgWriter& w, const Axes& a, double x_step, double y_step, const std::string& x_cls,
               const std::string& y_cls, const std::string& x_label, const std::string& y_label) {
  w.open("g", {{"class", "grid"}});
  for (double v = std::ceil(a.x0 / x_step) * x_step; v <= a.x1 + 1e-9; v += x_step) {
    const double x = a.X(v);
    w.element("line", {{"class", x_cls},
                       {"data-value", num(v)},
                       {"x1", num(x)},
                       {"y1", num(a.top)},
                       {"x2", num(x)},
                       {"y2", num(a.top + a.h())},
                       {"stroke", std::abs(v) < 1e-9 ? "#444444" : "#cccccc"},
                       {"stroke-width", std::abs(v) < 1e-9 ? "0.4" : "0.2"}});
    w.text_element("text",
                   {{"x", num(x)},
                    {"y", num(a.top + a.h() + 4)},
                    {"font-size", "2.6"},
                    {"text-anchor", "middle"}},
                   num(v));
  }
  for (double v = std::ceil(a.y0 / y_step) * y_step; v <= a.y1 + 1e-9; v += y_step) {
    const double y = a.Y(v);
    w.element("line", {{"class", y_cls},
                       {"data-value", num(v)},
                       {"x1", num(a.left)},
                       {"y1", num(y)},
                       {"x2", num(a.left + a.w())},
                       {"y2", num(y)},
                       {"stroke", std::abs(v) < 1e-9 ? "#444444" : "#cccccc"},
                       {"stroke-width", std::abs(v) < 1e-9 ? "0.4" : "0.2"}});
    w.text_element(
        "text",
        {{"x", num(a.left - 1.5)}, {"y", num(y + 1)}, {"font-size", "2.6"}, {"text-anchor", "end"}},
        num(v));
  }
  plot_frame(w, a.left, a.top, a.w(), a.h());
  w.close("g");
  w.text_element("text",
                 {{"x", num(a.left + a.w() / 2)},
                  {"y", num(a.top + a.h() + 9)},
                  {"font-size", "3"},
                  {"text-anchor", "middle"}},
                 x_label);
  w.text_element("text",
                 {{"transform", "translate(6 " + num(a.top + a.h() / 2) + ") rotate(-90)"},
                  {"font-size", "3"},
                  {"text-anchor", "middle"}},
                 y_label);
}

void draw_title(SvgWriter& w, double width, const std::string& title, const ChartText& text) {
  w.text_element("text",
                 {{"x", num(width / 2)},
                  {"y", "6"},
                  {"font-size", "4.2"},
                  {"text-anchor", "middle"},
                  {"font-weight", "bold"}},
                 title);
  if (!text.subtitle.empty()) {
    w.text_element(
        "text", {{"x", num(width / 2)}, {"y", "11"}, {"font-size", "3"}, {"text-anchor", "middle"}},
        text.subtitle);
  }
}

// ATS/ERS 2019 judges a blow's FEV1 and its FVC separately.
std::string acceptability(const BlowCurve& b, const i18n::Catalog& lang) {
  if (b.acceptable_fev1 && b.acceptable_fvc) return ", " + std::string(lang.tr("acceptable"));
  if (b.acceptable_fev1) return ", " + std::string(lang.tr("acceptable for FEV1 only"));
  if (b.acceptable_fvc) return ", " + std::string(lang.tr("acceptable for FVC only"));
  return ", " + std::string(lang.tr("not acceptable"));
}

// Legend under the plot: one row per blow, the reported one named.
void draw_legend(SvgWriter& w, const SpirometryCurves& c, double x, double y,
                 const i18n::Catalog& lang) {
  w.open("g", {{"class", "legend"}});
  for (std::size_t i = 0; i < c.blows.size(); ++i) {
    const auto& b = c.blows[i];
    const bool rep = is_reported(c, b);
    const double ly = y + static_cast<double>(i) * 4.5;
    w.element("line", {{"x1", num(x)},
                       {"y1", num(ly)},
                       {"x2", num(x + 8)},
                       {"y2", num(ly)},
                       {"stroke", rep ? "black" : blow_color(i)},
                       {"stroke-width", rep ? "0.9" : "0.35"}});
    std::string t = lang.trf("Blow {}", b.number) + ": FVC " + num(b.fvc_l) + " L, FEV1 " +
                    num(b.fev1_l) + " L, PEF " + num(b.pef_lps) + " L/s" + acceptability(b, lang);
    if (rep) t += " — " + std::string(lang.tr("REPORTED"));
    w.text_element("text",
                   {{"x", num(x + 10)},
                    {"y", num(ly + 1)},
                    {"font-size", "2.6"},
                    {"font-weight", rep ? "bold" : "normal"}},
                   t);
  }
  if (c.blows.empty()) {
    w.text_element("text", {{"x", num(x)}, {"y", num(y + 1)}, {"font-size", "2.6"}},
                   lang.tr("No blow to draw"));
  }
  w.close("g");
}

// Every blow as a polyline; the reported one last (on top).
template <typename XY>
void draw_blows(SvgWriter& w, const SpirometryCurves& c, const Axes& a, XY xy) {
  std::vector<std::size_t> order(c.blows.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_partition(order.begin(), order.end(),
                        [&](std::size_t i) { return !is_reported(c, c.blows[i]); });
  for (std::size_t i : order) {
    const auto& b = c.blows[i];
    const bool rep = is_reported(c, b);
    std::string pts;
    const std::size_t n = std::min({b.time_s.size(), b.volume_l.size(), b.flow_lps.size()});
    for (std::size_t k = 0; k < n; ++k) {
      auto [vx, vy] = xy(b, k);
      vx = std::clamp(vx, a.x0, a.x1);
      vy = std::clamp(vy, a.y0, a.y1);
      if (!pts.empty()) pts += ' ';
      pts += num(a.X(vx)) + "," + num(a.Y(vy));
    }
    w.element("polyline", {{"class", rep ? "blow reported" : "blow"},
                           {"data-blow", std::to_string(b.number)},
                           {"data-reported", rep ? "true" : "false"},
                           {"data-acceptable-fev1", b.acceptable_fev1 ? "true" : "false"},
                           {"data-acceptable-fvc", b.acceptable_fvc ? "true" : "false"},
                           {"points", pts},
                           {"fill", "none"},
                           {"stroke", rep ? "black" : blow_color(i)},
                           {"stroke-width", rep ? "0.9" : "0.35"},
                           {"stroke-linejoin", "round"}});
  }
}

double nice_ceil(double v, double step) {
  return std::ceil(v / step - 1e-9) * step;
}

}  // namespace

std::string flow_volume_svg(const SpirometryCurves& c, const ChartText& text) {
  const i18n::Catalog& lang = chart_words(text);
  double vmax = 0, fmax = 0, fmin = 0;
  for (const auto& b : c.blows) {
    for (double v : b.volume_l) vmax = std::max(vmax, v);
    for (double f : b.flow_lps) {
      fmax = std::max(fmax, f);
      fmin = std::min(fmin, f);
    }
  }
  // At least 0–6 L and 0–10 L/s so that a small blow still looks small; whole litres and even
  // L/s so the 1 L and 2 L/s grid squares are equal.
  Axes a{0.0,
         std::max(6.0, nice_ceil(vmax + 0.25, 1.0)),
         std::min(0.0, -nice_ceil(-fmin, 2.0)),
         std::max(10.0, nice_ceil(fmax + 0.5, 2.0)),
         kFlowVolumeMm_per_l,
         kFlowVolumeMm_per_lps,
         kLeft,
         kTop};
  const double width = kLeft + a.w() + kRightPad;
  const double legend_top = kTop + a.h() + 15;
  const double height = legend_top + std::max<double>(1, c.blows.size()) * 4.5 + 4;
  SvgWriter w(width, height, lang.tr("Flow-volume curve"),
              "Flow-volume curves of every blow, the reported one emphasised. ATS/ERS 2019 "
              "(Graham et al., AJRCCM 200:e70): 2 L/s of flow drawn as long as 1 L of volume.");
  w.comment("ATS/ERS 2019 spirometry standard: flow:volume scale 2:1 (" +
            num(kFlowVolumeMm_per_lps) + " mm per L/s, " + num(kFlowVolumeMm_per_l) +
            " mm per L).");
  draw_title(w, width, lang.tr("Flow-volume curve"), text);
  draw_axes(w, a, 1.0, 2.0, "tick-volume", "tick-flow", lang.tr("Volume (L, BTPS)"),
            lang.tr("Flow (L/s)"));
  draw_blows(w, c, a, [](const BlowCurve& b, std::size_t k) {
    return std::pair<double, double>{b.volume_l[k], b.flow_lps[k]};
  });
  draw_legend(w, c, kLeft, legend_top, lang);
  return w.finish();
}

std::string volume_time_svg(const SpirometryCurves& c, const ChartText& text) {
  const i18n::Catalog& lang = chart_words(text);
  double tmax = 0, vmax = 0;
  for (const auto& b : c.blows) {
    for (double t : b.time_s) tmax = std::max(tmax, t);
    for (double v : b.volume_l) vmax = std::max(vmax, v);
  }
  // From 1 s before time zero to at least 15 s, longer when a blow lasted longer.
  Axes a{-1.0,
         std::max(kVolumeTimeMinAxis_s, nice_ceil(tmax, 1.0)),
         0.0,
         std::max(6.0, nice_ceil(vmax + 0.25, 1.0)),
         kVolumeTimeMm_per_s,
         kVolumeTimeMm_per_l,
         kLeft,
         kTop};
  const double width = kLeft + a.w() + kRightPad;
  const double legend_top = kTop + a.h() + 15;
  const double height = legend_top + std::max<double>(1, c.blows.size()) * 4.5 + 4;
  SvgWriter w(width, height, lang.tr("Volume-time curve"),
              "Volume-time curves of every blow from 1 s before time zero, the reported one "
              "emphasised; time axis at least 15 s (ATS/ERS 2019).");
  w.comment("Volume-time: " + num(kVolumeTimeMm_per_s) + " mm per s, " + num(kVolumeTimeMm_per_l) +
            " mm per L; time axis at least 15 s.");
  draw_title(w, width, lang.tr("Volume-time curve"), text);
  draw_axes(w, a, 1.0, 1.0, "tick-time", "tick-volume", lang.tr("Time (s, from time zero)"),
            lang.tr("Volume (L, BTPS)"));
  draw_blows(w, c, a, [](const BlowCurve& b, std::size_t k) {
    return std::pair<double, double>{b.time_s[k], b.volume_l[k]};
  });
  draw_legend(w, c, kLeft, legend_top, lang);
  return w.finish();
}

}  // namespace odyo::station::charts
