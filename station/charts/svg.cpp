#include "station/charts/svg.hpp"

#include <cmath>
#include <cstdio>

namespace odyo::station::charts {

std::string xml_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string num(double v) {
  if (!std::isfinite(v)) return "0";
  double r = std::round(v * 100.0) / 100.0;
  if (r == 0.0) r = 0.0;  // no "-0"
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.2f", r);  // the "C" locale's decimal point: the program
                                              // never calls setlocale for LC_NUMERIC
  std::string s(buf);
  while (!s.empty() && s.back() == '0') s.pop_back();
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s == "-0" ? "0" : s;
}

SvgWriter::SvgWriter(double width_mm, double height_mm, std::string_view title,
                     std::string_view desc) {
  out_ = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out_ += "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"" + num(width_mm) +
          "mm\" height=\"" + num(height_mm) + "mm\" viewBox=\"0 0 " + num(width_mm) + " " +
          num(height_mm) + "\" font-family=\"DejaVu Sans, Arial, sans-serif\">\n";
  text_element("title", {}, title);
  text_element("desc", {}, desc);
  element("rect", {{"x", "0"},
                   {"y", "0"},
                   {"width", num(width_mm)},
                   {"height", num(height_mm)},
                   {"fill", "white"}});
}

void SvgWriter::attrs_(std::initializer_list<Attr> attrs) {
  for (const auto& [k, v] : attrs) {
    out_ += ' ';
    out_ += k;
    out_ += "=\"";
    out_ += xml_escape(v);
    out_ += '"';
  }
}

void SvgWriter::element(std::string_view name, std::initializer_list<Attr> attrs) {
  out_ += '<';
  out_ += name;
  attrs_(attrs);
  out_ += "/>\n";
}

void SvgWriter::text_element(std::string_view name, std::initializer_list<Attr> attrs,
                             std::string_view text) {
  out_ += '<';
  out_ += name;
  attrs_(attrs);
  out_ += '>';
  out_ += xml_escape(text);
  out_ += "</";
  out_ += name;
  out_ += ">\n";
}

void SvgWriter::open(std::string_view name, std::initializer_list<Attr> attrs) {
  out_ += '<';
  out_ += name;
  attrs_(attrs);
  out_ += ">\n";
}

void SvgWriter::close(std::string_view name) {
  out_ += "</";
  out_ += name;
  out_ += ">\n";
}

void SvgWriter::comment(std::string_view text) {
  std::string t(text);
  for (std::size_t p; (p = t.find("--")) != std::string::npos;) t.replace(p, 2, "- ");
  out_ += "<!-- " + t + " -->\n";
}

std::string SvgWriter::finish() {
  out_ += "</svg>\n";
  return std::move(out_);
}

void plot_frame(SvgWriter& w, double x, double y, double width, double height) {
  w.element("rect", {{"class", "plot-frame"},
                     {"x", num(x)},
                     {"y", num(y)},
                     {"width", num(width)},
                     {"height", num(height)},
                     {"fill", "none"},
                     {"stroke", "black"},
                     {"stroke-width", "0.35"}});
}

}  // namespace odyo::station::charts
