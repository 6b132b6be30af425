#pragma once
// Free text a person types and the station stores (names, reasons, notes, establishment): one
// check used everywhere, so that a stored text can never forge a line of a listing, move the
// terminal's cursor, reorder what a reader sees or break a UTF-8 reader. Pure; thread-safe.
//
// Refused: bytes that are not valid UTF-8 (overlong forms, surrogates, beyond U+10FFFF, cut
// sequences); C0 control characters (this includes newline, tab and ESC, hence every ANSI escape
// sequence), DEL and the C1 controls U+0080–U+009F (CSI 0x9B); the Unicode bidirectional
// embeddings, overrides and isolates U+202A–U+202E and U+2066–U+2069 ("Trojan Source",
// CVE-2021-42574); more characters (code points) than the limit; and an empty or blank text when
// one is required.

#include <cstddef>
#include <string_view>

#include "analysis/core/result.hpp"

namespace odyo::text {

// A person's name, a user name, an establishment, a device or listener name.
inline constexpr std::size_t kMaxNameChars = 100;
// A reason (override, baseline, ambient override), a note or a comment.
inline constexpr std::size_t kMaxReasonChars = 1000;

struct TextRule {
  std::size_t max_chars = kMaxNameChars;
  bool required = true;  // empty or only spaces is refused
};

// Checks `value`; `what` names the field in the message (e.g. "first name", "--reason"; mark a
// word with N_("…") at the caller so that it is translated with the message).
// Error code "text_invalid"; the message says which character (by position and code point) and
// what to do, never echoing the raw bytes back to the terminal.
Result<void> check_free_text(std::string_view value, std::string_view what, TextRule rule = {});

// The number of code points of a valid UTF-8 text (bytes of an invalid one).
std::size_t utf8_length(std::string_view value);

}  // namespace odyo::text
