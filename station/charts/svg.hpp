#pragma once
// A small SVG writer for the station's charts (station/charts/): escaped text, numbers written
// the same way in every locale, and elements appended to one string. No I/O.
// Thread-safety: one writer per thread; the free functions are pure.
//
// Charts are drawn in millimetres: the root element gets width/height in mm and a viewBox in the
// same numbers, so one user unit is one millimetre on paper (the PDF report) and the scales the
// standards give in mm per unit (ATS/ERS) hold when printed at 100 %.

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace odyo::station::charts {

// XML-escaped text (& < > " ').
std::string xml_escape(std::string_view s);
// A number with at most 2 decimals, '.' as decimal point, no trailing zeros, no "-0".
std::string num(double v);

using Attr = std::pair<std::string_view, std::string>;

class SvgWriter {
 public:
  // Opens <svg> of width_mm × height_mm with a viewBox in millimetres, a <title> and a
  // <desc> (what the chart shows and the standard it follows).
  SvgWriter(double width_mm, double height_mm, std::string_view title, std::string_view desc);

  // <name attrs.../>
  void element(std::string_view name, std::initializer_list<Attr> attrs);
  // <name attrs...>text</name>
  void text_element(std::string_view name, std::initializer_list<Attr> attrs,
                    std::string_view text);
  void open(std::string_view name, std::initializer_list<Attr> attrs);
  void close(std::string_view name);
  void comment(std::string_view text);  // "--" inside is replaced

  // Closes <svg> and returns the document.
  std::string finish();

 private:
  void attrs_(std::initializer_list<Attr> attrs);
  std::string out_;
};

// The black frame around a chart's plot area (class "plot-frame"), the same in every chart.
void plot_frame(SvgWriter& w, double x, double y, double width, double height);

}  // namespace odyo::station::charts
