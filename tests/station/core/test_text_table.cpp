// The one table printer (station/core/text_table): columns aligned by characters.
#include "station/core/text_table.hpp"

#include <gtest/gtest.h>

#include <sstream>

using namespace odyo::station;

TEST(TextTable, TurkishLettersDoNotShiftTheColumns) {
  TextTable t({"Sicil", "Ad Soyad", "İşyeri"});
  t.add_row({"D-1001", "Şükrü Çelik", "Üzülmez"});
  t.add_row({"D-1002", "Ali Kaya", "Kozlu"});
  t.add_row({"D-1003", "İsmail Güçlüoğlu", "Armutçuk"});
  const std::string out = t.render();
  std::istringstream in(out);
  std::string line;
  std::vector<std::string> lines;
  while (std::getline(in, line)) lines.push_back(line);
  ASSERT_EQ(lines.size(), 4u);
  // The third column starts at the same character on every line.
  auto col_of = [](const std::string& l, const std::string& cell) {
    return display_width(l.substr(0, l.find(cell)));
  };
  const std::size_t c = col_of(lines[0], "İşyeri");
  EXPECT_EQ(col_of(lines[1], "Üzülmez"), c) << out;
  EXPECT_EQ(col_of(lines[2], "Kozlu"), c) << out;
  EXPECT_EQ(col_of(lines[3], "Armutçuk"), c) << out;
  EXPECT_EQ(c, std::string("D-1001  İsmail Güçlüoğlu  ").size() - 5);  // 5 two-byte letters
  EXPECT_EQ(lines[1], "D-1001  Şükrü Çelik       Üzülmez");
}

TEST(TextTable, DisplayWidthCountsCharacters) {
  EXPECT_EQ(display_width("Şükrü"), 5u);
  EXPECT_EQ(display_width("ascii"), 5u);
  EXPECT_EQ(display_width("e\xCC\x81"), 1u);  // e + combining acute
  EXPECT_EQ(display_width(""), 0u);
}
