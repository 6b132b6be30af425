#include "analysis/evaluation/model.hpp"

#include <cmath>
#include <cstdio>

namespace odyo::evaluation {

std::optional<Column> parse_column(std::string_view text) {
  if (text == "A") return Column::A;
  if (text == "B") return Column::B;
  if (text == "C") return Column::C;
  if (text == "D") return Column::D;
  return std::nullopt;
}

const char* column_name(Column c) {
  switch (c) {
    case Column::A:
      return "A";
    case Column::B:
      return "B";
    case Column::C:
      return "C";
    case Column::D:
      return "D";
  }
  return "?";
}

std::optional<Purpose> parse_purpose(std::string_view text) {
  if (text == "new-hire") return Purpose::NewHire;
  if (text == "re-hire") return Purpose::ReHire;
  if (text == "job-change") return Purpose::JobChange;
  if (text == "going-underground") return Purpose::GoingUnderground;
  if (text == "return-after-absence" || text == "return") return Purpose::ReturnAfterAbsence;
  if (text == "periodic") return Purpose::Periodic;
  return std::nullopt;
}

const char* purpose_list() {
  return "new-hire, re-hire, job-change, going-underground, return-after-absence, periodic";
}

const char* purpose_name(Purpose p) {
  switch (p) {
    case Purpose::NewHire:
      return "new-hire";
    case Purpose::ReHire:
      return "re-hire";
    case Purpose::JobChange:
      return "job-change";
    case Purpose::GoingUnderground:
      return "going-underground";
    case Purpose::ReturnAfterAbsence:
      return "return-after-absence";
    case Purpose::Periodic:
      return "periodic";
  }
  return "?";
}

std::optional<bool> Test::holds(const Value& v) const {
  if (numeric()) {
    const auto* d = std::get_if<double>(&v);
    if (d == nullptr || !std::isfinite(*d)) return std::nullopt;
    const double x = *d;
    if (gt && !(x > *gt)) return false;
    if (ge && !(x >= *ge)) return false;
    if (lt && !(x < *lt)) return false;
    if (le && !(x <= *le)) return false;
    return true;
  }
  if (eq_bool) {
    const auto* b = std::get_if<bool>(&v);
    if (b == nullptr) return std::nullopt;
    return *b == *eq_bool;
  }
  if (!in.empty()) {
    const auto* s = std::get_if<std::string>(&v);
    if (s == nullptr) return std::nullopt;
    for (const auto& w : in)
      if (w == *s) return true;
    return false;
  }
  return true;  // an empty test holds for any present value
}

std::string Test::describe(bool turkish) const {
  std::string s;
  auto add = [&s, turkish](const char* op, double x) {
    if (!s.empty()) s += turkish ? " ve " : " and ";
    s += op;
    s += format_number(x);
  };
  if (gt) add("> ", *gt);
  if (ge) add("≥ ", *ge);
  if (lt) add("< ", *lt);
  if (le) add("≤ ", *le);
  if (eq_bool) s += "= " + format_value(Value{*eq_bool}, turkish);
  if (!in.empty()) {
    s += "∈ {";
    for (std::size_t i = 0; i < in.size(); ++i) s += (i ? ", " : "") + in[i];
    s += "}";
  }
  return s;
}

std::optional<bool> holds(const Conjunction& c, const Inputs& in) {
  bool unknown = false;
  for (const auto& clause : c) {
    auto it = in.find(clause.input);
    static const Value kMissing{};
    const Value& v = it == in.end() ? kMissing : it->second;
    auto r = clause.test.holds(v);
    if (!r) {
      unknown = true;
    } else if (!*r) {
      return false;
    }
  }
  if (unknown) return std::nullopt;
  return true;
}

std::optional<bool> holds(const Condition& c, const Inputs& in) {
  bool unknown = false;
  for (const auto& conj : c) {
    auto r = holds(conj, in);
    if (!r) {
      unknown = true;
    } else if (*r) {
      return true;
    }
  }
  if (unknown) return std::nullopt;
  return false;
}

bool Job::attribute(std::string_view name) const {
  if (name == "noisy") return noisy;
  if (name == "dusty") return dusty;
  if (name == "heavy_load") return heavy_load;
  return false;
}

const Restriction* RuleSet::restriction(std::string_view id) const {
  for (const auto& r : restrictions)
    if (r.id == id) return &r;
  return nullptr;
}

const Job* RuleSet::job(std::string_view code) const {
  for (const auto& j : jobs)
    if (j.code == code) return &j;
  return nullptr;
}

std::string format_number(double v) {
  if (!std::isfinite(v)) return "?";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  std::string s(buf);
  while (!s.empty() && s.back() == '0') s.pop_back();
  if (!s.empty() && s.back() == '.') s.pop_back();
  if (s == "-0") s = "0";
  return s;
}

std::string format_value(const Value& v) {
  return format_value(v, false);
}

std::string format_value(const Value& v, bool turkish) {
  if (const auto* d = std::get_if<double>(&v)) return format_number(*d);
  if (const auto* b = std::get_if<bool>(&v))
    return *b ? (turkish ? "evet" : "yes") : (turkish ? "hayır" : "no");
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  return "?";
}

}  // namespace odyo::evaluation
