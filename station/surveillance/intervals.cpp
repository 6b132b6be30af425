// The intervals loader: toml++ reports syntax errors by exception and the schema walk
// (station/core/toml_schema, shared with the rule tables) stops at the first problem by throwing
// SchemaError; both become a Result at parse_intervals.
#include "station/surveillance/intervals.hpp"

#include "analysis/core/error_text.hpp"
#include "station/core/input.hpp"
#include "station/core/toml_schema.hpp"

#include <toml++/toml.h>
#include <algorithm>
#include <set>

namespace odyo::station::surveillance {
namespace ev = odyo::evaluation;
namespace {

using LoadError = toml_schema::SchemaError;
using toml_schema::join;

// A table of the intervals file: its schema problems are "intervals_schema".
class Table : public toml_schema::Table {
 public:
  Table(const toml::table& t, std::string file, std::string path)
      : toml_schema::Table(t, std::move(file), std::move(path), "intervals_schema") {}
};

IntervalRule read_rule(const toml::table& t, const std::string& file, const std::string& path,
                       const std::vector<ev::Job>& jobs) {
  Table tt(t, file, path);
  IntervalRule r;
  r.id = tt.text("id");
  r.exam = tt.text("exam");
  if (std::find(std::begin(kExamKinds), std::end(kExamKinds), r.exam) == std::end(kExamKinds))
    tt.error(*t.get("exam"), "exam",
             make_errorf({}, "unknown exam \"{}\"; allowed: chest_film, spirometry, audiometry",
                         r.exam));
  r.every_months = tt.integer("every_months", 1, 120);
  r.exposure = tt.str("exposure", false);
  const toml::node* jobs_node = tt.get("jobs", false);
  if (!r.exposure.empty() && jobs_node != nullptr)
    tt.error(*jobs_node, "jobs", make_error({}, "give either exposure or jobs, not both"));
  if (r.exposure.empty() && jobs_node == nullptr)
    tt.error_here(make_error({}, "say which jobs the rule applies to: exposure or jobs"));
  if (!r.exposure.empty()) {
    static const std::vector<std::string> kAttributes{"dusty", "noisy", "heavy_load"};
    if (std::find(kAttributes.begin(), kAttributes.end(), r.exposure) == kAttributes.end())
      tt.error(*t.get("exposure"), "exposure",
               make_errorf({}, "unknown job attribute \"{}\"; allowed: {}", r.exposure,
                           join(kAttributes)));
  }
  if (jobs_node != nullptr) {
    const auto* arr = jobs_node->as_array();
    if (arr == nullptr || arr->empty())
      tt.error(*jobs_node, "jobs", make_error({}, "must be a non-empty list of job codes"));
    for (const auto& el : *arr) {
      auto code = el.value_exact<std::string>();
      if (!code) tt.error(el, "jobs", make_error({}, "must be a non-empty list of job codes"));
      if (std::none_of(jobs.begin(), jobs.end(), [&](const ev::Job& j) { return j.code == *code; }))
        tt.error(el, "jobs",
                 make_errorf({}, "job code \"{}\" is not in the job catalogue (work-groups.toml)",
                             *code));
      r.jobs.push_back(*code);
    }
  }
  r.title_en = tt.text("title_en");
  r.title_tr = tt.text("title_tr");
  r.citation = tt.text("citation");
  r.provisional = tt.boolean("provisional");
  tt.finish({"id", "exam", "every_months", "exposure", "jobs", "title_en", "title_tr", "citation",
             "provisional"});
  return r;
}

}  // namespace

bool IntervalRule::applies_to(const ev::Job& job) const {
  if (!exposure.empty()) return job.attribute(exposure);
  return std::find(jobs.begin(), jobs.end(), job.code) != jobs.end();
}

Result<IntervalTable> parse_intervals(std::string_view text, const std::string& file,
                                      const std::vector<ev::Job>& jobs) {
  try {
    toml::table root = toml::parse(text, file);
    Table top(root, file, "");
    IntervalTable out;
    {
      Table header(*top.table("table", true), file, "table");
      if (auto name = header.text("name"); name != "surveillance")
        header.error(*root["table"]["name"].node(), "name",
                     make_errorf({}, "is \"{}\"; this file's table is \"surveillance\"", name));
      out.version = header.text("version");
      out.effective = header.date("effective");
      out.source = header.text("source");
      header.finish({"name", "version", "effective", "source"});
    }
    {
      Table due(*top.table("due", true), file, "due");
      out.soon_days = due.integer("soon_days", 0, 365);
      due.finish({"soon_days"});
    }
    const toml::node* rules = top.get("intervals", true);
    const auto* arr = rules->as_array();
    if (arr == nullptr || arr->empty())
      top.error(*rules, "intervals", make_error({}, "must be a list of [[intervals]] tables"));
    std::set<std::string> ids;
    for (std::size_t i = 0; i < arr->size(); ++i) {
      const auto* t = (*arr)[i].as_table();
      const std::string path = "intervals[" + std::to_string(i) + "]";
      if (t == nullptr)
        top.error((*arr)[i], path, make_error({}, "must be a list of [[intervals]] tables"));
      IntervalRule r = read_rule(*t, file, path, jobs);
      if (!ids.insert(r.id).second)
        Table(*t, file, path)
            .error(*t->get("id"), "id", make_errorf({}, "id \"{}\" is used twice", r.id));
      out.rules.push_back(std::move(r));
    }
    top.finish({"table", "due", "intervals"});
    return out;
  } catch (const toml::parse_error& e) {
    return make_errorf("intervals_syntax", "{}:{}: TOML syntax error: {}; fix the file", file,
                       static_cast<std::int64_t>(e.source().begin.line),
                       std::string(e.description()));
  } catch (const LoadError& e) {
    return e.error;
  }
}

Result<IntervalTable> load_intervals(const std::filesystem::path& rules_dir,
                                     const std::vector<ev::Job>& jobs) {
  const auto path = rules_dir / kIntervalsFile;
  auto text = read_input_file(path);
  if (!text)
    return make_errorf("intervals_file",
                       "{} (the exam intervals; check [rules].dir in station.toml and that the "
                       "file exists)",
                       text.error());
  return parse_intervals(*text, path.string(), jobs);
}

}  // namespace odyo::station::surveillance
