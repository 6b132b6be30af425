// The suspected-flag criteria loader: toml++ reports syntax errors by exception and the schema
// walk (station/core/toml_schema) stops at the first problem by throwing SchemaError; both become
// a Result at parse_suspected_rules.
#include "station/surveillance/suspected_rules.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <cmath>

#include "analysis/core/error_text.hpp"
#include "station/core/input.hpp"
#include "station/core/toml_schema.hpp"

namespace odyo::station::surveillance {
namespace {

using LoadError = toml_schema::SchemaError;

class Table : public toml_schema::Table {
 public:
  Table(const toml::table& t, std::string file, std::string path)
      : toml_schema::Table(t, std::move(file), std::move(path), "suspected_schema") {}

  // A required number (integer or float) within [lo, hi].
  double number(const std::string& key, double lo, double hi) {
    const toml::node* n = get(key, true);
    std::optional<double> v = n->value<double>();
    if (!v || !std::isfinite(*v) || *v < lo || *v > hi)
      error(*n, key,
            make_errorf({}, "must be a number from {} to {}", fmt::format("{:g}", lo),
                        fmt::format("{:g}", hi)));
    return *v;
  }
};

const std::vector<std::string> kCriterionKeys{"title_en",     "title_tr", "criterion_en",
                                              "criterion_tr", "citation", "provisional"};

void read_criterion(Table& t, Criterion& c) {
  c.title_en = t.text("title_en");
  c.title_tr = t.text("title_tr");
  c.criterion_en = t.text("criterion_en");
  c.criterion_tr = t.text("criterion_tr");
  c.citation = t.text("citation");
  c.provisional = t.boolean("provisional");
}

std::vector<std::string> with_criterion_keys(std::vector<std::string> keys) {
  keys.insert(keys.end(), kCriterionKeys.begin(), kCriterionKeys.end());
  return keys;
}

}  // namespace

Result<SuspectedRules> parse_suspected_rules(std::string_view text, const std::string& file) {
  try {
    toml::table root = toml::parse(text, file);
    Table top(root, file, "");
    SuspectedRules out;
    {
      Table header(*top.table("table", true), file, "table");
      if (auto name = header.text("name"); name != "suspected")
        header.error(*root["table"]["name"].node(), "name",
                     make_errorf({}, "is \"{}\"; this file's table is \"suspected\"", name));
      out.version = header.text("version");
      out.effective = header.date("effective");
      out.source = header.text("source");
      header.finish({"name", "version", "effective", "source"});
    }
    {
      Table t(*top.table("hearing", true), file, "hearing");
      read_criterion(t, out.hearing);
      out.hearing.flag_on = t.strings("flag_on", true);
      if (out.hearing.flag_on.empty())
        t.error(*t.get("flag_on", true), "flag_on",
                make_error({},
                           "must name at least one of `sts`, `sts_age_corrected`, `recordable`, "
                           "`notch`"));
      for (const auto& f : out.hearing.flag_on)
        if (std::find(std::begin(kHearingTriggers), std::end(kHearingTriggers), f) ==
            std::end(kHearingTriggers))
          t.error(*t.get("flag_on", true), "flag_on",
                  make_errorf({},
                              "unknown trigger \"{}\"; allowed: `sts`, `sts_age_corrected`, "
                              "`recordable`, `notch`",
                              f));
      t.finish(with_criterion_keys({"flag_on"}));
    }
    {
      Table t(*top.table("fev1_decline", true), file, "fev1_decline");
      read_criterion(t, out.fev1_decline);
      out.fev1_decline.limit_pct_per_year = t.number("limit_pct_per_year", 0.1, 100.0);
      out.fev1_decline.min_years_between = t.number("min_years_between", 0.0, 10.0);
      out.fev1_decline.window_years = t.number("window_years", 0.1, 50.0);
      out.fev1_decline.change_score_limit = t.number("change_score_limit", 0.1, 10.0);
      if (out.fev1_decline.window_years < out.fev1_decline.min_years_between)
        t.error(*t.get("window_years", true), "window_years",
                make_error({}, "must not be shorter than min_years_between"));
      t.finish(with_criterion_keys(
          {"limit_pct_per_year", "min_years_between", "window_years", "change_score_limit"}));
    }
    for (auto [key, c] :
         {std::pair<const char*, Criterion*>{"new_obstruction", &out.new_obstruction},
          {"new_restriction", &out.new_restriction},
          {"ek2_worse", &out.ek2_worse}}) {
      Table t(*top.table(key, true), file, key);
      read_criterion(t, *c);
      t.finish(kCriterionKeys);
    }
    {
      Table t(*top.table("chest_film", true), file, "chest_film");
      read_criterion(t, out.chest_film);
      out.chest_film.min_ilo_category = t.integer("min_ilo_category", 1, 3);
      t.finish(with_criterion_keys({"min_ilo_category"}));
    }
    top.finish({"table", "hearing", "fev1_decline", "new_obstruction", "new_restriction",
                "ek2_worse", "chest_film"});
    return out;
  } catch (const toml::parse_error& e) {
    return make_errorf("suspected_syntax", "{}:{}: TOML syntax error: {}; fix the file", file,
                       static_cast<std::int64_t>(e.source().begin.line),
                       std::string(e.description()));
  } catch (const LoadError& e) {
    return e.error;
  }
}

Result<SuspectedRules> load_suspected_rules(const std::filesystem::path& rules_dir) {
  const auto path = rules_dir / kSuspectedFile;
  auto text = read_input_file(path);
  if (!text)
    return make_errorf("suspected_file",
                       "{} (the criteria of the suspected-disease flags; check [rules].dir in "
                       "station.toml and that the file exists)",
                       text.error());
  return parse_suspected_rules(*text, path.string());
}

}  // namespace odyo::station::surveillance
