#include "analysis/core/text.hpp"

#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>

#include "analysis/core/error_text.hpp"

namespace odyo::text {
namespace {

// Decodes the code point at `i` (advancing it), or nullopt for an invalid sequence (RFC 3629:
// shortest form only, no surrogates, at most U+10FFFF).
std::optional<char32_t> next_code_point(std::string_view s, std::size_t& i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) {
    ++i;
    return b0;
  }
  int len = 0;
  char32_t cp = 0;
  char32_t min = 0;
  if ((b0 & 0xE0) == 0xC0) {
    len = 2, cp = b0 & 0x1F, min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    len = 3, cp = b0 & 0x0F, min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    len = 4, cp = b0 & 0x07, min = 0x10000;
  } else {
    return std::nullopt;
  }
  if (i + static_cast<std::size_t>(len) > s.size()) return std::nullopt;
  for (int k = 1; k < len; ++k) {
    const auto b = static_cast<unsigned char>(s[i + static_cast<std::size_t>(k)]);
    if ((b & 0xC0) != 0x80) return std::nullopt;
    cp = (cp << 6) | (b & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return std::nullopt;
  i += static_cast<std::size_t>(len);
  return cp;
}

std::string u_plus(char32_t cp) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "U+%04X", static_cast<unsigned>(cp));
  return buf;
}

bool is_control(char32_t cp) {
  return cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F);
}
bool is_bidi_control(char32_t cp) {
  return (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}
bool is_space(char32_t cp) {
  return cp == U' ' || cp == 0xA0;
}

}  // namespace

std::size_t utf8_length(std::string_view value) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < value.size(); ++n) {
    if (!next_code_point(value, i)) return value.size();
  }
  return n;
}

Result<void> check_free_text(std::string_view value, std::string_view what, TextRule rule) {
  const Error w{{}, std::string(what), std::string(what)};  // translated with the message
  std::size_t chars = 0;
  bool blank = true;
  for (std::size_t i = 0; i < value.size();) {
    const std::size_t at = i;
    const auto cp = next_code_point(value, i);
    ++chars;
    if (!cp) {
      return make_errorf("text_invalid",
                         "{}: byte {} is not valid UTF-8; type the text again (the station "
                         "stores UTF-8 only)",
                         w, at + 1);
    }
    if (is_control(*cp)) {
      if (*cp == 0x0A || *cp == 0x0D)
        return make_errorf("text_invalid",
                           "{}: character {} is the control character {} (a line break); write "
                           "it on one line with printable characters only",
                           w, chars, u_plus(*cp));
      if (*cp == 0x1B)
        return make_errorf("text_invalid",
                           "{}: character {} is the control character {} (ESC, a terminal "
                           "escape); write it on one line with printable characters only",
                           w, chars, u_plus(*cp));
      if (*cp == 0x09)
        return make_errorf("text_invalid",
                           "{}: character {} is the control character {} (a tab); write it on "
                           "one line with printable characters only",
                           w, chars, u_plus(*cp));
      return make_errorf("text_invalid",
                         "{}: character {} is the control character {}; write it on one line "
                         "with printable characters only",
                         w, chars, u_plus(*cp));
    }
    if (is_bidi_control(*cp)) {
      return make_errorf("text_invalid",
                         "{}: character {} is {}, a bidirectional override that changes the "
                         "order a reader sees; remove it",
                         w, chars, u_plus(*cp));
    }
    if (!is_space(*cp)) blank = false;
    if (chars > rule.max_chars) {
      return make_errorf("text_invalid", "{} is longer than {} characters; shorten it", w,
                         rule.max_chars);
    }
  }
  if (rule.required && blank) {
    return make_errorf("text_invalid", "{} is empty; it is required", w);
  }
  return {};
}

}  // namespace odyo::text
