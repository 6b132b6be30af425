// The QC settings loader: toml++ reports syntax errors by exception and the schema walk
// (station/core/toml_schema) stops at the first problem by throwing SchemaError; both become a
// Result at parse_qc_rules.
#include "station/qc/qc_rules.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <cmath>

#include "analysis/core/error_text.hpp"
#include "station/core/input.hpp"
#include "station/core/toml_schema.hpp"

namespace odyo::station::qc {
namespace {

using LoadError = toml_schema::SchemaError;

class Table : public toml_schema::Table {
 public:
  Table(const toml::table& t, std::string file, std::string path)
      : toml_schema::Table(t, std::move(file), std::move(path), "qc_schema") {}

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

// One [findings.X] table: the limit under `key`, applies_to, citation, provisional.
Threshold threshold(Table& parent, const std::string& name, const std::string& key, double lo,
                    double hi, const std::vector<std::string>& extra) {
  Table t(*parent.table(name, true), parent.file(), parent.path() + "." + name);
  Threshold th;
  th.value = t.number(key, lo, hi);
  th.applies_to = t.strings("applies_to", true);
  for (const auto& a : th.applies_to)
    if (a != "technician" && a != "device")
      t.error(*t.get("applies_to", true), "applies_to",
              make_errorf({}, "unknown subject \"{}\"; allowed: `technician`, `device`", a));
  th.citation = t.text("citation");
  th.provisional = t.boolean("provisional");
  std::vector<std::string> allowed{key, "applies_to", "citation", "provisional"};
  allowed.insert(allowed.end(), extra.begin(), extra.end());
  // The extra keys are read by the caller from the raw table (checked there).
  for (const auto& k : extra) (void)t.get(k, true);
  t.finish(allowed);
  return th;
}

double extra_number(const toml::table& findings, const std::string& name, const std::string& key,
                    const std::string& file, double lo, double hi) {
  const toml::table& sub = *findings[name].as_table();
  Table t(sub, file, "findings." + name);
  return t.number(key, lo, hi);
}

}  // namespace

bool Threshold::applies(std::string_view dimension) const {
  return std::find(applies_to.begin(), applies_to.end(), dimension) != applies_to.end();
}

Result<QcRules> parse_qc_rules(std::string_view text, const std::string& file) {
  try {
    toml::table root = toml::parse(text, file);
    Table top(root, file, "");
    QcRules out;
    {
      Table header(*top.table("table", true), file, "table");
      if (auto name = header.text("name"); name != "qc")
        header.error(*root["table"]["name"].node(), "name",
                     make_errorf({}, "is \"{}\"; this file's table is \"qc\"", name));
      out.version = header.text("version");
      out.effective = header.date("effective");
      out.source = header.text("source");
      header.finish({"name", "version", "effective", "source"});
    }
    {
      Table t(*top.table("syringe", true), file, "syringe");
      out.syringe_volume_l = t.number("volume_l", 0.5, 10.0);
      out.syringe_tolerance_pct = t.number("tolerance_pct", 0.1, 20.0);
      out.syringe_citation = t.text("citation");
      out.syringe_provisional = t.boolean("provisional");
      t.finish({"volume_l", "tolerance_pct", "citation", "provisional"});
    }
    {
      const toml::table* ft = top.table("findings", true);
      Table f(*ft, file, "findings");
      out.min_sessions = f.integer("min_sessions", 1, 1000);
      out.ab_share = threshold(f, "ab_share", "min_share", 0, 1, {});
      out.repeatability = threshold(f, "repeatability", "max_share", 0, 1, {"limit_l"});
      out.repeatability_limit_l = extra_number(*ft, "repeatability", "limit_l", file, 0.01, 1.0);
      out.blows = threshold(f, "blows", "max_mean", 1, 100, {});
      out.retest_1k = threshold(f, "retest_1k", "max_share", 0, 1, {"limit_db"});
      out.retest_limit_db = extra_number(*ft, "retest_1k", "limit_db", file, 0, 50);
      out.false_alarms = threshold(f, "false_alarms", "max_share", 0, 1, {});
      out.check_compliance = threshold(f, "check_compliance", "min_share", 0, 1, {});
      out.syringe_drift = threshold(f, "syringe_drift", "max_pct_per_30_days", 0.01, 100,
                                    {"window_days", "min_checks"});
      out.drift_window_days =
          static_cast<int>(extra_number(*ft, "syringe_drift", "window_days", file, 7, 3650));
      out.drift_min_checks =
          static_cast<int>(extra_number(*ft, "syringe_drift", "min_checks", file, 2, 10000));
      f.finish({"min_sessions", "ab_share", "repeatability", "blows", "retest_1k", "false_alarms",
                "check_compliance", "syringe_drift"});
    }
    {
      Table t(*top.table("second_review", true), file, "second_review");
      out.second_review_share = t.number("min_share", 0.01, 1.0);
      out.second_review_citation = t.text("citation");
      out.second_review_provisional = t.boolean("provisional");
      t.finish({"min_share", "citation", "provisional"});
    }
    top.finish({"table", "syringe", "findings", "second_review"});
    return out;
  } catch (const toml::parse_error& e) {
    return make_errorf("qc_syntax", "{}:{}: TOML syntax error: {}; fix the file", file,
                       static_cast<std::int64_t>(e.source().begin.line),
                       std::string(e.description()));
  } catch (const LoadError& e) {
    return e.error;
  }
}

Result<QcRules> load_qc_rules(const std::filesystem::path& rules_dir) {
  const auto path = rules_dir / kQcFile;
  auto text = read_input_file(path);
  if (!text)
    return make_errorf("qc_file",
                       "{} (the quality-control settings; check [rules].dir in station.toml and "
                       "that the file exists)",
                       text.error());
  return parse_qc_rules(*text, path.string());
}

}  // namespace odyo::station::qc
