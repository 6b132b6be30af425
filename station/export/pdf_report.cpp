#include "station/export/pdf_report.hpp"

#include <cairo-pdf.h>
#include <cairo.h>
#include <librsvg/rsvg.h>
#include <pango/pangocairo.h>

#include <fmt/format.h>

#include <algorithm>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>
#include <vector>

#include "analysis/core/error_text.hpp"
#include "station/charts/chart_data.hpp"
#include "station/core/local_time.hpp"
#include "station/core/person_input.hpp"

namespace odyo::station {

namespace {

using nlohmann::json;

// A4 in points, and the margins.
constexpr double kPageW = 595.276;
constexpr double kPageH = 841.890;
constexpr double kMargin = 42.0;
constexpr double kWidth = kPageW - 2 * kMargin;
constexpr const char* kFont = "DejaVu Sans 8.5";
constexpr const char* kFontBold = "DejaVu Sans Bold 8.5";
constexpr const char* kFontTitle = "DejaVu Sans Bold 14";
constexpr const char* kFontHeading = "DejaVu Sans Bold 10.5";

// The words of the report (the catalogue's msgids).
[[maybe_unused]] constexpr const char* kReportWords[] = {
    N_("Spirometry report"), N_("Audiometry report"), N_("Worker"), N_("Exam"), N_("Values"),
    N_("Evaluation"),        N_("Signature")};

std::string escaped(std::string_view s) {
  gchar* e = g_markup_escape_text(s.data(), static_cast<gssize>(s.size()));
  std::string out(e);
  g_free(e);
  return out;
}

struct LayoutDeleter {
  void operator()(PangoLayout* l) const { g_object_unref(l); }
};
struct FontDeleter {
  void operator()(PangoFontDescription* f) const { pango_font_description_free(f); }
};

// The pages: text and charts flow down the page and continue on the next.
class Pages {
 public:
  explicit Pages(cairo_t* cr) : cr_(cr) {}

  // Plain text (escaped here) or markup, wrapped to `width`; returns its height.
  double text(double x, double width, const std::string& s, const char* font, bool markup = false,
              bool draw = true) {
    std::unique_ptr<PangoLayout, LayoutDeleter> layout(pango_cairo_create_layout(cr_));
    std::unique_ptr<PangoFontDescription, FontDeleter> fd(pango_font_description_from_string(font));
    pango_layout_set_font_description(layout.get(), fd.get());
    pango_layout_set_width(layout.get(), static_cast<int>(width * PANGO_SCALE));
    pango_layout_set_wrap(layout.get(), PANGO_WRAP_WORD_CHAR);
    if (markup) {
      pango_layout_set_markup(layout.get(), s.c_str(), -1);
    } else {
      pango_layout_set_text(layout.get(), s.c_str(), -1);
    }
    int w = 0;
    int h = 0;
    pango_layout_get_size(layout.get(), &w, &h);
    const double height = static_cast<double>(h) / PANGO_SCALE;
    if (draw) {
      cairo_move_to(cr_, x, y_);
      pango_cairo_show_layout(cr_, layout.get());
    }
    return height;
  }

  // One paragraph across the page; a new page first when it does not fit.
  void paragraph(const std::string& s, const char* font = kFont, bool markup = false,
                 double gap = 3.0) {
    room(text(kMargin, kWidth, s, font, markup, false));
    y_ += text(kMargin, kWidth, s, font, markup) + gap;
  }

  void heading(const std::string& s) {
    room(40);  // never a heading alone at the foot of a page
    y_ += 6;
    paragraph(s, kFontHeading, false, 2);
    cairo_set_line_width(cr_, 0.6);
    cairo_move_to(cr_, kMargin, y_);
    cairo_line_to(cr_, kMargin + kWidth, y_);
    cairo_stroke(cr_);
    y_ += 4;
  }

  // Label/value pairs in two columns.
  void pairs(const std::vector<std::pair<std::string, std::string>>& kv) {
    const double col = kWidth / 2;
    for (std::size_t i = 0; i < kv.size(); i += 2) {
      double h = 0;
      for (std::size_t j = i; j < std::min(i + 2, kv.size()); ++j) {
        const std::string m = "<b>" + escaped(kv[j].first) + ":</b> " + escaped(kv[j].second);
        h = std::max(
            h, text(kMargin + col * static_cast<double>(j - i), col - 6, m, kFont, true, false));
      }
      room(h);
      for (std::size_t j = i; j < std::min(i + 2, kv.size()); ++j) {
        const std::string m = "<b>" + escaped(kv[j].first) + ":</b> " + escaped(kv[j].second);
        text(kMargin + col * static_cast<double>(j - i), col - 6, m, kFont, true);
      }
      y_ += h + 2;
    }
  }

  // A table: a bold header row, then rows; column widths as fractions of the page width.
  void table(const std::vector<double>& widths, const std::vector<std::string>& header,
             const std::vector<std::vector<std::string>>& rows) {
    const auto row_height = [&](const std::vector<std::string>& cells, const char* font) {
      double h = 0;
      for (std::size_t c = 0; c < cells.size() && c < widths.size(); ++c)
        h = std::max(h, text(0, widths[c] * kWidth - 4, cells[c], font, false, false));
      return h + 3;
    };
    const auto draw_row = [&](const std::vector<std::string>& cells, const char* font) {
      const double h = row_height(cells, font);
      room(h);
      double x = kMargin;
      for (std::size_t c = 0; c < cells.size() && c < widths.size(); ++c) {
        text(x + 2, widths[c] * kWidth - 4, cells[c], font);
        x += widths[c] * kWidth;
      }
      y_ += h;
      cairo_set_line_width(cr_, 0.3);
      cairo_move_to(cr_, kMargin, y_ - 1);
      cairo_line_to(cr_, kMargin + kWidth, y_ - 1);
      cairo_stroke(cr_);
    };
    draw_row(header, kFontBold);
    for (const auto& r : rows) draw_row(r, kFont);
    y_ += 4;
  }

  // SVG charts side by side, each `width_fraction` of the page, scaled to keep their aspect.
  Result<void> charts(const std::vector<std::string>& svgs, double width_fraction) {
    std::vector<RsvgHandle*> handles;
    const auto release = [&handles] {
      for (auto* h : handles) g_object_unref(h);
    };
    double row_h = 0;
    std::vector<std::pair<double, double>> sizes;
    for (const auto& svg : svgs) {
      GError* err = nullptr;
      RsvgHandle* h =
          rsvg_handle_new_from_data(reinterpret_cast<const guint8*>(svg.data()), svg.size(), &err);
      if (h == nullptr) {
        const std::string why = err != nullptr ? err->message : "?";
        if (err != nullptr) g_error_free(err);
        release();
        return make_errorf("pdf_chart", "a chart could not be drawn into the report: {}",
                           verbatim(why));
      }
      handles.push_back(h);
      gdouble w = 0;
      gdouble hh = 0;
      if (rsvg_handle_get_intrinsic_size_in_pixels(h, &w, &hh) == FALSE || w <= 0 || hh <= 0) {
        w = 4;
        hh = 3;
      }
      const double box_w = width_fraction * kWidth - 6;
      sizes.emplace_back(box_w, box_w * hh / w);
      row_h = std::max(row_h, box_w * hh / w);
    }
    room(row_h);
    double x = kMargin;
    for (std::size_t i = 0; i < handles.size(); ++i) {
      const RsvgRectangle viewport{x, y_, sizes[i].first, sizes[i].second};
      GError* err = nullptr;
      if (rsvg_handle_render_document(handles[i], cr_, &viewport, &err) == FALSE) {
        const std::string why = err != nullptr ? err->message : "?";
        if (err != nullptr) g_error_free(err);
        release();
        return make_errorf("pdf_chart", "a chart could not be drawn into the report: {}",
                           verbatim(why));
      }
      x += width_fraction * kWidth;
    }
    release();
    y_ += row_h + 6;
    return {};
  }

  void start() { y_ = kMargin; }

 private:
  void room(double h) {
    if (y_ + h <= kPageH - kMargin) return;
    cairo_show_page(cr_);
    y_ = kMargin;
  }
  cairo_t* cr_;
  double y_ = kMargin;
};

cairo_status_t append(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

const ExportComponent* component(const ExportItem& it, std::string_view suffix) {
  for (const auto& c : it.components)
    if (c.key.size() > suffix.size() && c.key.substr(c.key.size() - suffix.size()) == suffix)
      return &c;
  return nullptr;
}

std::string shown_value(const ExportQuantity& q) {
  return q.comparator + q.text + (q.ucum.empty() || q.ucum.front() == '{' ? "" : " " + q.ucum);
}

// The evaluation in force: summary, every Ek-2 row with its clause, what is missing, provisional
// rules, and the physician's override reason.
void evaluation_section(Pages& pages, const ExamRecord& rec, const i18n::Catalog& c) {
  pages.heading(c.tr("Evaluation"));
  if (!rec.decision) {
    pages.paragraph(c.tr("The exam was not evaluated."));
    return;
  }
  const auto& d = *rec.decision;
  const std::string lang = c.turkish() ? "tr" : "en";
  pages.pairs({{c.tr("Health group"), d.health_group.value_or("—")},
               {c.tr("Ek-2 column"), d.ek2_column.value_or("—")},
               {c.tr("Decision"), c.tr(d.kind.c_str())},  // i18n: a stored word (kShownWords)
               {c.tr("Rules"), d.rules_version + " (" + d.rules_hash.substr(0, 12) + ")"}});
  const json all = json::parse(d.result_json, nullptr, false);
  const json r = all.is_object() ? all.value("result", json::object()) : json::object();
  const auto said = [&](const json& j) {
    return j.is_object() && j.contains(lang) && j[lang].is_string() ? j[lang].get<std::string>()
                                                                    : std::string();
  };
  if (const std::string s = said(r.value("summary", json())); !s.empty()) pages.paragraph(s);
  if (r.contains("ek2") && r["ek2"].contains("rules")) {
    for (const auto& h : r["ek2"]["rules"]) {
      std::string line = "• " + escaped(h.value("clause", std::string())) + ": " +
                         escaped(said(h.value("explanation", json())));
      if (h.value("provisional", false)) line += " <i>(" + escaped(c.tr("provisional")) + ")</i>";
      pages.paragraph(line, kFont, true, 1);
    }
  }
  for (const auto& m : r.value("incomplete", json::array()))
    pages.paragraph("• " + c.trf("Missing — {}: {}", m.value("clause", std::string()),
                                 said(m.value("reason", json()))),
                    kFont, false, 1);
  if (const auto p = r.value("provisional_used", json::array()); !p.empty()) {
    std::string list;
    for (const auto& x : p) list += (list.empty() ? "" : ", ") + x.get<std::string>();
    pages.paragraph(c.trf("Provisional rules used: {}", list));
  }
  if (d.kind == "override" && !d.reason.empty())
    pages.paragraph(
        c.trf("Overridden by {} on {}: {}", d.created_by, local_display(d.created_at), d.reason));
}

}  // namespace

Result<std::string> exam_report_pdf(Database& db, const ExamRecord& rec, const ExportedExam& x,
                                    const i18n::Catalog& c) {
  // Charts first: a chart that cannot be made is an error before any page is drawn.
  std::vector<std::string> svgs;
  const bool turkish = c.turkish();
  // A spirometry exam with no flow recording (a device that sends only its computed values)
  // has no curves: the report says so where they would be, and is made all the same (a signed
  // result must be reportable, and exportable with its report).
  std::optional<Error> no_curves;
  if (x.kind == "spirometry") {
    for (auto k : {charts::ExamChartKind::flow_volume, charts::ExamChartKind::volume_time}) {
      auto svg = charts::exam_chart_svg(db, rec.exam.id, k, turkish);
      if (!svg && svg.error().code == "no_curves") {
        no_curves = svg.error();
        break;
      }
      if (!svg) return svg.error();
      svgs.push_back(std::move(*svg));
    }
  } else {
    auto svg = charts::exam_chart_svg(db, rec.exam.id, charts::ExamChartKind::audiogram, turkish);
    if (!svg) return svg.error();
    svgs.push_back(std::move(*svg));
  }

  std::string bytes;
  cairo_surface_t* surface = cairo_pdf_surface_create_for_stream(&append, &bytes, kPageW, kPageH);
  const std::string title =
      c.tr(x.kind == "spirometry" ? "Spirometry report" : "Audiometry report");  // i18n: above
  // The same exam version gives the same bytes: the document's dates are the signature's.
  const std::string date = x.issued.size() >= 19 ? x.issued.substr(0, 19) : x.issued;
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE,
                                 (title + " " + x.id_prefix).c_str());
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "odyospiro");
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATE_DATE, date.c_str());
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_MOD_DATE, date.c_str());
  cairo_t* cr = cairo_create(surface);
  cairo_set_source_rgb(cr, 0, 0, 0);
  Pages pages(cr);
  pages.start();
  Result<void> drawn;
  {
    pages.paragraph(title, kFontTitle, false, 2);
    pages.paragraph(
        c.trf("{} · exam {} · result version {}", x.id_prefix, x.exam_id, x.result_version));
    const Worker& w = x.worker;
    pages.heading(c.tr("Worker"));
    pages.pairs(
        {{c.tr("Name"), w.first_name + " " + w.last_name},
         {c.tr("Registry no"), w.registry_no},
         {c.tr("T.C. kimlik no"), w.tc_kimlik},
         {c.tr("Birth date"), turkish && parse_date(w.birth_date)
                                  ? to_turkish_date(*parse_date(w.birth_date))
                                  : w.birth_date},
         {c.tr("Sex"), turkish ? (w.sex == "F" ? "K" : "E") : w.sex},
         {c.tr("Height / weight"), fmt::format("{:.0f} cm / {:.0f} kg", w.height_cm, w.weight_kg)},
         {c.tr("Establishment"), w.establishment},
         {c.tr("Job / work group"), w.job_code + " / " + std::to_string(w.work_group)}});
    pages.heading(c.tr("Exam"));
    pages.pairs({{c.tr("Kind"), c.tr(x.kind.c_str())},  // i18n: a stored word (kShownWords)
                 {c.tr("Started at"), local_display(rec.exam.started_at)},
                 {c.tr("Technician"), rec.exam.technician},
                 {c.tr("Device"), rec.exam.device_id}});
    if (no_curves) {
      pages.paragraph(c.localize(*no_curves));
      svgs.clear();
    }
    if (!svgs.empty()) drawn = pages.charts(svgs, x.kind == "spirometry" ? 0.5 : 0.62);
    if (drawn) {
      pages.heading(c.tr("Values"));
      std::vector<std::vector<std::string>> rows;
      for (const ExportItem& it : x.items) {
        const std::string name = it.codes.empty() ? it.key : it.codes.front().display;
        if (it.quantity) {
          const auto* pred = component(it, "-PRED");
          const auto* z = component(it, "-Z");
          const auto* pct = component(it, "-PCTPRED");
          rows.push_back({it.key, name, shown_value(*it.quantity),
                          pred != nullptr ? shown_value(pred->value) : "",
                          it.low ? shown_value(*it.low) : "", z != nullptr ? z->value.text : "",
                          pct != nullptr ? pct->value.text : "",
                          it.interpretation == "L" ? c.tr("below the LLN") : ""});
        } else {
          rows.push_back({it.key, name, it.coded ? it.coded->display : it.text.value_or(""), "", "",
                          "", "", it.preliminary ? c.tr("preliminary") : ""});
        }
      }
      pages.table({0.12, 0.3, 0.12, 0.12, 0.11, 0.07, 0.08, 0.08},
                  {c.tr("Code"), c.tr("Description"), c.tr("Result"), c.tr("Predicted"),
                   c.tr("LLN"), "z", "%", ""},
                  rows);
      evaluation_section(pages, rec, c);
      pages.heading(c.tr("Signature"));
      pages.pairs({{c.tr("Signed by"), x.physician_name + " (" + x.physician_username + ")"},
                   {c.tr("Signed at"), local_display(x.issued)},
                   {c.tr("Key"), std::to_string(x.signature.key_id)},
                   {c.tr("Signature"), x.signature.signature_b64.substr(0, 24) + "…"}});
      pages.paragraph(
          c.tr("Ed25519 signature over the result version; `odyospiro db verify` "
               "checks it at the station."));
    }
  }
  cairo_destroy(cr);
  cairo_surface_finish(surface);
  const cairo_status_t status = cairo_surface_status(surface);
  cairo_surface_destroy(surface);
  if (!drawn) return drawn.error();
  if (status != CAIRO_STATUS_SUCCESS)
    return make_errorf("pdf_failed", "the PDF report could not be made: {}",
                       verbatim(cairo_status_to_string(status)));
  return bytes;
}

}  // namespace odyo::station
