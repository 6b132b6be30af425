#pragma once
// The occupational-health office's tables: every exam in a period (one row each: worker,
// establishment, kind, date, technician, result version, signature, the decision in force) and
// every value of the signed ones (one row per reported value, with the same codes, units and
// numbers as the FHIR Bundle and the HL7 message: they are made by prepare_export). Written as
// CSV (`export csv`) or as an XLSX workbook with both tables as sheets (`export xlsx`).
// Column names and words are English msgids, translated where they are written (Turkish headers
// by default). Thread-safety: the Database's owning thread.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "analysis/core/result.hpp"
#include "station/config/config.hpp"

namespace odyo::station {

class Database;

// A cell: a text, a number (its exported text with '.', e.g. "4.28", as prepare_export made it),
// a stored word to translate ("spirometry", "signed"), or empty.
struct OfficeCell {
  enum class Kind { empty, text, number, word };
  Kind kind = Kind::empty;
  std::string value;
};

struct OfficeTable {
  const char* name = "";             // msgid of the sheet name
  std::vector<const char*> columns;  // msgids of the column names
  std::vector<std::vector<OfficeCell>> rows;
};

struct OfficeFilter {
  std::string from, to;  // YYYY-MM-DD, inclusive; empty = open
  std::string establishment;
  std::string kind;  // spirometry | audiometry | empty = both
};

struct OfficeTables {
  OfficeTable exams, results;
  std::size_t signed_exams = 0;
};

// Every exam the filter selects, oldest first, and the values of those whose latest result is
// signed. `progress(done, total)` is called as exams are read (it may be empty).
Result<OfficeTables> gather_office_tables(
    Database& db, const ExportConfig& cfg, const OfficeFilter& filter,
    const std::function<void(std::size_t, std::size_t)>& progress);

struct CsvOptions {
  char separator = ',';
  bool decimal_comma = false;  // 4,28 instead of 4.28 (then the separator is usually ';')
  bool bom = true;             // a UTF-8 byte-order mark, so Excel reads Turkish letters right
};

// `translate` gives the shown text of a msgid (column names, sheet names, words). Text cells that
// a spreadsheet would run as a formula (=, +, -, @ first) are written with a leading apostrophe.
std::string office_csv(const OfficeTable& table, const CsvOptions& options,
                       const std::function<std::string(const char*)>& translate);

// Both tables as sheets of one workbook, numbers as numbers with the decimals they were
// exported with, the header row bold and frozen. Written next to `path` and renamed into place,
// so a failed run leaves no half-written file.
Result<void> write_office_xlsx(const std::filesystem::path& path, const OfficeTables& tables,
                               const std::function<std::string(const char*)>& translate);

}  // namespace odyo::station
