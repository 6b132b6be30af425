#pragma once
// Messages with values in them, translatable where they are shown (see Error in result.hpp):
//
//   return make_errorf("age_out_of_range", "age {} is outside {}–{} years", age, lo, hi);
//   return make_errorf("worker_file", "{}: {}", path, inner.error());   // nests a message
//
// The template is an English text with plain `{}` only (format a number first if it needs a
// precision: fmt::format("{:.1f}", x)); it is the key of the translation catalogues, so write it
// as a literal at the call (the catalogue extraction reads the source). Arguments: text (string,
// string_view, const char*), a number (integral or floating point, shortest exact form), or an
// Error, whose message is nested and translated with it. Pure; thread-safe.

#include <fmt/args.h>
#include <fmt/format.h>

#include <concepts>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "analysis/core/result.hpp"

namespace odyo {

namespace error_text {

inline Error arg(const Error& e) {
  return e;
}
inline Error arg(std::string_view s) {
  return Error{{}, std::string(s)};
}
inline Error arg(const std::string& s) {
  return Error{{}, s};
}
inline Error arg(const char* s) {
  return Error{{}, std::string(s)};
}
template <typename T>
requires(std::integral<T> || std::floating_point<T>) && (!std::same_as<T, bool>)inline Error
    arg(T value) {
  return Error{{}, fmt::format("{}", value)};
}

// `msgid` with each `{}` replaced by the matching text of `args` (as given); the template itself
// if it does not fit its arguments, so that a faulty translation never hides a message.
inline std::string fill(std::string_view msgid, const std::vector<std::string>& args) {
  fmt::dynamic_format_arg_store<fmt::format_context> store;
  for (const auto& a : args) store.push_back(a);
  try {
    return fmt::vformat(msgid, store);
  } catch (const fmt::format_error&) {
    return std::string(msgid);
  }
}

}  // namespace error_text

// A text from a library or the system (a parser's description, strerror), shown as it is in
// every language: backticks say that it is quoted, not the station's own words.
inline std::string verbatim(std::string_view text) {
  return "`" + std::string(text) + "`";
}

template <typename... Args>
Error make_errorf(std::string code, std::string msgid, const Args&... args) {
  std::vector<Error> values{error_text::arg(args)...};
  std::vector<std::string> english;
  english.reserve(values.size());
  for (const auto& v : values) english.push_back(v.message);
  std::string message = error_text::fill(msgid, english);
  return Error{std::move(code), std::move(message), std::move(msgid), std::move(values)};
}

}  // namespace odyo
