#include "station/core/toml_schema.hpp"

#include <cstdint>
#include <cstdio>
#include <utility>

#include "analysis/core/error_text.hpp"
#include "station/core/with_code.hpp"

namespace odyo::station::toml_schema {

void fail(const std::string& code, const Error& message) {
  throw SchemaError{with_code(message, code)};
}

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
}

int line_of(const toml::node& n) {
  return static_cast<int>(n.source().begin.line);
}

Table::Table(const toml::table& t, std::string file, std::string path, std::string code)
    : t_(t), file_(std::move(file)), path_(std::move(path)), code_(std::move(code)) {}

void Table::error(const toml::node& at, const std::string& field, const Error& what) const {
  fail(code_, make_errorf({}, "{}:{}: {}: {}", file_, line_of(at), qualify(field), what));
}

void Table::error_here(const Error& what) const {
  fail(code_,
       make_errorf({}, "{}:{}: {}: {}", file_, line_of(t_), path_.empty() ? "(top)" : path_, what));
}

const toml::node* Table::get(const std::string& key, bool required) {
  seen_.insert(key);
  const toml::node* n = t_.get(key);
  if (n == nullptr && required) error_here(make_errorf({}, "missing required key '{}'", key));
  return n;
}

std::string Table::str(const std::string& key, bool required, std::string def) {
  const toml::node* n = get(key, required);
  if (n == nullptr) return def;
  auto v = n->value_exact<std::string>();
  if (!v) error(*n, key, make_error({}, "must be a string"));
  return *v;
}

std::string Table::text(const std::string& key) {
  std::string v = str(key);
  if (v.empty()) error(*t_.get(key), key, make_error({}, "must not be empty"));
  return v;
}

bool Table::boolean(const std::string& key, bool def) {
  const toml::node* n = get(key, false);
  if (n == nullptr) return def;
  auto v = n->value_exact<bool>();
  if (!v) error(*n, key, make_error({}, "must be true or false"));
  return *v;
}

bool Table::boolean(const std::string& key) {
  get(key, true);
  return boolean(key, false);
}

int Table::integer(const std::string& key, int lo, int hi) {
  const toml::node* n = get(key, true);
  auto v = n->value_exact<std::int64_t>();
  if (!v) error(*n, key, make_error({}, "must be an integer"));
  if (*v < lo || *v > hi)
    error(*n, key, make_errorf({}, "{} is out of range; allowed {}..{}", *v, lo, hi));
  return static_cast<int>(*v);
}

std::string Table::date(const std::string& key) {
  const toml::node* n = get(key, true);
  if (const auto* d = n->as_date()) {
    char buf[16];
    const toml::date& x = d->get();
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", static_cast<int>(x.year),
                  static_cast<int>(x.month), static_cast<int>(x.day));
    return buf;
  }
  auto s = n->value_exact<std::string>();
  if (!s || s->size() != 10 || (*s)[4] != '-' || (*s)[7] != '-')
    error(*n, key, make_error({}, "must be a date (YYYY-MM-DD)"));
  return *s;
}

std::vector<std::string> Table::strings(const std::string& key, bool required) {
  const toml::node* n = get(key, required);
  std::vector<std::string> out;
  if (n == nullptr) return out;
  const auto* a = n->as_array();
  if (a == nullptr) error(*n, key, make_error({}, "must be an array of strings"));
  for (const auto& el : *a) {
    auto s = el.value_exact<std::string>();
    if (!s) error(el, key, make_error({}, "must be an array of strings"));
    out.push_back(*s);
  }
  return out;
}

std::vector<const toml::table*> Table::tables(const std::string& key, bool required) {
  const toml::node* n = get(key, required);
  std::vector<const toml::table*> out;
  if (n == nullptr) return out;
  if (const auto* t = n->as_table()) return {t};
  const auto* a = n->as_array();
  if (a == nullptr) error(*n, key, make_error({}, "must be a table or an array of tables"));
  for (const auto& el : *a) {
    const auto* t = el.as_table();
    if (t == nullptr) error(el, key, make_error({}, "must be an array of tables"));
    out.push_back(t);
  }
  return out;
}

const toml::table* Table::table(const std::string& key, bool required) {
  const toml::node* n = get(key, required);
  if (n == nullptr) return nullptr;
  const auto* t = n->as_table();
  if (t == nullptr) error(*n, key, make_error({}, "must be a table"));
  return t;
}

void Table::finish(const std::vector<std::string>& allowed) const {
  for (auto&& [k, v] : t_) {
    const std::string key(k.str());
    if (seen_.count(key) == 0)
      error(v, key, make_errorf({}, "unknown key; allowed here: {}", join(allowed)));
  }
}

std::string Table::qualify(const std::string& field) const {
  return path_.empty() ? field : path_ + "." + field;
}

}  // namespace odyo::station::toml_schema
