#include "analysis/evaluation/partition.hpp"

#include <algorithm>
#include <optional>
#include <set>

#include "analysis/core/error_text.hpp"

namespace odyo::evaluation {
namespace {

struct Candidate {
  Value value;
  Error text;  // "91 (any value between 90 and 92)", a message (translated where shown)
};

std::string where(const Source& s) {
  return s.file + ":" + std::to_string(s.line);
}

Error column_text(const std::optional<Column>& c) {
  return c ? make_errorf({}, "column {}", column_name(*c))
           : make_error({}, "no column (finding absent)");
}

std::vector<Candidate> candidates_for(const Domain& d, const Ek2Rule& rule) {
  std::vector<Candidate> out;
  if (d.yes_no) return {{Value{false}, make_error({}, "no")}, {Value{true}, make_error({}, "yes")}};
  if (!d.values.empty()) {
    for (const auto& w : d.values) out.push_back({Value{w}, make_errorf({}, "\"{}\"", w)});
    return out;
  }
  std::set<double> points{*d.min, *d.max};
  for (const auto& row : rule.rows)
    for (const auto& conj : row.when)
      for (const auto& cl : conj) {
        if (cl.input != d.input) continue;
        for (const auto& b : {cl.test.gt, cl.test.ge, cl.test.lt, cl.test.le})
          if (b && *b > *d.min && *b < *d.max) points.insert(*b);
      }
  std::vector<double> p(points.begin(), points.end());
  for (std::size_t i = 0; i < p.size(); ++i) {
    out.push_back({Value{p[i]}, error_text::arg(format_number(p[i]))});
    if (i + 1 < p.size()) {
      const double mid = (p[i] + p[i + 1]) / 2.0;
      out.push_back(
          {Value{mid}, make_errorf({}, "{} (any value between {} and {})", format_number(mid),
                                   format_number(p[i]), format_number(p[i + 1]))});
    }
  }
  return out;
}

// "input = value, input = value" of one point of the rule's domain, as a message.
Error point_text(const Ek2Rule& rule, const std::vector<std::vector<Candidate>>& axes,
                 const std::vector<std::size_t>& idx) {
  std::optional<Error> ex;
  for (std::size_t a = 0; a < axes.size(); ++a) {
    const Error one = make_errorf({}, "{} = {}", rule.domain[a].input, axes[a][idx[a]].text);
    ex = ex ? make_errorf({}, "{}, {}", *ex, one) : one;
  }
  return ex ? *ex : error_text::arg("");
}

}  // namespace

Result<void> check_partition(const Ek2Rule& rule) {
  // "FILE:LINE: rule CITATION (ID)", the start of every message about the rule.
  const Error head =
      make_errorf({}, "{}: rule {} ({})", where(rule.source), rule.citation, rule.id);
  if (rule.domain.empty()) {
    return make_errorf("rule_domain",
                       "{}: no [domain] given, so the rows cannot be checked; add the range of "
                       "every input the rows read",
                       head);
  }
  std::set<std::string> in_domain;
  for (const auto& d : rule.domain) {
    in_domain.insert(d.input);
    if (d.values.empty() && !d.yes_no && (!d.min || !d.max || !(*d.min < *d.max))) {
      return make_errorf("rule_domain", "{}: domain of {} needs min < max (or a list of values)",
                         head, d.input);
    }
  }
  for (const auto& row : rule.rows)
    for (const auto& conj : row.when)
      for (const auto& cl : conj)
        if (in_domain.count(cl.input) == 0) {
          return make_errorf("rule_domain",
                             "{}: row {} reads {}, which has no range in the rule's [domain]; "
                             "add it",
                             where(row.source), row.citation, cl.input);
        }

  std::vector<std::vector<Candidate>> axes;
  std::size_t total = 1;
  for (const auto& d : rule.domain) {
    axes.push_back(candidates_for(d, rule));
    total *= axes.back().size();
    if (total > 2'000'000) {
      return make_errorf("rule_domain", "{}: too many cells to check (> 2 000 000); split the rule",
                         head);
    }
  }

  std::vector<std::size_t> idx(axes.size(), 0);
  Inputs point;
  for (std::size_t n = 0; n < total; ++n) {
    point.clear();
    for (std::size_t a = 0; a < axes.size(); ++a)
      point[rule.domain[a].input] = axes[a][idx[a]].value;

    const Row* first = nullptr;
    for (const auto& row : rule.rows) {
      auto r = holds(row.when, point);
      if (!r || !*r) continue;
      if (first == nullptr) {
        first = &row;
      } else if (row.column != first->column) {
        const Error ex = point_text(rule, axes, idx);
        return make_errorf("rule_overlap",
                           "{}: overlap: rows {} (line {}, {}) and {} (line {}, {}) both cover {}; "
                           "narrow one of them so each point falls in exactly one column",
                           head, first->citation, first->source.line, column_text(first->column),
                           row.citation, row.source.line, column_text(row.column), ex);
      }
    }
    if (first == nullptr) {
      const Error ex = point_text(rule, axes, idx);
      return make_errorf("rule_hole",
                         "{}: hole: no row covers {}; widen a row or add one so every point has a "
                         "column",
                         head, ex);
    }

    for (std::size_t a = axes.size(); a-- > 0;) {  // odometer
      if (++idx[a] < axes[a].size()) break;
      idx[a] = 0;
    }
  }
  return {};
}

}  // namespace odyo::evaluation
