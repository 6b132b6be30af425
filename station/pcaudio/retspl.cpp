#include "station/pcaudio/retspl.hpp"

#include <charconv>
#include <fstream>
#include <sstream>

#include "station/core/input.hpp"

namespace odyo::station::pcaudio {
namespace {

std::vector<std::string> split(const std::string& line, char sep) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : line) {
    if (c == sep) {
      out.push_back(cur);
      cur.clear();
    } else if (c != '\r') {
      cur += c;
    }
  }
  out.push_back(cur);
  return out;
}

}  // namespace

Result<RetsplTable> RetsplTable::load(const std::filesystem::path& file) {
  auto text = read_input_file(file);
  if (!text)
    return make_error("retspl_missing", text.error().message +
                                            " (the RETSPL table: check `retspl_file` in the "
                                            "calibration file)");
  auto t = parse(*text, file.string());
  if (t) t->file_ = file;
  return t;
}

Result<RetsplTable> RetsplTable::parse(const std::string& text, const std::string& name) {
  RetsplTable t;
  std::istringstream in(text);
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (line_no == 1) {
      if (line.rfind("transducer,coupler_or_simulator,hz,retspl_db", 0) != 0)
        return make_error("retspl_bad_header",
                          name +
                              ": the first line must be "
                              "`transducer,coupler_or_simulator,hz,retspl_db,source`");
      continue;
    }
    if (line.empty() || line == "\r") continue;
    const auto f = split(line, ',');
    if (f.size() != 5)
      return make_error("retspl_bad_row", name + " line " + std::to_string(line_no) +
                                              ": expected 5 comma-separated fields, found " +
                                              std::to_string(f.size()));
    RetsplRow r{f[0], f[1], 0, 0.0, f[4]};
    const auto* b = f[2].data();
    if (auto [p, ec] = std::from_chars(b, b + f[2].size(), r.frequency_hz);
        ec != std::errc{} || p != b + f[2].size() || r.frequency_hz <= 0)
      return make_error("retspl_bad_row", name + " line " + std::to_string(line_no) +
                                              ": frequency \"" + f[2] +
                                              "\" is not a positive integer");
    try {
      std::size_t used = 0;
      r.retspl_db = std::stod(f[3], &used);
      if (used != f[3].size()) throw std::invalid_argument(f[3]);
    } catch (const std::exception&) {
      return make_error("retspl_bad_row", name + " line " + std::to_string(line_no) +
                                              ": RETSPL \"" + f[3] + "\" is not a number");
    }
    if (t.lookup(r.transducer, r.coupler, r.frequency_hz))
      return make_error("retspl_duplicate", name + " line " + std::to_string(line_no) +
                                                ": a second value for " + r.transducer + " on " +
                                                r.coupler + " at " + f[2] + " Hz");
    t.rows_.push_back(std::move(r));
  }
  if (t.rows_.empty()) return make_error("retspl_empty", name + " has no RETSPL rows");
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
