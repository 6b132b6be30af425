#include "analysis/audiometry/threshold_shift.hpp"

#include <algorithm>
#include <charconv>
#include <set>
#include <string>
#include <vector>

#include "analysis/core/csv.hpp"
#include "analysis/core/error_text.hpp"

namespace odyo::audiometry {

namespace {

std::optional<int> to_int(std::string_view s) {
  int v = 0;
  const char* end = s.data() + s.size();
  auto [ptr, ec] = std::from_chars(s.data(), end, v);
  if (ec != std::errc{} || ptr != end || s.empty()) return std::nullopt;
  return v;
}

Result<const ThresholdPoint*> sts_point(const ThresholdCurve& c, int hz, const Error& which) {
  auto it = c.find(hz);
  if (it == c.end() || !it->second.tested()) {
    return make_errorf("frequency_not_tested",
                       "the {} audiogram has no air-conduction threshold at {} Hz; a threshold "
                       "shift needs 2000, 3000 and 4000 Hz in both",
                       which, hz);
  }
  return &it->second;
}

}  // namespace

std::string_view to_string(Sex s) {
  return s == Sex::male ? "M" : "F";
}

std::string_view to_string(RevisionReason r) {
  switch (r) {
    case RevisionReason::none:
      return "none";
    case RevisionReason::persistent_shift:
      return "persistent_shift";
    case RevisionReason::improvement:
      return "improvement";
  }
  return "?";
}

Result<AgeCorrectionTable> AgeCorrectionTable::parse_csv(std::string_view text, std::string name) {
  AgeCorrectionTable t;
  t.name_ = std::move(name);
  auto bad = [&](std::size_t line_no, const Error& what) {
    return make_errorf("bad_age_table", "age-correction table {}, line {}: {}", t.name_, line_no,
                       what);
  };
  std::vector<int> columns_hz;
  std::size_t line_no = 0;
  bool header_seen = false;
  std::map<Sex, std::vector<int>> ages;
  csv::Options o;
  o.delimiter = ',';
  o.decimal = '.';
  o.comments = true;
  auto parsed = csv::parse(text, "age-correction table " + t.name_, o);
  if (!parsed) {
    Error e = parsed.error();
    e.code = "bad_age_table";
    return e;
  }
  for (const auto& csv_row : parsed->rows) {
    line_no = static_cast<std::size_t>(csv_row.line);
    const std::vector<std::string>& cells = csv_row.cells;
    if (!header_seen) {
      if (cells.size() < 3 || cells[0] != "sex" || cells[1] != "age") {
        return bad(line_no, make_error({}, "the header must start with sex,age,hz<frequency>"));
      }
      for (std::size_t i = 2; i < cells.size(); ++i) {
        const std::string_view c = cells[i];
        auto hz = c.substr(0, 2) == "hz" ? to_int(c.substr(2)) : std::nullopt;
        if (!hz)
          return bad(line_no, make_errorf({}, "column \"{}\" is not hz<frequency>", cells[i]));
        columns_hz.push_back(*hz);
      }
      for (int need : kStsFrequenciesHz) {
        if (std::find(columns_hz.begin(), columns_hz.end(), need) == columns_hz.end()) {
          return bad(line_no, make_errorf({}, "no column for {} Hz", need));
        }
      }
      header_seen = true;
      continue;
    }
    if (cells.size() != columns_hz.size() + 2) {
      return bad(line_no, make_errorf({}, "expected {} cells, found {}", columns_hz.size() + 2,
                                      cells.size()));
    }
    Sex sex;
    if (cells[0] == "M") {
      sex = Sex::male;
    } else if (cells[0] == "F") {
      sex = Sex::female;
    } else {
      return bad(line_no, make_error({}, "sex must be M or F"));
    }
    const auto age = to_int(cells[1]);
    if (!age || *age < 0 || *age > 120)
      return bad(line_no, make_error({}, "age is not a whole number of years"));
    std::map<int, int> row;
    for (std::size_t i = 0; i < columns_hz.size(); ++i) {
      const auto v = to_int(cells[i + 2]);
      if (!v || *v < 0 || *v > 100)
        return bad(line_no, make_error({}, "value is not a whole number of dB"));
      row[columns_hz[i]] = *v;
    }
    auto& seen = ages[sex];
    if (!seen.empty() && *age != seen.back() + 1) {
      return bad(line_no, make_errorf({}, "ages must be consecutive (after {})", seen.back()));
    }
    if (!seen.empty()) {
      const auto& prev = t.rows_.at({sex, seen.back()});
      for (const auto& [hz, v] : row) {
        if (v < prev.at(hz)) {
          return bad(line_no, make_errorf({}, "the {} Hz allowance falls with age", hz));
        }
      }
    }
    seen.push_back(*age);
    t.rows_[{sex, *age}] = std::move(row);
  }
  if (!header_seen || ages[Sex::male].empty() || ages[Sex::female].empty()) {
    return bad(line_no, make_error({}, "the table needs rows for both M and F"));
  }
  if (ages[Sex::male].front() != ages[Sex::female].front() ||
      ages[Sex::male].back() != ages[Sex::female].back()) {
    return bad(line_no, make_error({}, "M and F rows must cover the same ages"));
  }
  t.min_age_ = ages[Sex::male].front();
  t.max_age_ = ages[Sex::male].back();
  return t;
}

Result<int> AgeCorrectionTable::value_db(Sex sex, int age_years, int frequency_hz) const {
  const int age = std::clamp(age_years, min_age_, max_age_);
  const auto& row = rows_.at({sex, age});
  auto it = row.find(frequency_hz);
  if (it == row.end()) {
    return make_errorf("bad_age_table", "age-correction table {} has no {} Hz column", name_,
                       frequency_hz);
  }
  return it->second;
}

Result<EarShift> threshold_shift(const ThresholdCurve& baseline_air,
                                 const ThresholdCurve& current_air, const AgeContext* age) {
  EarShift s;
  double sum_shift = 0.0;
  double sum_current = 0.0;
  std::array<int, 3> allowance{};
  for (std::size_t i = 0; i < kStsFrequenciesHz.size(); ++i) {
    const int hz = kStsFrequenciesHz[i];
    auto b = sts_point(baseline_air, hz, make_error({}, "baseline"));
    if (!b) return b.error();
    auto c = sts_point(current_air, hz, make_error({}, "current"));
    if (!c) return c.error();
    if ((*b)->no_response()) {
      return make_errorf("baseline_no_response",
                         "the baseline has no response at {} Hz, so a shift from it is unknown; "
                         "choose a baseline with a measured threshold there",
                         hz);
    }
    s.includes_no_response = s.includes_no_response || (*c)->no_response();
    s.shift_db[i] = (*c)->level_db_hl - (*b)->level_db_hl;
    sum_shift += s.shift_db[i];
    sum_current += (*c)->level_db_hl;
    if (age) {
      if (!age->table) return make_error("no_age_table", "age correction needs a table");
      auto now = age->table->value_db(age->sex, age->current_age_years, hz);
      if (!now) return now.error();
      auto then = age->table->value_db(age->sex, age->baseline_age_years, hz);
      if (!then) return then.error();
      allowance[i] = *now - *then;
    }
  }
  s.mean_shift_db = sum_shift / 3.0;
  s.sts = s.mean_shift_db >= kStsMeanShiftDb;
  s.current_mean_db_hl = sum_current / 3.0;
  const bool loud_enough = s.current_mean_db_hl >= kRecordableMeanDbHl;
  s.recordable_uncorrected = s.sts && loud_enough;
  if (age) {
    if (age->current_age_years < age->baseline_age_years) {
      return make_errorf("bad_age",
                         "the current age ({}) is below the age at baseline ({}); check both "
                         "tests' dates of birth and dates",
                         std::to_string(age->current_age_years),
                         std::to_string(age->baseline_age_years));
    }
    s.allowance_db = allowance;
    s.mean_shift_corrected_db =
        s.mean_shift_db - (allowance[0] + allowance[1] + allowance[2]) / 3.0;
    s.sts_corrected = *s.mean_shift_corrected_db >= kStsMeanShiftDb;
    s.recordable_corrected = *s.sts_corrected && loud_enough;
    s.age_table = age->table->name();
  }
  return s;
}

Result<ShiftReport> threshold_shift(const Audiogram& baseline, const Audiogram& current,
                                    const AgeContext* age) {
  ShiftReport r;
  for (Ear e : {Ear::right, Ear::left}) {
    auto s = threshold_shift(baseline.ear(e).air, current.ear(e).air, age);
    if (!s) {
      return make_errorf(s.error().code, "{} ear: {}", word(e), s.error());
    }
    (e == Ear::right ? r.right : r.left) = std::move(s).value();
  }
  return r;
}

Result<RevisionProposal> propose_baseline_revision(const ThresholdCurve& baseline_air,
                                                   std::span<const ThresholdCurve> later,
                                                   const RevisionParams& p) {
  if (p.persistence_count < 1) {
    return make_error("bad_parameter", "persistence_count must be at least 1");
  }
  RevisionProposal out;
  const auto n = static_cast<int>(later.size());
  if (n < p.persistence_count) {
    out.why = "fewer audiograms since the baseline than needed to show persistence";
    return out;
  }
  bool all_shift = true;
  bool all_better = true;
  int best = -1;
  double best_mean = 0.0;
  for (int i = n - p.persistence_count; i < n; ++i) {
    auto s = threshold_shift(baseline_air, later[static_cast<std::size_t>(i)]);
    if (!s) return s.error();
    all_shift = all_shift && s->sts;
    all_better = all_better && s->mean_shift_db <= -p.improvement_db;
    if (best < 0 || s->current_mean_db_hl <= best_mean) {
      best = i;
      best_mean = s->current_mean_db_hl;
    }
  }
  const std::string count = std::to_string(p.persistence_count);
  if (all_shift) {
    out.reason = RevisionReason::persistent_shift;
    out.why = "a standard threshold shift is present on the latest " + count +
              " audiograms (persistent); the one with the best 2/3/4 kHz mean is proposed";
  } else if (all_better) {
    out.reason = RevisionReason::improvement;
    out.why = "the 2/3/4 kHz mean improved by at least " + std::to_string(p.improvement_db) +
              " dB on the latest " + count + " audiograms; the best of them is proposed";
  } else {
    out.why = "no persistent shift and no persistent improvement";
    return out;
  }
  out.new_baseline_index = best;
  out.new_baseline_mean_db_hl = best_mean;
  return out;
}

}  // namespace odyo::audiometry
