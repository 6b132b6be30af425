// Free text (issue 12, item 8): "free text limited (length, no control or bidi characters, valid
// UTF-8)" — one check, odyo::text::check_free_text, used for every text a person types and the
// station stores.
#include "analysis/core/text.hpp"

#include <gtest/gtest.h>

#include <string>

namespace {

using odyo::text::check_free_text;
using odyo::text::kMaxNameChars;
using odyo::text::kMaxReasonChars;
using odyo::text::TextRule;

TEST(FreeText, RefusedTexts) {
  struct Case {
    const char* what;
    std::string text;
    const char* message;  // part of the message
  };
  const Case cases[] = {
      {"a newline (would forge a row in `worker list`)", "Ali\n4002  Fake  Worker", "a line break"},
      {"a carriage return", "Ali\rVeli", "a line break"},
      {"a tab", "Ali\tVeli", "a tab"},
      {"an ANSI escape (ESC [ 2 J clears the screen)", "Ali\x1b[2J", "ESC, a terminal escape"},
      {"an ANSI colour", "\x1b[31mAli\x1b[0m", "ESC"},
      {"a NUL byte", std::string("Ali\0Veli", 8), "control character U+0000"},
      {"BEL", "Ali\a", "control character U+0007"},
      {"DEL", "Ali\x7f", "control character U+007F"},
      {"C1 CSI (U+009B, an 8-bit escape)",
       "Ali\xc2\x9b"
       "2J",
       "control character U+009B"},
      {"bidi LRE U+202A", "Ali\xe2\x80\xaa", "U+202A"},
      {"bidi RLO U+202E",
       "Ali\xe2\x80\xae"
       "ilev",
       "U+202E"},
      {"bidi LRI U+2066",
       "\xe2\x81\xa6"
       "Ali",
       "U+2066"},
      {"bidi PDI U+2069", "Ali\xe2\x81\xa9", "U+2069"},
      {"invalid UTF-8 (a lone continuation byte)", "Ali\x80", "not valid UTF-8"},
      {"invalid UTF-8 (Latin-1 ş)",
       "Ay\xfe"
       "e",
       "not valid UTF-8"},
      {"overlong encoding of '/'", "\xc0\xaf", "not valid UTF-8"},
      {"UTF-16 surrogate encoded in UTF-8", "\xed\xa0\x80", "not valid UTF-8"},
      {"beyond U+10FFFF", "\xf4\x90\x80\x80", "not valid UTF-8"},
      {"a cut sequence", "Ali\xc3", "not valid UTF-8"},
      {"100 kB", std::string(100 * 1024, 'a'), "longer than 100 characters"},
      {"101 Turkish letters",
       [] {
         std::string s;
         for (int i = 0; i < 101; ++i) s += "ş";
         return s;
       }(),
       "longer than 100 characters"},
      {"empty", "", "is empty"},
      {"blank", "   ", "is empty"},
  };
  for (const auto& c : cases) {
    auto r = check_free_text(c.text, "first name");
    ASSERT_FALSE(r.ok()) << c.what;
    EXPECT_EQ(r.error().code, "text_invalid") << c.what;
    EXPECT_NE(r.error().message.find("first name"), std::string::npos) << r.error().message;
    EXPECT_NE(r.error().message.find(c.message), std::string::npos)
        << c.what << ": " << r.error().message;
    // The message never echoes the raw text back to the terminal.
    EXPECT_EQ(r.error().message.find('\x1b'), std::string::npos) << c.what;
    EXPECT_EQ(r.error().message.find('\n'), std::string::npos) << c.what;
  }
}

TEST(FreeText, AcceptedTexts) {
  std::string hundred;
  for (int i = 0; i < 100; ++i) hundred += "ğ";  // 100 characters, 200 bytes
  const std::string cases[] = {
      "Ali",  "Şükrü Öztürk", "İsmail Çağlar", "Ayşe-Gül O'Neil", "Zonguldak (Kozlu) — işyeri",
      "日本", "🙂",         hundred};
  for (const auto& t : cases) {
    auto r = check_free_text(t, "name");
    EXPECT_TRUE(r.ok()) << t << ": " << (r.ok() ? "" : r.error().message);
  }
}

TEST(FreeText, LimitsAndOptionalTexts) {
  EXPECT_EQ(kMaxNameChars, 100u);
  EXPECT_EQ(kMaxReasonChars, 1000u);
  const std::string reason(1000, 'x');
  EXPECT_TRUE(check_free_text(reason, "--reason", {kMaxReasonChars, true}).ok());
  EXPECT_FALSE(check_free_text(reason + "x", "--reason", {kMaxReasonChars, true}).ok());
  EXPECT_TRUE(check_free_text("", "--note", {kMaxReasonChars, false}).ok());
  EXPECT_FALSE(check_free_text("a\nb", "--note", {kMaxReasonChars, false}).ok());
}

TEST(FreeText, Utf8Length) {
  EXPECT_EQ(odyo::text::utf8_length("Şükrü"), 5u);
  EXPECT_EQ(odyo::text::utf8_length(""), 0u);
}

}  // namespace
