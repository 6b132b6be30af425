#pragma once
// The check behind "no English word in Turkish output" (issue 14): the English words of a list
// found in a text, leaving out what a Turkish text may quote (options, commands, paths).

#include <cctype>
#include <regex>
#include <set>
#include <string>

namespace odyo::test {

// English words that have no place in a Turkish text (none is a Turkish word, an abbreviation
// the station uses, or a command name): the issue's "pass/fail", "unfit/incomplete", "none",
// "[auto]", "ok", and the words every English message is made of.
inline const std::set<std::string>& english_word_list() {
  static const std::set<std::string> words{
      "the",        "is",          "are",         "was",        "were",        "not",
      "must",       "should",      "cannot",      "could",      "would",       "error",
      "required",   "invalid",     "unknown",     "missing",    "found",       "expected",
      "allowed",    "use",         "using",       "with",       "without",     "and",
      "for",        "from",        "this",        "that",       "which",       "pass",
      "passed",     "fail",        "failed",      "none",       "yes",         "ok",
      "unfit",      "incomplete",  "auto",        "another",    "because",     "value",
      "values",     "file",        "folder",      "need",       "needed",      "needs",
      "only",       "given",       "exists",      "print",      "options",     "usage",
      "subcommand", "subcommands", "written",     "signed",     "password",    "right",
      "left",       "ear",         "male",        "female",     "result",      "results",
      "grade",      "blow",        "blows",       "margin",     "exceeded",    "predicted",
      "measured",   "baseline",    "shift",       "recordable", "provisional", "unverified",
      "rows",       "more",        "information", "every",      "has",         "have",
      "does",       "did",         "there",       "here",       "into",        "than",
      "after",      "before",      "when",        "where",      "number",      "name",
      "date",       "role",        "user",        "text",       "positionals", "env"};
  return words;
}

// The English words of the list in `text`, leaving out options (--name), what is quoted with
// backticks, paths, and the names of commands.
inline std::string english_words(std::string text, const std::set<std::string>& command_names) {
  // Left out: `quoted`, --options, /paths, ENVIRONMENT_NAMES, configuration keys
  // (transport.baud, frequency_left_hz), a JSON example {"key": …}, a value after = (a default)
  // or in "double quotes" (an echoed input), and the test's own probe value.
  static const std::regex quoted(
      R"(`[^`]*`|--?[A-Za-z][A-Za-z0-9-]*|/[^\s:;,)]+|\$?[A-Z][A-Z0-9]*_[A-Z0-9_]+|)"
      R"([A-Za-z0-9]+(?:[._][A-Za-z0-9]+)+|\{"[^\n]*\}|=[^\s]+|"[^"\n]*"|x-bad)");
  text = std::regex_replace(text, quoted, " ");
  std::string found;
  // A word is a run of letters, where any byte of a multi-byte UTF-8 character counts as a
  // letter, so that "çok" is one (Turkish) word and not "ok".
  const auto letter = [](unsigned char ch) { return std::isalpha(ch) != 0 || ch >= 0x80; };
  std::size_t i = 0;
  while (i < text.size()) {
    if (!letter(static_cast<unsigned char>(text[i]))) {
      ++i;
      continue;
    }
    std::size_t j = i;
    bool ascii = true;
    while (j < text.size() && letter(static_cast<unsigned char>(text[j]))) {
      ascii = ascii && static_cast<unsigned char>(text[j]) < 0x80;
      ++j;
    }
    std::string w = text.substr(i, j - i);
    i = j;
    if (!ascii) continue;
    for (auto& ch : w) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (english_word_list().count(w) != 0 && command_names.count(w) == 0)
      found += (found.empty() ? "" : ", ") + w;
  }
  return found;
}

}  // namespace odyo::test
