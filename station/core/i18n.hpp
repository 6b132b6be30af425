#pragma once
// The station's language: every text a person reads is written in English in the code and
// translated here from the translation catalogues (gettext .po files in config/locale/<lang>/,
// compiled to .mo at build time and embedded in the program, read with Boost.Locale's GNU gettext
// catalogue reader). English is the source language: an English catalogue is the identity.
//
// Marking texts (the catalogue test, tests/station/i18n/, extracts them with xgettext from these
// names, so a text a person reads must reach one of them as a literal):
//   ctx.tr("Worker registered")                         a fixed text (CliContext, Catalog)
//   ctx.trf("Exam {} signed by {}", id, user)           a text with values
//   make_error(code, "…") / make_errorf(code, "… {}", x)  an error (analysis/core/error_text.hpp)
//   N_("…")                                             a text kept in a table, translated later
// Help texts of the command line are collected from the command tree itself
// (`odyospiro generate pot`), not from the source.
//
// Thread-safety: a Catalog is immutable after construction; share it freely.

#include <fmt/format.h>

#include <locale>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/core/error_text.hpp"
#include "analysis/core/result.hpp"

namespace odyo {
// Marks a literal for the catalogue without translating it (tables of texts translated when shown).
constexpr const char* N_(const char* msgid) {
  return msgid;
}
}  // namespace odyo

namespace odyo::station::i18n {

// The languages the station speaks; the first is the default ([station].language).
inline constexpr std::string_view kLanguages[] = {"tr", "en"};

// True for a language of kLanguages.
constexpr bool known_language(std::string_view language) {
  for (std::string_view l : kLanguages)
    if (l == language) return true;
  return false;
}

class Catalog {
 public:
  // `language`: "tr" or "en" (anything else is English). Loads the embedded catalogue.
  explicit Catalog(std::string_view language = "en");

  [[nodiscard]] const std::string& language() const { return language_; }
  [[nodiscard]] bool turkish() const { return language_ == "tr"; }

  // The translation of `msgid`, or `msgid` itself when the catalogue has none. The pointer lives
  // as long as the catalogue (or `msgid`).
  [[nodiscard]] const char* tr(const char* msgid) const;
  [[nodiscard]] std::string tr(std::string_view msgid) const;

  // The translated template filled with `args` (texts, numbers or nested Errors).
  template <typename... Args>
  [[nodiscard]] std::string trf(const char* msgid, const Args&... args) const {
    return localize(make_errorf({}, msgid, args...));  // i18n: the caller's literal
  }

  // An error's message in this language: its template translated and its values (nested
  // messages translated too) filled in; the English message as it is when the error carries no
  // template or was edited after it was made.
  [[nodiscard]] std::string localize(const Error& e) const;

  // Whether the catalogue holds a translation of `msgid` (always false for English).
  [[nodiscard]] bool has_translation(std::string_view msgid) const;

 private:
  std::string language_;
  std::locale locale_;  // holds the gettext message facet (none for English)
  bool has_facet_ = false;
};

// The catalogue for `language` made once per process (languages are few and catalogues
// immutable).
const Catalog& catalog(std::string_view language);

}  // namespace odyo::station::i18n
