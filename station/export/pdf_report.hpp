#pragma once
// The signed exam's PDF report, for the physician's file and the worker's copy: the worker, the
// exam, the charts (the station's own SVG charts, station/charts, drawn into the PDF with librsvg,
// so the page shows what the web pages and `exam chart` show), the table of values (the same
// items, codes and numbers as the FHIR and HL7 exports: prepare_export), the evaluation in force
// with its clause trace and provisional rules, and the signature block. Text is set with pango
// (DejaVu Sans: every Turkish letter), pages with cairo's PDF surface. The same exam version gives
// the same bytes (the PDF's dates are the signature's). A spirometry exam stored without a flow
// recording (device-computed values only) gets the report without curves, saying so.
// Thread-safety: the Database's thread.

#include <string>

#include "analysis/core/result.hpp"
#include "station/core/i18n.hpp"
#include "station/exams/exam_record.hpp"
#include "station/export/exam_export.hpp"

namespace odyo::station {

class Database;

// The PDF's bytes; `exported` is prepare_export(record) (a signed exam). Charts are read from
// `db`; texts come from `catalog`.
Result<std::string> exam_report_pdf(Database& db, const ExamRecord& record,
                                    const ExportedExam& exported, const i18n::Catalog& catalog);

}  // namespace odyo::station
