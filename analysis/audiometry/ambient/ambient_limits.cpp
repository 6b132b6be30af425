#include "analysis/audiometry/ambient/ambient_limits.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <set>

#include "analysis/core/csv.hpp"
#include "analysis/core/error_text.hpp"

namespace odyo::audiometry::ambient {
namespace {

template <typename T>
std::optional<T> parse_number(std::string_view s) {
  T v{};
  const auto* end = s.data() + s.size();
  auto [p, ec] = std::from_chars(s.data(), end, v);
  if (ec != std::errc{} || p != end) return std::nullopt;
  return v;
}

}  // namespace

Result<AmbientLimits> AmbientLimits::parse_csv(std::string_view text, const std::string& table) {
  AmbientLimits t;
  t.name_ = table;
  auto bad = [](std::size_t line_no, const Error& what) {
    return make_errorf("bad_ambient_table", "ambient-noise limits, line {}: {}", line_no, what);
  };
  std::set<std::string> tables;
  csv::Options o;
  o.delimiter = ',';
  o.decimal = '.';
  o.comments = true;
  auto parsed = csv::parse(text, "ambient-noise limits", o);
  if (!parsed) {
    Error e = parsed.error();
    e.code = "bad_ambient_table";
    return e;
  }
  std::size_t line_no = 0;
  bool header_seen = false;
  for (const auto& row : parsed->rows) {
    line_no = static_cast<std::size_t>(row.line);
    const auto& cells = row.cells;
    if (!header_seen) {
      if (cells.size() != 5 || cells[0] != "table" || cells[1] != "band_hz" ||
          cells[2] != "max_db_spl" || cells[3] != "citation" || cells[4] != "url")
        return bad(line_no,
                   make_error({}, "the header must be table,band_hz,max_db_spl,citation,url"));
      header_seen = true;
      continue;
    }
    if (cells.size() != 5)
      return bad(line_no, make_errorf({}, "expected 5 cells, found {}", cells.size()));
    tables.insert(cells[0]);
    const auto hz = parse_number<int>(cells[1]);
    if (!hz || *hz <= 0)
      return bad(line_no, make_errorf({}, "band_hz \"{}\" is not a frequency", cells[1]));
    const auto limit = parse_number<double>(cells[2]);
    if (!limit || !std::isfinite(*limit))
      return bad(line_no, make_errorf({}, "max_db_spl \"{}\" is not a number", cells[2]));
    if (cells[3].empty() || cells[4].empty())
      return bad(line_no, make_error({}, "every limit needs its citation and URL"));
    if (cells[0] != table) continue;
    if (t.limit_at(*hz))
      return bad(line_no, make_errorf({}, "{} Hz appears twice in {}", *hz, table));
    t.rows_.push_back({*hz, *limit, cells[3], cells[4]});
  }
  if (!header_seen) return bad(line_no, make_error({}, "no header; the file is empty"));
  if (t.rows_.empty()) {
    std::string known;
    for (const auto& n : tables) known += (known.empty() ? "" : ", ") + n;
    return make_errorf("ambient_table_unknown",
                       "ambient-noise limits table \"{}\" is unknown; allowed: {}", table, known);
  }
  return t;
}

std::optional<double> AmbientLimits::limit_at(int band_hz) const {
  for (const auto& r : rows_)
    if (r.band_hz == band_hz) return r.max_db_spl;
  return std::nullopt;
}

const BandVerdict* AmbientVerdict::first_exceeded() const {
  for (const auto& b : bands)
    if (!b.pass) return &b;
  return nullptr;
}

AmbientVerdict compare_with_limits(const std::vector<BandLevel>& levels,
                                   const AmbientLimits& limits) {
  AmbientVerdict v;
  v.table = limits.name();
  for (const auto& l : levels) {
    BandVerdict b;
    b.centre_hz = l.centre_hz;
    b.level_db_spl = l.level_db_spl;
    b.limit_db_spl = limits.limit_at(l.centre_hz);
    if (b.limit_db_spl) {
      b.margin_db = *b.limit_db_spl - l.level_db_spl;
      b.pass = l.level_db_spl <= *b.limit_db_spl;
    }
    v.pass = v.pass && b.pass;
    v.bands.push_back(b);
  }
  for (const auto& r : limits.rows()) {
    const bool measured = std::any_of(levels.begin(), levels.end(),
                                      [&](const BandLevel& l) { return l.centre_hz == r.band_hz; });
    if (!measured) v.not_compared_hz.push_back(r.band_hz);
  }
  return v;
}

}  // namespace odyo::audiometry::ambient
