#pragma once
// Result<T>: an expected value or an Error with a message a person can act on.
// Expected failures (bad input, out-of-range age, a rule table with a hole) travel as values;
// exceptions are reserved for programming errors. Thread-safety: a plain value type.

#include <cassert>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace odyo {

// A message is written in English and translated where it is shown (station/core/i18n.hpp), so
// that this layer needs no language: `msgid` is the English template the translation catalogues
// (config/locale/) are keyed by, `args` fill its `{}` in order and are themselves texts (a plain
// value, or a nested message that is translated too). `message` is the English text, complete.
// make_error(code, text) for a fixed text, make_errorf (analysis/core/error_text.hpp) for one with
// values in it. A message edited after it was made (message no longer msgid+args) is shown as it
// is, untranslated, rather than losing what was added.
struct Error {
  std::string code;           // stable, machine-readable (e.g. "age_out_of_range")
  std::string message;        // what was wrong and what to do, for the person reading it (English)
  std::string msgid{};        // the catalogue key: the English template; empty = not translatable
  std::vector<Error> args{};  // the values of msgid's {} in order (a value: code and msgid empty)
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}      // NOLINT(google-explicit-constructor)
  Result(Error error) : v_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

  [[nodiscard]] bool ok() const noexcept { return v_.index() == 0; }
  explicit operator bool() const noexcept { return ok(); }

  T& value() & {
    assert(ok());
    return std::get<0>(v_);
  }
  const T& value() const& {
    assert(ok());
    return std::get<0>(v_);
  }
  T&& value() && {
    assert(ok());
    return std::get<0>(std::move(v_));
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  [[nodiscard]] const Error& error() const {
    assert(!ok());
    return std::get<1>(v_);
  }

 private:
  std::variant<T, Error> v_;
};

// Result<void>: success or an Error.
template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error)
      : err_(std::move(error)), failed_(true) {}  // NOLINT(google-explicit-constructor)
  [[nodiscard]] bool ok() const noexcept { return !failed_; }
  explicit operator bool() const noexcept { return ok(); }
  [[nodiscard]] const Error& error() const {
    assert(failed_);
    return err_;
  }

 private:
  Error err_{};
  bool failed_ = false;
};

// A fixed message: its text is also its catalogue key.
inline Error make_error(std::string code, std::string message) {
  std::string key = message;
  return Error{std::move(code), std::move(message), std::move(key)};
}

}  // namespace odyo
