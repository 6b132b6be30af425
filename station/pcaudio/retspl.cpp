#include "station/pcaudio/retspl.hpp"

#include "analysis/core/csv.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

#include "analysis/core/error_text.hpp"
#include "station/core/input.hpp"

namespace odyo::station::pcaudio {
Result<RetsplTable> RetsplTable::load(const std::filesystem::path& file) {
  auto text = read_input_file(file);
  if (!text)
    return make_errorf("retspl_missing",
                       "{} (the RETSPL table: check `retspl_file` in the calibration file)",
                       text.error());
  auto t = parse(*text, file.string());
  if (t) t->file_ = file;
  return t;
}

Result<RetsplTable> RetsplTable::parse(const std::string& text, const std::string& name) {
  RetsplTable t;
  csv::Options o;
  o.delimiter = ',';
  o.decimal = '.';
  auto table = csv::parse(text, name, o);
  if (!table) {
    Error e = table.error();
    e.code = "retspl_bad_row";
    return e;
  }
  const std::vector<std::string> header{"transducer", "coupler_or_simulator", "hz", "retspl_db"};
  if (table->rows.empty() || table->rows.front().line != 1 ||
      table->rows.front().cells.size() < header.size() ||
      !std::equal(header.begin(), header.end(), table->rows.front().cells.begin()))
    return make_errorf(
        "retspl_bad_header",
        "{}: the first line must be `transducer,coupler_or_simulator,hz,retspl_db,source`", name);
  for (std::size_t i = 1; i < table->rows.size(); ++i) {
    const csv::Row& row = table->rows[i];
    const auto& f = row.cells;
    const std::string line_no = std::to_string(row.line);
    if (f.size() != 5)
      return make_errorf("retspl_bad_row",
                         "{} line {}: expected 5 comma-separated fields, found {}", name, line_no,
                         f.size());
    RetsplRow r{f[0], f[1], 0, 0.0, f[4]};
    auto hz = table->integer(row, 2, "frequency in Hz");
    if (!hz || *hz <= 0 || *hz > 100000)
      return make_errorf("retspl_bad_row", "{} line {}: frequency \"{}\" is not a positive integer",
                         name, line_no, f[2]);
    r.frequency_hz = static_cast<int>(*hz);
    auto db = table->number(row, 3, "RETSPL in dB");
    if (!db || !std::isfinite(*db))
      return make_errorf("retspl_bad_row", "{} line {}: RETSPL \"{}\" is not a number", name,
                         line_no, f[3]);
    r.retspl_db = *db;
    if (t.lookup(r.transducer, r.coupler, r.frequency_hz))
      return make_errorf("retspl_duplicate", "{} line {}: a second value for {} on {} at {} Hz",
                         name, line_no, r.transducer, r.coupler, f[2]);
    t.rows_.push_back(std::move(r));
  }
  if (t.rows_.empty()) return make_errorf("retspl_empty", "{} has no RETSPL rows", name);
  return t;
}

bool RetsplTable::has_transducer(const std::string& transducer, const std::string& coupler) const {
  for (const auto& r : rows_)
    if (r.transducer == transducer && r.coupler == coupler) return true;
  return false;
}

std::optional<double> RetsplTable::lookup(const std::string& transducer, const std::string& coupler,
                                          int frequency_hz) const {
  for (const auto& r : rows_)
    if (r.transducer == transducer && r.coupler == coupler && r.frequency_hz == frequency_hz)
      return r.retspl_db;
  return std::nullopt;
}

}  // namespace odyo::station::pcaudio
