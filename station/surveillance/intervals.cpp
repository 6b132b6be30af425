// The intervals loader: toml++ reports syntax errors by exception and the schema walk stops at the
// first problem by throwing a private LoadError; both become a Result at parse_intervals.
#include "station/surveillance/intervals.hpp"

#include "analysis/core/error_text.hpp"
#include "station/core/input.hpp"

#include <toml++/toml.h>
#include <algorithm>
#include <set>

namespace odyo::station::surveillance {
namespace ev = odyo::evaluation;
namespace {

struct LoadError {
  Error error;
};

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
}

int line_of(const toml::node& n) {
  return static_cast<int>(n.source().begin.line);
}

// One TOML table being read; finish() rejects every key it was not asked for.
class Table {
 public:
  Table(const toml::table& t, std::string file, std::string path)
      : t_(t), file_(std::move(file)), path_(std::move(path)) {}

  [[noreturn]] void error(const toml::node& at, const std::string& key, const Error& what) const {
    throw LoadError{make_errorf("intervals_schema", "{}:{}: {}: {}", file_, line_of(at),
                                path_.empty() ? key : path_ + "." + key, what)};
  }
  [[noreturn]] void error_here(const Error& what) const {
    throw LoadError{make_errorf("intervals_schema", "{}:{}: {}: {}", file_, line_of(t_),
                                path_.empty() ? "(top)" : path_, what)};
  }
  const toml::node* get(const std::string& key, bool required) {
    seen_.insert(key);
    const toml::node* n = t_.get(key);
    if (n == nullptr && required) error_here(make_errorf({}, "missing required key '{}'", key));
    return n;
  }
  std::string str(const std::string& key, bool required = true) {
    const toml::node* n = get(key, required);
    if (n == nullptr) return {};
    auto v = n->value_exact<std::string>();
    if (!v) error(*n, key, make_error({}, "must be a string"));
    if (required && v->empty()) error(*n, key, make_error({}, "must not be empty"));
    return *v;
  }
  bool boolean(const std::string& key) {
    const toml::node* n = get(key, true);
    auto v = n->value_exact<bool>();
    if (!v) error(*n, key, make_error({}, "must be true or false"));
    return *v;
  }
  int integer(const std::string& key, int lo, int hi) {
    const toml::node* n = get(key, true);
    auto v = n->value_exact<std::int64_t>();
    if (!v || *v < lo || *v > hi)
      error(*n, key, make_errorf({}, "must be a whole number from {} to {}", lo, hi));
    return static_cast<int>(*v);
  }
  std::string date(const std::string& key) {
    const toml::node* n = get(key, true);
    auto v = n->value_exact<toml::date>();
    if (!v) error(*n, key, make_error({}, "must be a date (YYYY-MM-DD, without quotes)"));
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", static_cast<int>(v->year),
                  static_cast<int>(v->month), static_cast<int>(v->day));
    return buf;
  }
  const toml::table& table(const std::string& key) {
    const toml::node* n = get(key, true);
    const auto* t = n->as_table();
    if (t == nullptr) error(*n, key, make_error({}, "must be a table"));
    return *t;
  }
  void finish(const std::vector<std::string>& allowed) const {
    for (const auto& [k, v] : t_) {
      const std::string key(k.str());
      if (std::find(allowed.begin(), allowed.end(), key) == allowed.end())
        error(v, key, make_errorf({}, "unknown key; allowed here: {}", join(allowed)));
    }
  }

 private:
  const toml::table& t_;
  std::string file_, path_;
  std::set<std::string> seen_;
};

IntervalRule read_rule(const toml::table& t, const std::string& file, const std::string& path,
                       const std::vector<ev::Job>& jobs) {
  Table tt(t, file, path);
  IntervalRule r;
  r.id = tt.str("id");
  r.exam = tt.str("exam");
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
  r.title_en = tt.str("title_en");
  r.title_tr = tt.str("title_tr");
  r.citation = tt.str("citation");
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
      Table header(top.table("table"), file, "table");
      if (auto name = header.str("name"); name != "surveillance")
        header.error(*root["table"]["name"].node(), "name",
                     make_errorf({}, "is \"{}\"; this file's table is \"surveillance\"", name));
      out.version = header.str("version");
      out.effective = header.date("effective");
      out.source = header.str("source");
      header.finish({"name", "version", "effective", "source"});
    }
    {
      Table due(top.table("due"), file, "due");
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
