#pragma once
// Reading a configuration file of config/ against its schema (the rule tables, the surveillance
// intervals): a Table knows its file, its path for messages ("rules[0].rows[2]") and the keys it
// was asked for; finish() rejects every other key. Every message names file:line, the key and
// what is wrong. A problem stops the walk by throwing SchemaError, which the loader's parse
// function turns into its Result: it never leaves the loader. Thread-safety: none needed.

#include <toml++/toml.h>

#include <set>
#include <string>
#include <vector>

#include "analysis/core/result.hpp"

namespace odyo::station::toml_schema {

struct SchemaError {
  Error error;
};

// Throws SchemaError with `message` under `code`.
[[noreturn]] void fail(const std::string& code, const Error& message);

std::string join(const std::vector<std::string>& v);
int line_of(const toml::node& n);

class Table {
 public:
  // `code`: the error code of every schema problem found in this table (e.g. "rules_schema").
  Table(const toml::table& t, std::string file, std::string path, std::string code);

  [[noreturn]] void error(const toml::node& at, const std::string& field, const Error& what) const;
  [[noreturn]] void error_here(const Error& what) const;

  const toml::node* get(const std::string& key, bool required);
  std::string str(const std::string& key, bool required = true, std::string def = {});
  // A required string that must not be empty.
  std::string text(const std::string& key);
  bool boolean(const std::string& key, bool def);
  bool boolean(const std::string& key);  // required
  int integer(const std::string& key, int lo, int hi);
  // A date (TOML local date) or an ISO date string; returned as YYYY-MM-DD.
  std::string date(const std::string& key);
  std::vector<std::string> strings(const std::string& key, bool required);
  std::vector<const toml::table*> tables(const std::string& key, bool required);
  const toml::table* table(const std::string& key, bool required);
  void finish(const std::vector<std::string>& allowed) const;

  [[nodiscard]] std::string qualify(const std::string& field) const;
  [[nodiscard]] const std::string& file() const { return file_; }
  [[nodiscard]] const std::string& path() const { return path_; }
  [[nodiscard]] const toml::table& raw() const { return t_; }

 private:
  const toml::table& t_;
  std::string file_;
  std::string path_;
  std::string code_;
  std::set<std::string> seen_;
};

}  // namespace odyo::station::toml_schema
