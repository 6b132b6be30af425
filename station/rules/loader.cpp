// The rule-table loader. toml++ reports syntax errors by exception and the schema walk below
// (station/core/toml_schema) stops at the first problem by throwing SchemaError; both are converted
// to Result at the boundary of each parse_* function and never escape this file.
#include "station/rules/loader.hpp"

#include "analysis/core/error_text.hpp"
#include "station/core/input.hpp"
#include "station/core/person_input.hpp"
#include "station/core/toml_schema.hpp"
#include "station/rules/jobs_csv.hpp"
#include "station/storage/hash.hpp"

#include <toml++/toml.h>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <set>
#include <sstream>

#include "analysis/evaluation/partition.hpp"
#include "station/core/with_code.hpp"

namespace odyo::station::rules {
namespace ev = odyo::evaluation;
namespace {

using LoadError = toml_schema::SchemaError;
using toml_schema::fail;
using toml_schema::join;
using toml_schema::line_of;

// A table of a rule file: its schema problems are "rules_schema".
class Table : public toml_schema::Table {
 public:
  Table(const toml::table& t, std::string file, std::string path)
      : toml_schema::Table(t, std::move(file), std::move(path), "rules_schema") {}
};

const std::vector<std::string> kInputPrefixes{"hearing.",   "spirometry.",   "findings.",
                                              "checklist.", "derived.",      "systems.",
                                              "absence.",   "special_exam.", "restriction."};

void check_input_name(const Table& where, const toml::node& at, const std::string& name) {
  for (const auto& p : kInputPrefixes)
    if (name.rfind(p, 0) == 0 && name.size() > p.size()) return;
  where.error(
      at, "\"" + name + "\"",
      make_errorf({}, "unknown input name; an input starts with one of: {}", join(kInputPrefixes)));
}

ev::Test parse_test(const toml::node& n, const Table& parent, const std::string& input) {
  const auto* t = n.as_table();
  if (t == nullptr)
    parent.error(n, "\"" + input + "\"",
                 make_error({}, "must be a test table such as { ge = 80 }"));
  Table tt(*t, parent.file(), parent.qualify("\"" + input + "\""));
  ev::Test test;
  auto num = [&](const char* key) -> std::optional<double> {
    const toml::node* v = tt.get(key, false);
    if (v == nullptr) return std::nullopt;
    auto d = v->value<double>();
    if (!d || !v->is_number()) tt.error(*v, key, make_error({}, "must be a number"));
    if (!std::isfinite(*d))
      tt.error(*v, key, make_error({}, "must be a finite number, not nan or inf"));
    return *d;
  };
  test.gt = num("gt");
  test.ge = num("ge");
  test.lt = num("lt");
  test.le = num("le");
  if (const toml::node* v = tt.get("eq", false)) {
    auto b = v->value_exact<bool>();
    if (!b) tt.error(*v, "eq", make_error({}, "must be true or false"));
    test.eq_bool = *b;
  }
  test.in = tt.strings("in", false);
  tt.finish({"gt", "ge", "lt", "le", "eq", "in"});
  const int kinds = (test.numeric() ? 1 : 0) + (test.eq_bool ? 1 : 0) + (test.in.empty() ? 0 : 1);
  if (kinds == 0) tt.error_here(make_error({}, "empty test; give gt/ge/lt/le, eq or in"));
  if (kinds > 1)
    tt.error_here(make_error({}, "mixes number bounds, eq and in; use one kind per input"));
  if (test.gt && test.ge)
    tt.error_here(make_error({}, "gives both gt and ge; keep one lower bound"));
  if (test.lt && test.le)
    tt.error_here(make_error({}, "gives both lt and le; keep one upper bound"));
  const auto lo = test.gt ? test.gt : test.ge;
  const auto hi = test.lt ? test.lt : test.le;
  if (lo && hi && (*lo > *hi || (*lo == *hi && (test.gt || test.lt))))
    tt.error_here(
        make_errorf({}, "the bounds leave no value (lower {}, upper {}); this test never holds",
                    ev::format_number(*lo), ev::format_number(*hi)));
  return test;
}

ev::Conjunction parse_conjunction(const toml::table& t, const Table& parent,
                                  const std::string& path) {
  Table ct(t, parent.file(), path);
  ev::Conjunction c;
  for (auto&& [k, v] : t) {
    const std::string name(k.str());
    check_input_name(ct, v, name);
    c.push_back({name, parse_test(v, ct, name)});
    ct.get(name, false);
  }
  if (c.empty()) ct.error_here(make_error({}, "empty condition; name at least one input test"));
  return c;
}

ev::Condition parse_condition(Table& t, const std::string& key) {
  ev::Condition cond;
  const auto parts = t.tables(key, true);
  if (parts.empty())
    t.error_here(make_errorf({}, "'{}' is empty; give at least one alternative", key));
  for (std::size_t i = 0; i < parts.size(); ++i)
    cond.push_back(parse_conjunction(*parts[i], t, t.qualify(key + "[" + std::to_string(i) + "]")));
  return cond;
}

void check_reads(const Table& t, const toml::node& at, const ev::Condition& cond,
                 const std::vector<std::string>& inputs, const std::string& field) {
  for (const auto& conj : cond)
    for (const auto& cl : conj)
      if (std::find(inputs.begin(), inputs.end(), cl.input) == inputs.end())
        t.error(
            at, field,
            make_errorf({}, "reads {}, which is not listed in the rule's 'inputs'; add it there",
                        cl.input));
}

ev::TableInfo parse_table_info(Table& top, const std::string& expected_name,
                               std::vector<std::string> extra_keys, Table** keep = nullptr) {
  (void)keep;
  const toml::table* t = top.table("table", true);
  Table tt(*t, top.file(), "table");
  ev::TableInfo info;
  info.name = tt.str("name");
  if (info.name != expected_name)
    tt.error(*tt.get("name", true), "name",
             make_errorf({}, "is \"{}\"; this file must hold the \"{}\" table", info.name,
                         expected_name));
  info.version = tt.str("version");
  if (info.version.empty()) tt.error_here(make_error({}, "version must not be empty"));
  info.effective = tt.date("effective");
  info.source = tt.str("source");
  for (const auto& k : extra_keys) tt.get(k, false);
  std::vector<std::string> allowed{"name", "version", "effective", "source"};
  allowed.insert(allowed.end(), extra_keys.begin(), extra_keys.end());
  tt.finish(allowed);
  return info;
}

template <typename F>
Result<void> guarded(std::string_view text, const std::string& file, F&& body) {
  try {
    toml::table root = toml::parse(text, file);
    body(root);
    return {};
  } catch (const toml::parse_error& e) {
    return make_errorf("rules_syntax", "{}:{}: TOML syntax error: {}; fix the file", file,
                       static_cast<std::int64_t>(e.source().begin.line),
                       std::string(e.description()));
  } catch (const LoadError& e) {
    return e.error;
  }
}

}  // namespace

Result<void> parse_ruleset_header(std::string_view text, const std::string& file,
                                  ev::RuleSet& out) {
  return guarded(text, file, [&](const toml::table& root) {
    Table top(root, file, "");
    Table rt(*top.table("ruleset", true), file, "ruleset");
    out.version = rt.str("version");
    if (out.version.empty()) rt.error_here(make_error({}, "version must not be empty"));
    out.effective = rt.date("effective");
    rt.str("description", false);
    rt.finish({"version", "effective", "description"});
    if (const toml::table* ex = top.table("exams", false)) {
      Table et(*ex, file, "exams");
      const toml::node* n = et.get("max_age_days", true);
      auto d = n->value<double>();
      if (!d || !n->is_number() || *d <= 0)
        et.error(*n, "max_age_days", make_error({}, "must be a positive number of days"));
      out.max_exam_age_days = *d;
      et.finish({"max_age_days"});
    }
    top.finish({"ruleset", "exams"});
  });
}

Result<void> parse_ek1(std::string_view text, const std::string& file, ev::RuleSet& out) {
  return guarded(text, file, [&](const toml::table& root) {
    Table top(root, file, "");
    out.tables.push_back(parse_table_info(top, "ek1", {"applies_to_purposes"}));
    {
      Table tt(*root["table"].as_table(), file, "table");
      for (const auto& p : tt.strings("applies_to_purposes", true)) {
        auto purpose = ev::parse_purpose(p);
        if (!purpose)
          tt.error(*tt.get("applies_to_purposes", true), "applies_to_purposes",
                   make_errorf({}, "\"{}\" is not a purpose; allowed: {}", p, ev::purpose_list()));
        out.ek1_purposes.push_back(*purpose);
      }
    }
    const auto items = top.tables("items", true);
    std::set<std::string> ids;
    for (std::size_t i = 0; i < items.size(); ++i) {
      Table it(*items[i], file, "items[" + std::to_string(i) + "]");
      ev::Ek1Item item;
      item.source = {file, line_of(*items[i])};
      item.id = it.str("id");
      if (!ids.insert(item.id).second)
        it.error(*it.get("id", true), "id", make_errorf({}, "\"{}\" is used twice", item.id));
      item.citation = it.str("citation");
      item.title_tr = it.str("title_tr");
      item.title_en = it.str("title_en");
      item.provisional = it.boolean("provisional", false);
      item.inputs = it.strings("inputs", true);
      for (const auto& in : item.inputs) check_input_name(it, *it.get("inputs", true), in);
      if (const toml::table* a = it.table("applies_if", false))
        item.applies_if = parse_conjunction(*a, it, it.qualify("applies_if"));
      item.require = parse_condition(it, "require");
      check_reads(it, *it.get("require", true), item.require, item.inputs, "require");
      item.explain_tr = it.str("explain_tr");
      item.explain_en = it.str("explain_en");
      it.finish({"id", "citation", "title_tr", "title_en", "provisional", "inputs", "applies_if",
                 "require", "explain_tr", "explain_en"});
      out.ek1.push_back(std::move(item));
    }
    top.finish({"table", "items"});
  });
}

Result<void> parse_ek2(std::string_view text, const std::string& file, ev::RuleSet& out) {
  std::vector<ev::Ek2Rule> parsed;
  auto r = guarded(text, file, [&](const toml::table& root) {
    Table top(root, file, "");
    out.tables.push_back(parse_table_info(top, "ek2", {}));
    const auto rules = top.tables("rules", true);
    std::set<std::string> ids;
    for (std::size_t i = 0; i < rules.size(); ++i) {
      Table rt(*rules[i], file, "rules[" + std::to_string(i) + "]");
      ev::Ek2Rule rule;
      rule.source = {file, line_of(*rules[i])};
      rule.id = rt.str("id");
      if (!ids.insert(rule.id).second)
        rt.error(*rt.get("id", true), "id", make_errorf({}, "\"{}\" is used twice", rule.id));
      rule.citation = rt.str("citation");
      rule.title_tr = rt.str("title_tr");
      rule.title_en = rt.str("title_en");
      rule.provisional = rt.boolean("provisional", false);
      rule.inputs = rt.strings("inputs", true);
      if (rule.inputs.empty())
        rt.error_here(make_error({}, "'inputs' is empty; list the inputs the rows read"));
      for (const auto& in : rule.inputs) check_input_name(rt, *rt.get("inputs", true), in);
      if (const toml::table* a = rt.table("applies_if", false))
        rule.applies_if = parse_conjunction(*a, rt, rt.qualify("applies_if"));
      rule.explain_tr = rt.str("explain_tr");
      rule.explain_en = rt.str("explain_en");

      const auto doms = rt.tables("domain", true);
      for (std::size_t d = 0; d < doms.size(); ++d) {
        Table dt(*doms[d], file, rt.qualify("domain[" + std::to_string(d) + "]"));
        ev::Domain dom;
        dom.input = dt.str("input");
        if (std::find(rule.inputs.begin(), rule.inputs.end(), dom.input) == rule.inputs.end())
          dt.error(*dt.get("input", true), "input",
                   make_errorf({}, "{} is not listed in the rule's 'inputs'", dom.input));
        for (const auto& prev : rule.domain)
          if (prev.input == dom.input)
            dt.error(*dt.get("input", true), "input",
                     make_errorf({}, "{} has two domains", dom.input));
        auto num = [&](const char* key) -> std::optional<double> {
          const toml::node* v = dt.get(key, false);
          if (v == nullptr) return std::nullopt;
          if (!v->is_number()) dt.error(*v, key, make_error({}, "must be a number"));
          if (!std::isfinite(*v->value<double>()))
            dt.error(*v, key, make_error({}, "must be a finite number, not nan or inf"));
          return v->value<double>();
        };
        dom.min = num("min");
        dom.max = num("max");
        if (const toml::node* vals = dt.get("values", false); vals != nullptr) {
          const auto* a = vals->as_array();
          const bool yes_no = a != nullptr && a->size() == 2 && (*a)[0].is_boolean() &&
                              (*a)[1].is_boolean() && (*a)[0].value_exact<bool>() == false &&
                              (*a)[1].value_exact<bool>() == true;
          if (yes_no)
            dom.yes_no = true;
          else
            dom.values = dt.strings("values", false);
        }
        dom.unit = dt.str("unit", false);
        dt.finish({"input", "min", "max", "values", "unit"});
        const bool listed = !dom.values.empty() || dom.yes_no;
        if (!listed && (!dom.min || !dom.max || !(*dom.min < *dom.max)))
          dt.error_here(make_error(
              {},
              "give min < max for a numeric input, values = [...] for a word input, or values = "
              "[false, true] for a yes/no input"));
        if (listed && (dom.min || dom.max))
          dt.error_here(make_error({}, "give either min/max or values, not both"));
        rule.domain.push_back(std::move(dom));
      }
      for (const auto& in : rule.inputs) {
        bool found = false;
        for (const auto& d : rule.domain) found = found || d.input == in;
        if (!found)
          rt.error(*rt.get("domain", true), "domain",
                   make_errorf({}, "no range for input {}; add one", in));
      }

      const auto rows = rt.tables("rows", true);
      if (rows.empty()) rt.error_here(make_error({}, "no rows"));
      for (std::size_t k = 0; k < rows.size(); ++k) {
        Table wt(*rows[k], file, rt.qualify("rows[" + std::to_string(k) + "]"));
        ev::Row row;
        row.source = {file, line_of(*rows[k])};
        row.citation = wt.str("citation");
        const std::string col = wt.str("column");
        if (col != "none") {
          row.column = ev::parse_column(col);
          if (!row.column)
            wt.error(*wt.get("column", true), "column",
                     make_errorf({}, "\"{}\" is not a column; allowed: A, B, C, D, none", col));
        }
        row.provisional = wt.boolean("provisional", false);
        row.label_tr = wt.str("label_tr");
        row.label_en = wt.str("label_en");
        row.when = parse_condition(wt, "when");
        check_reads(wt, *wt.get("when", true), row.when, rule.inputs, "when");
        wt.finish({"citation", "column", "provisional", "label_tr", "label_en", "when"});
        rule.rows.push_back(std::move(row));
      }
      rt.finish({"id", "citation", "title_tr", "title_en", "provisional", "inputs", "applies_if",
                 "explain_tr", "explain_en", "domain", "rows"});
      parsed.push_back(std::move(rule));
    }
    top.finish({"table", "rules"});
  });
  if (!r) return r;
  for (const auto& rule : parsed)
    if (auto p = ev::check_partition(rule); !p) return p.error();
  for (auto& rule : parsed) out.ek2.push_back(std::move(rule));
  return {};
}

Result<void> parse_work_groups(std::string_view text, const std::string& file, ev::RuleSet& out) {
  return guarded(text, file, [&](const toml::table& root) {
    Table top(root, file, "");
    out.tables.push_back(parse_table_info(top, "work-groups", {}));
    Table hg(*top.table("health_groups", true), file, "health_groups");
    for (const char* g : {"A", "B", "C", "D"}) {
      const toml::node* n = hg.get(g, true);
      const auto* a = n->as_array();
      if (a == nullptr || a->empty())
        hg.error(*n, g, make_error({}, "must be a non-empty array of work groups 1..5"));
      std::vector<int> wgs;
      for (const auto& el : *a) {
        auto v = el.value_exact<int64_t>();
        if (!v || *v < 1 || *v > 5) hg.error(el, g, make_error({}, "must hold work groups 1..5"));
        wgs.push_back(static_cast<int>(*v));
      }
      std::sort(wgs.begin(), wgs.end());
      out.work_groups_for[*ev::parse_column(g)] = wgs;
    }
    hg.finish({"A", "B", "C", "D"});
    if (const toml::table* se = top.table("special_exam", false)) {
      Table st(*se, file, "special_exam");
      out.special_exam_citation = st.str("citation");
      st.finish({"citation"});
    }
    const auto jobs = top.tables("jobs", false);
    std::set<std::string> codes;
    for (std::size_t i = 0; i < jobs.size(); ++i) {
      Table jt(*jobs[i], file, "jobs[" + std::to_string(i) + "]");
      ev::Job j;
      j.code = jt.str("code");
      if (j.code.empty()) jt.error_here(make_error({}, "code must not be empty"));
      if (!codes.insert(j.code).second)
        jt.error(*jt.get("code", true), "code", make_errorf({}, "\"{}\" is used twice", j.code));
      j.title_tr = jt.str("title_tr");
      j.title_en = jt.str("title_en");
      j.work_group = jt.integer("work_group", 1, 5);
      j.ek1_required = jt.boolean("ek1_required", false);
      j.noisy = jt.boolean("noisy", false);
      j.dusty = jt.boolean("dusty", false);
      j.special_exam = jt.boolean("special_exam", false);
      j.heavy_load = jt.boolean("heavy_load", false);
      jt.finish({"code", "title_tr", "title_en", "work_group", "ek1_required", "noisy", "dusty",
                 "special_exam", "heavy_load"});
      out.jobs.push_back(std::move(j));
    }
    // Tables written before the [special_exam] table (kept versions) still load; the evaluation
    // then names the table instead of a clause.
    if (out.special_exam_citation.empty())
      out.special_exam_citation = "work-groups.toml [special_exam]";
    top.finish({"table", "special_exam", "health_groups", "jobs"});
  });
}

Result<void> parse_ek3(std::string_view text, const std::string& file, ev::RuleSet& out) {
  return guarded(text, file, [&](const toml::table& root) {
    Table top(root, file, "");
    out.tables.push_back(parse_table_info(top, "ek3", {}));
    Table mt(*top.table("moves", true), file, "moves");
    for (const char* g : {"A", "B", "C", "D"})
      out.ek3_moves[*ev::parse_column(g)] = mt.strings(g, false);
    mt.finish({"A", "B", "C", "D"});
    const auto restrictions = top.tables("restrictions", false);
    std::set<std::string> ids;
    for (std::size_t i = 0; i < restrictions.size(); ++i) {
      Table rt(*restrictions[i], file, "restrictions[" + std::to_string(i) + "]");
      ev::Restriction r;
      r.id = rt.str("id");
      if (r.id.empty() || !ids.insert(r.id).second)
        rt.error(*rt.get("id", true), "id", make_errorf({}, "\"{}\" is empty or used twice", r.id));
      r.citation = rt.str("citation");
      r.title_tr = rt.str("title_tr");
      r.title_en = rt.str("title_en");
      r.excludes = rt.str("excludes");
      if (r.excludes != "noisy" && r.excludes != "dusty" && r.excludes != "heavy_load")
        rt.error(*rt.get("excludes", true), "excludes",
                 make_errorf({}, "\"{}\" is not a job attribute; allowed: noisy, dusty, heavy_load",
                             r.excludes));
      rt.finish({"id", "citation", "title_tr", "title_en", "excludes"});
      out.restrictions.push_back(std::move(r));
    }
    if (const toml::table* ra = top.table("return_after_absence", false)) {
      Table rt(*ra, file, "return_after_absence");
      out.return_rule.citation = rt.str("citation");
      const toml::node* n = rt.get("more_than_days", true);
      auto d = n->value<double>();
      if (!d || !n->is_number() || *d < 0)
        rt.error(*n, "more_than_days", make_error({}, "must be a number of days (0 or more)"));
      out.return_rule.more_than_days = *d;
      out.return_rule.sgk_report_required = rt.boolean("sgk_report_required", false);
      rt.finish({"citation", "more_than_days", "sgk_report_required"});
    }
    top.finish({"table", "moves", "restrictions", "return_after_absence"});
  });
}

Result<void> check_references(const ev::RuleSet& rs) {
  const ev::Column order[] = {ev::Column::A, ev::Column::B, ev::Column::C, ev::Column::D};
  for (int i = 1; i < 4; ++i) {
    const auto& better = rs.work_groups_for.at(order[i - 1]);
    for (int wg : rs.work_groups_for.at(order[i]))
      if (std::find(better.begin(), better.end(), wg) == better.end())
        return make_errorf("rules_reference",
                           "work-groups.toml: health_groups.{} allows work group {} but the better "
                           "group {} does not; a worse health group may only lose work groups",
                           std::string(ev::column_name(order[i])), wg,
                           std::string(ev::column_name(order[i - 1])));
  }
  for (const auto& [group, codes] : rs.ek3_moves) {
    const auto& allowed = rs.work_groups_for.at(group);
    for (const auto& code : codes) {
      const ev::Job* j = rs.job(code);
      if (j == nullptr)
        return make_errorf("rules_reference",
                           "ek3.toml: moves.{} lists job \"{}\", which is not in work-groups.toml; "
                           "add the job or remove it",
                           std::string(ev::column_name(group)), code);
      if (std::find(allowed.begin(), allowed.end(), j->work_group) == allowed.end())
        return make_errorf("rules_reference",
                           "ek3.toml: moves.{} lists job \"{}\" of work group {}, which health "
                           "group {} may not do",
                           std::string(ev::column_name(group)), code, j->work_group,
                           std::string(ev::column_name(group)));
    }
  }
  return {};
}

Result<ev::RuleSet> load_ruleset(const std::filesystem::path& dir) {
  ev::RuleSet rs;
  std::string all;
  using Parser = Result<void> (*)(std::string_view, const std::string&, ev::RuleSet&);
  const Parser parsers[] = {parse_ruleset_header, parse_ek1, parse_ek2, parse_work_groups,
                            parse_ek3};
  for (std::size_t i = 0; i < std::size(kRuleFiles); ++i) {
    const auto path = dir / kRuleFiles[i];
    auto read = read_input_file(path);
    if (!read)
      return make_errorf("rules_file",
                         "{} (the rule table; check [rules].dir in station.toml and that the file "
                         "exists)",
                         read.error());
    const std::string text = std::move(*read);
    all += kRuleFiles[i];
    all += '\0';
    all += text;
    all += '\0';
    if (auto r = parsers[i](text, path.string(), rs); !r) return r.error();
  }
  if (auto r = check_references(rs); !r) return r.error();
  rs.hash = station::sha256_hex(all);
  return rs;
}

// ---- CSV import of the job catalogue ---------------------------------------------------------

namespace {

// Splits one CSV record (RFC 4180 quoting); `pos` advances past the record's line end.
std::string toml_string(const std::string& s) {
  std::string o = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      o += '\\';
      o += c;
    } else if (c == '\n') {
      o += "\\n";
    } else if (c == '\t') {
      o += "\\t";
    } else {
      o += c;
    }
  }
  return o + "\"";
}

}  // namespace

Result<std::vector<ev::Job>> parse_jobs_csv(std::string_view text, const std::string& file) {
  auto t = csv::parse(text, file);
  if (!t) return with_code(t.error(), "jobs_csv");
  return parse_jobs_table(*t);
}

Result<std::vector<ev::Job>> parse_jobs_table(const csv::Table& t) {
  if (t.rows.empty())
    return make_errorf("jobs_csv", "{}: empty; the first line names the columns", t.name);
  const csv::Row& header = t.rows.front();
  const std::vector<std::string> known{"code",       "title_tr",     "title_en",
                                       "work_group", "ek1_required", "noisy",
                                       "dusty",      "special_exam", "heavy_load"};
  std::map<std::string, std::size_t> col;
  for (std::size_t i = 0; i < header.cells.size(); ++i) {
    const std::string name = fold_turkish(header.cells[i]);
    if (std::find(known.begin(), known.end(), name) == known.end())
      return make_errorf(
          "jobs_csv", "{}unknown column \"{}\"; allowed: {} (fields separated by {})",
          t.where(header, i), header.cells[i], join(known), csv::delimiter_name(t.delimiter));
    if (!col.emplace(name, i).second)
      return make_errorf("jobs_csv", "{}column \"{}\" appears twice", t.where(header, i), name);
  }
  for (const char* need : {"code", "title_tr", "title_en", "work_group"})
    if (col.count(need) == 0)
      return make_errorf("jobs_csv",
                         "{}missing column \"{}\"; the header needs code, title_tr, title_en, "
                         "work_group",
                         t.where(header, 0), need);
  std::vector<ev::Job> jobs;
  std::set<std::string> codes;
  for (std::size_t r = 1; r < t.rows.size(); ++r) {
    const csv::Row& rec = t.rows[r];
    if (rec.cells.size() != header.cells.size())
      return make_errorf("jobs_csv", "{}{} fields, the header has {}", t.where(rec, 0),
                         rec.cells.size(), header.cells.size());
    auto field = [&](const char* name) { return rec.cells[col.at(name)]; };
    auto at = [&](const char* name) {
      return make_errorf({}, "{}column {}", t.where(rec, col.at(name)), name);
    };
    auto flag = [&](const char* name, bool& out) -> Result<void> {
      if (col.count(name) == 0) return {};
      const std::string v = fold_turkish(field(name));
      if (v == "yes" || v == "true" || v == "1" || v == "evet" || v == "e")
        out = true;
      else if (v == "no" || v == "false" || v == "0" || v.empty() || v == "hayır" || v == "hayir" ||
               v == "h")
        out = false;
      else
        return make_errorf("jobs_csv", "{}: \"{}\" is not yes/no (evet/hayır)", at(name),
                           field(name));
      return {};
    };
    ev::Job j;
    j.code = field("code");
    if (j.code.empty())
      return make_errorf("jobs_csv", "{}: empty; every job needs a code", at("code"));
    if (!codes.insert(j.code).second)
      return make_errorf("jobs_csv", "{}: \"{}\" is used twice", at("code"), j.code);
    j.title_tr = field("title_tr");
    j.title_en = field("title_en");
    const std::string wg = field("work_group");
    if (wg.size() != 1 || wg[0] < '1' || wg[0] > '5')
      return make_errorf("jobs_csv", "{}: \"{}\" is not a work group 1..5", at("work_group"), wg);
    j.work_group = wg[0] - '0';
    for (auto [name, ref] : {std::pair<const char*, bool*>{"ek1_required", &j.ek1_required},
                             {"noisy", &j.noisy},
                             {"dusty", &j.dusty},
                             {"special_exam", &j.special_exam},
                             {"heavy_load", &j.heavy_load}})
      if (auto res = flag(name, *ref); !res) return res.error();
    jobs.push_back(std::move(j));
  }
  if (jobs.empty()) return make_errorf("jobs_csv", "{}: no jobs after the header", t.name);
  return jobs;
}

std::string work_groups_toml(const ev::TableInfo& info,
                             const std::map<ev::Column, std::vector<int>>& health_groups,
                             const std::vector<ev::Job>& jobs,
                             const std::string& special_exam_citation) {
  std::ostringstream o;
  o << "# Work groups (Madde 5, Ek-4) and the work groups each health group may do (Madde 6).\n"
       "# Written by `odyospiro rules import-jobs`.\n\n[table]\n"
    << "name = \"work-groups\"\nversion = " << toml_string(info.version)
    << "\neffective = " << info.effective << "\nsource = " << toml_string(info.source) << "\n\n";
  if (!special_exam_citation.empty())
    o << "[special_exam]\ncitation = " << toml_string(special_exam_citation) << "\n\n";
  o << "[health_groups]\n";
  for (const auto& [g, wgs] : health_groups) {
    o << ev::column_name(g) << " = [";
    for (std::size_t i = 0; i < wgs.size(); ++i) o << (i ? ", " : "") << wgs[i];
    o << "]\n";
  }
  auto b = [](bool v) { return v ? "true" : "false"; };
  for (const auto& j : jobs) {
    o << "\n[[jobs]]\ncode = " << toml_string(j.code) << "\ntitle_tr = " << toml_string(j.title_tr)
      << "\ntitle_en = " << toml_string(j.title_en) << "\nwork_group = " << j.work_group
      << "\nek1_required = " << b(j.ek1_required) << "\nnoisy = " << b(j.noisy)
      << "\ndusty = " << b(j.dusty) << "\nspecial_exam = " << b(j.special_exam)
      << "\nheavy_load = " << b(j.heavy_load) << "\n";
  }
  return o.str();
}

}  // namespace odyo::station::rules
