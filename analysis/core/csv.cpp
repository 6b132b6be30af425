#include "analysis/core/csv.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <system_error>

#include "analysis/core/error_text.hpp"

namespace odyo::csv {
namespace {

// A text given by the caller (marked N_ there), translated with the message it goes into.
Error caller_text(std::string_view w) {
  return Error{{}, std::string(w), std::string(w)};
}

// delimiter_name as a message value: "tab" is a word, translated.
Error delimiter_value(char d) {
  if (d == '\t') return make_error({}, "tab");
  return error_text::arg(delimiter_name(d));
}

bool is_space(char c) {
  return c == ' ' || c == '\t';
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && (is_space(s.back()) || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// [+-]?(d+(S d*)?|S d+)([eE][+-]?d+)?  with S one of `seps`; sep receives the S used (or 0).
bool scan_number(std::string_view s, std::string_view seps, char& sep) {
  sep = 0;
  std::size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  std::size_t digits = 0;
  while (i < s.size() && is_digit(s[i])) ++i, ++digits;
  if (i < s.size() && seps.find(s[i]) != std::string_view::npos) {
    sep = s[i++];
    while (i < s.size() && is_digit(s[i])) ++i, ++digits;
  }
  if (digits == 0) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    std::size_t exp_digits = 0;
    while (i < s.size() && is_digit(s[i])) ++i, ++exp_digits;
    if (exp_digits == 0) return false;
  }
  return i == s.size();
}

std::string lower_ascii(std::string_view s) {
  std::string o(s);
  for (char& c : o)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return o;
}

// Converts a scanned number (sep already checked) to double; false when out of range.
bool to_double(std::string_view s, char sep, double& out) {
  std::string t(s);
  if (sep != 0)
    for (char& c : t)
      if (c == sep) c = '.';
  const char* b = t.data();
  if (!t.empty() && t[0] == '+') ++b;  // from_chars takes no '+'
  const auto [p, ec] = std::from_chars(b, t.data() + t.size(), out);
  return ec == std::errc{} && p == t.data() + t.size();
}

// 1-based column in characters (UTF-8 code points) of `pos` on the line starting at `start`.
int column_of(std::string_view text, std::size_t start, std::size_t pos) {
  int col = 1;
  for (std::size_t k = start; k < pos && k < text.size(); ++k)
    if ((static_cast<unsigned char>(text[k]) & 0xC0U) != 0x80U) ++col;
  return col;
}

bool comment_or_blank(std::string_view line, bool comments) {
  const std::string_view t = trim(line);
  return t.empty() || (comments && t.front() == '#');
}

char detect_delimiter(std::string_view text, const Options& o) {
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t nl = text.find('\n', pos);
    const std::string_view line =
        text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    pos = nl == std::string_view::npos ? text.size() : nl + 1;
    if (comment_or_blank(line, o.comments)) continue;
    std::size_t semi = 0, tab = 0, comma = 0;
    bool quoted = false;
    for (char c : line) {
      if (c == '"') quoted = !quoted;
      if (quoted) continue;
      semi += c == ';';
      tab += c == '\t';
      comma += c == ',';
    }
    if (semi > 0 || tab > 0) return semi >= tab ? ';' : '\t';
    if (o.decimal == ',') return ';';  // one field per line
    if (comma == 0) {
      // One field on the first line (a header like "akış"): if the next line is one number
      // with a decimal comma ("0,52"), the file is one column with decimal commas.
      const std::size_t nl2 = pos < text.size() ? text.find('\n', pos) : std::string_view::npos;
      const std::string_view next =
          trim(text.substr(std::min(pos, text.size()),
                           nl2 == std::string_view::npos ? std::string_view::npos : nl2 - pos));
      char sep = 0;
      if (scan_number(next, ",", sep) && sep == ',') return ';';
    }
    return ',';
  }
  return o.decimal == ',' ? ';' : ',';
}

}  // namespace

std::string delimiter_name(char d) {
  if (d == '\t') return "tab";
  return std::string("'") + d + "'";
}

std::string Table::where(const Row& row, std::size_t cell) const {
  const int col = cell < row.columns.size() ? row.columns[cell] : 1;
  return name + ", line " + std::to_string(row.line) + ", column " + std::to_string(col) + ": ";
}

Error Table::at(const Row& row, std::size_t cell) const {
  const int col = cell < row.columns.size() ? row.columns[cell] : 1;
  return make_errorf({}, "{}, line {}, column {}", name, row.line, col);
}

Result<double> Table::number(const Row& row, std::size_t cell, std::string_view what) const {
  if (cell >= row.cells.size())
    return make_errorf("csv_missing_cell", "{}: no field {} for the {} (the row has {})",
                       at(row, cell), cell + 1, caller_text(what), row.cells.size());
  const std::string& s = row.cells[cell];
  const std::string l = lower_ascii(s);
  if (l == "nan" || l == "-nan" || l == "+nan") return std::numeric_limits<double>::quiet_NaN();
  if (l == "inf" || l == "+inf" || l == "infinity") return std::numeric_limits<double>::infinity();
  if (l == "-inf" || l == "-infinity") return -std::numeric_limits<double>::infinity();
  char sep = 0;
  if (!scan_number(s, ".,", sep)) {
    if (s.empty())
      return make_errorf("csv_not_a_number", "{}: \"{}\" is not a {} (the field is empty)",
                         at(row, cell), s, caller_text(what));
    if (s.find('.') != std::string::npos && s.find(',') != std::string::npos)
      return make_errorf("csv_not_a_number",
                         "{}: \"{}\" is not a {} (no thousands separators: write 1234{}5)",
                         at(row, cell), s, caller_text(what), std::string(1, decimal));
    return make_errorf("csv_not_a_number", "{}: \"{}\" is not a {}", at(row, cell), s,
                       caller_text(what));
  }
  if (sep != 0 && sep != decimal)
    return make_errorf("csv_decimal_separator",
                       "{}: \"{}\" has '{}' but this file was read with {} between fields and "
                       "'{}' as the decimal separator; save it with one decimal separator (a "
                       "decimal comma needs ';' or tab between fields)",
                       at(row, cell), s, std::string(1, sep), delimiter_value(delimiter),
                       std::string(1, decimal));
  double v = 0;
  if (!to_double(s, sep, v))
    return make_errorf("csv_out_of_range", "{}: \"{}\" is out of range for a {}", at(row, cell), s,
                       caller_text(what));
  return v;
}

Result<long long> Table::integer(const Row& row, std::size_t cell, std::string_view what) const {
  if (cell >= row.cells.size())
    return make_errorf("csv_missing_cell", "{}: no field {} for the {}", at(row, cell), cell + 1,
                       caller_text(what));
  const std::string& s = row.cells[cell];
  long long v = 0;
  const char* b = s.data();
  if (!s.empty() && s[0] == '+') ++b;
  const auto [p, ec] = std::from_chars(b, s.data() + s.size(), v);
  if (s.empty() || ec != std::errc{} || p != s.data() + s.size())
    return make_errorf("csv_not_an_integer", "{}: \"{}\" is not a whole number ({})", at(row, cell),
                       s, caller_text(what));
  return v;
}

Result<Table> parse(std::string_view text, std::string name, const Options& o) {
  if (o.delimiter != 0 && o.delimiter != ',' && o.delimiter != ';' && o.delimiter != '\t')
    return make_error("csv_bad_options", "the delimiter must be ',', ';' or tab");
  if (o.decimal != 0 && o.decimal != '.' && o.decimal != ',')
    return make_error("csv_bad_options", "the decimal separator must be '.' or ','");
  if (o.delimiter == ',' && o.decimal == ',')
    return make_errorf("csv_bad_options",
                       "{}: ',' cannot be both the delimiter and the decimal separator", name);
  Table t;
  t.name = std::move(name);
  t.delimiter = o.delimiter != 0 ? o.delimiter : detect_delimiter(text, o);
  const char delim = t.delimiter;
  const std::size_t n = text.size();
  std::size_t i = 0;
  std::size_t line_start = 0;
  int line = 1;
  auto fail = [&](std::size_t pos, int at_line, std::size_t at_start, const Error& what) {
    return make_errorf("csv_unreadable", "{}, line {}, column {}: {}", t.name, at_line,
                       column_of(text, at_start, pos), what);
  };
  while (i < n) {
    const std::size_t nl = text.find('\n', i);
    const std::size_t eol = nl == std::string_view::npos ? n : nl;
    if (comment_or_blank(text.substr(i, eol - i), o.comments)) {
      i = eol == n ? n : eol + 1;
      ++line;
      line_start = i;
      continue;
    }
    Row row;
    row.line = line;
    for (;;) {
      while (i < n && text[i] != delim && is_space(text[i])) ++i;
      row.columns.push_back(column_of(text, line_start, i));
      std::string cell;
      if (i < n && text[i] == '"') {
        const std::size_t q = i;
        const int q_line = line;
        const std::size_t q_start = line_start;
        ++i;
        for (;;) {
          if (i >= n)
            return fail(q, q_line, q_start,
                        make_error({},
                                   "a quoted field is never closed (a '\"' is missing before "
                                   "the end of the file)"));
          const char c = text[i];
          if (c == '"') {
            if (i + 1 < n && text[i + 1] == '"') {
              cell += '"';
              i += 2;
              continue;
            }
            ++i;
            break;
          }
          if (c == '\r' && i + 1 < n && text[i + 1] == '\n') {
            ++i;
            continue;
          }
          cell += c;
          ++i;
          if (c == '\n') {
            ++line;
            line_start = i;
          }
        }
        while (i < n && text[i] != delim && is_space(text[i])) ++i;
        if (i < n && text[i] != delim && text[i] != '\n' && text[i] != '\r')
          return fail(i, line, line_start,
                      make_error({},
                                 "text after a closing quote; a field in quotes ends at the "
                                 "quote"));
      } else {
        const std::size_t s = i;
        while (i < n && text[i] != delim && text[i] != '\n' && text[i] != '\r') {
          if (text[i] == '"')
            return fail(i, line, line_start,
                        make_error({},
                                   "a '\"' inside a field that does not start with one; put "
                                   "the whole field in quotes and double the quote (\"\")"));
          ++i;
        }
        cell = std::string(trim(text.substr(s, i - s)));
      }
      row.cells.push_back(std::move(cell));
      if (i < n && text[i] == delim) {
        ++i;
        continue;
      }
      if (i < n && text[i] == '\r') ++i;
      if (i < n && text[i] == '\n') ++i;
      ++line;
      line_start = i;
      break;
    }
    // A line of delimiters only (";;;", as Excel writes below a table) is blank.
    bool all_empty = true;
    for (const auto& c : row.cells) all_empty = all_empty && c.empty();
    if (!all_empty) t.rows.push_back(std::move(row));
  }

  // Decimal separator.
  if (o.decimal != 0) {
    t.decimal = o.decimal;
  } else if (delim == ',') {
    t.decimal = '.';
  } else {
    const Row* comma_row = nullptr;
    const Row* dot_row = nullptr;
    std::size_t comma_cell = 0, dot_cell = 0;
    for (const Row& r : t.rows)
      for (std::size_t c = 0; c < r.cells.size(); ++c) {
        char sep = 0;
        if (!scan_number(r.cells[c], ".,", sep)) continue;
        if (sep == ',' && comma_row == nullptr) comma_row = &r, comma_cell = c;
        if (sep == '.' && dot_row == nullptr) dot_row = &r, dot_cell = c;
      }
    if (comma_row != nullptr && dot_row != nullptr) {
      t.decimal = ',';
      return make_errorf("csv_mixed_decimal",
                         "{}: \"{}\" has a decimal comma but line {} has \"{}\" with a decimal "
                         "point; save the file with one decimal separator",
                         t.at(*comma_row, comma_cell), comma_row->cells[comma_cell], dot_row->line,
                         dot_row->cells[dot_cell]);
    }
    t.decimal = comma_row != nullptr ? ',' : '.';
  }
  return t;
}

Result<double> parse_number(std::string_view text, char decimal) {
  const std::string_view s = trim(text);
  char sep = 0;
  const std::string_view seps =
      decimal == 0 ? std::string_view(".,") : std::string_view(&decimal, 1);
  if (!scan_number(s, seps, sep))
    return make_errorf("not_a_number",
                       "\"{}\" is not a number (write 1.75 or 1,75; no thousands separators)",
                       text);
  double v = 0;
  if (!to_double(s, sep, v) || !std::isfinite(v))
    return make_errorf("not_a_number", "\"{}\" is out of range", text);
  return v;
}

}  // namespace odyo::csv
