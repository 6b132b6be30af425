#pragma once
// The one reader of delimited text tables (CSV) in odyospiro: flow files, job lists, audiogram
// and reference tables, whether written by us or by a person in Excel (Turkish Excel writes `;`
// between fields and a decimal comma). Pure: UTF-8 text in, cells out; decoding a file
// (BOM, Windows-1254) is station/core/text_file's job.
//
// - Fields: RFC 4180 (a field in double quotes may hold the delimiter, `""` and line breaks);
//   spaces around a field are dropped; a quote inside an unquoted field, or a quote never
//   closed, is refused with its line and column.
// - Delimiter `,` `;` or tab, given or detected from the first line that is not blank or a
//   comment: `;` or tab if it holds one (the more frequent), else `,` — unless the decimal
//   separator is given as `,`, or that line has no `,` and the next is one number with a
//   decimal comma (a one-column file: "akış" then "0,52"), when a line is one field.
// - Decimal separator `.` or `,`, given or detected: `.` when the delimiter is `,`; otherwise
//   `,` if some number cell has one, `.` if some has that; both in one file is refused.
// - Numbers are read exactly or refused (file, line, column): no thousands separators, no
//   trailing text, nothing cut at a comma. `nan`/`inf` read as such (a lost sample), the caller
//   decides what to do with them.
// Why not a packaged parser: Debian's libcsv (C) and fast-cpp-csv-parser give neither the
// column of a bad field nor delimiter/decimal detection, and analysis/ (pure) may include only
// std; this one file is what every table reader shares.
// Thread-safety: plain functions and values.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/core/result.hpp"

namespace odyo::csv {

struct Options {
  char delimiter = 0;     // ',' ';' '\t', or 0 = detect
  char decimal = 0;       // '.' ',', or 0 = detect
  bool comments = false;  // lines whose first non-blank character is '#' are skipped
};

struct Row {
  int line = 0;                    // 1-based line where the row starts
  std::vector<std::string> cells;  // trimmed, quotes removed
  std::vector<int> columns;        // 1-based column (in characters) where each cell starts
};

struct Table {
  std::string name;  // the file (or what the text is), for messages
  char delimiter = ',';
  char decimal = '.';
  std::vector<Row> rows;  // every row that is not blank (nor a comment), header included

  // "FILE, line L, column C: " for a cell (column of the row's start when cell is past the end).
  [[nodiscard]] std::string where(const Row& row, std::size_t cell) const;
  // The same place as a translatable message, "FILE, line L, column C" (no colon), to go into a
  // make_errorf template: make_errorf(code, "{}: column \"{}\" appears twice", t.at(row, i), n).
  [[nodiscard]] Error at(const Row& row, std::size_t cell) const;
  // The cell as a number, read exactly with this table's decimal separator, else an error
  // naming the file, line and column. `what` names the quantity for the message ("flow (L/s)");
  // mark it N_("…") at the caller so that it is translated with the message.
  [[nodiscard]] Result<double> number(const Row& row, std::size_t cell,
                                      std::string_view what) const;
  // The cell as an integer (no decimal part, no exponent).
  [[nodiscard]] Result<long long> integer(const Row& row, std::size_t cell,
                                          std::string_view what) const;
};

// Parses UTF-8 text (no BOM: the decoder removes it). Refuses what it cannot read exactly.
Result<Table> parse(std::string_view text, std::string name, const Options& options = {});

// Reads a number typed by a person: `.` or `,` as the decimal separator (one of them, once),
// optional sign and exponent, nothing else. For command-line values like `--height-cm 1,75`.
Result<double> parse_number(std::string_view text, char decimal = 0);

// Name of a delimiter for messages: "','", "';'", "tab".
std::string delimiter_name(char d);

}  // namespace odyo::csv
