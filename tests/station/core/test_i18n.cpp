// station/core/i18n: messages are English templates translated where they are shown, with their
// values (and nested messages) filled in; nothing a message says is lost on the way.
#include "station/core/i18n.hpp"

#include <gtest/gtest.h>

#include "analysis/core/error_text.hpp"

using odyo::make_error;
using odyo::make_errorf;
using odyo::station::i18n::Catalog;

TEST(I18n, EnglishIsTheSourceLanguage) {
  const Catalog en("en");
  EXPECT_FALSE(en.turkish());
  EXPECT_STREQ(en.tr("error"), "error");
  EXPECT_FALSE(en.has_translation("error"));
  const Catalog other("de");  // a language the station does not speak: English
  EXPECT_EQ(other.language(), "en");
}

TEST(I18n, TurkishComesFromTheEmbeddedCatalogue) {
  const Catalog tr("tr");
  EXPECT_TRUE(tr.turkish());
  EXPECT_STREQ(tr.tr("error"), "hata");  // config/locale/tr/cli.po
  EXPECT_TRUE(tr.has_translation("error"));
  EXPECT_STREQ(tr.tr("a text no catalogue has"), "a text no catalogue has");
  EXPECT_EQ(tr.trf("Run with {} for more information.", "--help"),
            "Ayrıntı için --help ile çalıştırın.");
}

TEST(I18n, AMessageKeepsItsEnglishTextItsTemplateAndItsValues) {
  const auto e = make_errorf("age", "age {} is outside {}–{} years", 2.5, 3, 95);
  EXPECT_EQ(e.code, "age");
  EXPECT_EQ(e.message, "age 2.5 is outside 3–95 years");
  EXPECT_EQ(e.msgid, "age {} is outside {}–{} years");
  ASSERT_EQ(e.args.size(), 3u);
  EXPECT_EQ(e.args[0].message, "2.5");
  EXPECT_EQ(e.args[2].message, "95");
  const auto fixed = make_error("x", "error");
  EXPECT_EQ(fixed.msgid, "error");  // a fixed text is its own key
}

TEST(I18n, NestedMessagesAreTranslatedToo) {
  const auto inner = make_error("inner", "error");
  const auto outer = make_errorf("outer", "{}: {}", "flow.csv", inner);
  EXPECT_EQ(outer.message, "flow.csv: error");
  EXPECT_EQ(Catalog("tr").localize(outer), "flow.csv: hata");
  EXPECT_EQ(Catalog("en").localize(outer), "flow.csv: error");
}

TEST(I18n, AMessageEditedAfterItWasMadeIsShownWhole) {
  auto e = make_error("x", "error");
  e.message = "flow.csv: " + e.message;  // what the lint forbids; still nothing is lost
  EXPECT_EQ(Catalog("tr").localize(e), "flow.csv: error");
}

TEST(I18n, ATextWithoutATemplateIsShownAsItIs) {
  const odyo::Error e{"data", "Şükrü Çelik"};  // a value, not a message
  EXPECT_EQ(Catalog("tr").localize(e), "Şükrü Çelik");
}

TEST(I18n, ATemplateThatDoesNotFitItsValuesNeverHidesTheMessage) {
  // fill() returns the template itself when fmt cannot format it.
  EXPECT_EQ(odyo::error_text::fill("{} and {", {"a"}), "{} and {");
  EXPECT_EQ(odyo::error_text::fill("{} and {}", {"a", "b"}), "a and b");
}

TEST(I18n, CataloguesAreMadeOncePerLanguage) {
  EXPECT_EQ(&odyo::station::i18n::catalog("tr"), &odyo::station::i18n::catalog("tr"));
  EXPECT_NE(&odyo::station::i18n::catalog("tr"), &odyo::station::i18n::catalog("en"));
}
