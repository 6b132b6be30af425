// The one CSV reader (analysis/core/csv): delimiters, decimal separators, quotes, and refusal
// with line and column of anything it cannot read exactly.
#include "analysis/core/csv.hpp"

#include <gtest/gtest.h>

#include <cmath>

using namespace odyo;

namespace {

std::vector<double> column(const csv::Table& t, std::size_t col, std::size_t first_row = 0) {
  std::vector<double> v;
  for (std::size_t r = first_row; r < t.rows.size(); ++r) {
    auto x = t.number(t.rows[r], col, "value");
    EXPECT_TRUE(x.ok()) << x.error().message;
    v.push_back(x.ok() ? *x : NAN);
  }
  return v;
}

}  // namespace

TEST(Csv, EnglishAndTurkishExcelReadToTheSameNumbers) {
  auto en = csv::parse("flow,time\n0.52,0.000\n4.28,0.002\n-1.5e-1,0.004\n", "en.csv");
  auto tr = csv::parse("akış;zaman\n0,52;0,000\n4,28;0,002\n-1,5e-1;0,004\n", "tr.csv");
  auto tab = csv::parse("flow\ttime\n0,52\t0,000\n4,28\t0,002\n-1,5e-1\t0,004\n", "tab.csv");
  ASSERT_TRUE(en.ok() && tr.ok() && tab.ok());
  EXPECT_EQ(en->delimiter, ',');
  EXPECT_EQ(en->decimal, '.');
  EXPECT_EQ(tr->delimiter, ';');
  EXPECT_EQ(tr->decimal, ',');
  EXPECT_EQ(tab->delimiter, '\t');
  EXPECT_EQ(tab->decimal, ',');
  EXPECT_EQ(column(*en, 0, 1), column(*tr, 0, 1));
  EXPECT_EQ(column(*en, 0, 1), column(*tab, 0, 1));
  EXPECT_EQ(column(*en, 0, 1), (std::vector<double>{0.52, 4.28, -0.15}));
  EXPECT_EQ(column(*en, 1, 1), column(*tr, 1, 1));
}

TEST(Csv, OneColumnWithDecimalCommasIsDetectedAfterAHeader) {
  auto t = csv::parse("akış\n0,52\n4,28\n", "one.csv");
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_EQ(t->decimal, ',');
  EXPECT_EQ(t->rows[1].cells.size(), 1u);
  EXPECT_EQ(column(*t, 0, 1), (std::vector<double>{0.52, 4.28}));
  // Given explicitly, without a header.
  csv::Options o;
  o.decimal = ',';
  auto g = csv::parse("0,52\n4,28\n", "given.csv", o);
  ASSERT_TRUE(g.ok());
  EXPECT_EQ(column(*g, 0), (std::vector<double>{0.52, 4.28}));
}

TEST(Csv, QuotedFieldsKeepDelimitersQuotesAndLineBreaks) {
  auto t = csv::parse(
      "code;title\r\nA;\"Büro; \"\"merkez\"\"\"\r\nB;\"iki\nsatır\"\r\nC;  son  \r\n", "q.csv");
  ASSERT_TRUE(t.ok()) << t.error().message;
  ASSERT_EQ(t->rows.size(), 4u);
  EXPECT_EQ(t->rows[1].cells[1], "Büro; \"merkez\"");
  EXPECT_EQ(t->rows[2].cells[1], "iki\nsatır");
  EXPECT_EQ(t->rows[3].line, 5);  // the quoted line break counts
  EXPECT_EQ(t->rows[3].cells[1], "son");
}

TEST(Csv, WhatCannotBeReadExactlyIsRefusedWithLineAndColumn) {
  // A decimal comma in a comma-separated file would be cut: the second field is not a number
  // of this file, and the reader says where.
  auto comma = csv::parse("flow,volume\n0,52,1.0\n", "cut.csv");
  ASSERT_TRUE(comma.ok());
  auto x = comma->number(comma->rows[1], 0, "flow");
  EXPECT_TRUE(x.ok());  // "0" alone is a number; the caller checks the field count
  EXPECT_EQ(comma->rows[1].cells.size(), 3u);

  auto mixed = csv::parse("a;b\n0,52;1\n1.5;2\n", "mixed.csv");
  ASSERT_FALSE(mixed.ok());
  EXPECT_NE(mixed.error().message.find("mixed.csv, line 2, column 1"), std::string::npos)
      << mixed.error().message;
  EXPECT_NE(mixed.error().message.find("line 3"), std::string::npos);

  auto thousands = csv::parse("a;b\n1.234,5;1\n", "th.csv");
  ASSERT_TRUE(thousands.ok());
  auto n = thousands->number(thousands->rows[1], 0, "flow");
  ASSERT_FALSE(n.ok());
  EXPECT_NE(n.error().message.find("th.csv, line 2, column 1: \"1.234,5\" is not a flow"),
            std::string::npos)
      << n.error().message;

  auto text = csv::parse("a;b\n1;2,5 L\n", "unit.csv");
  ASSERT_TRUE(text.ok());
  auto u = text->number(text->rows[1], 1, "volume");
  ASSERT_FALSE(u.ok());
  EXPECT_NE(u.error().message.find("line 2, column 3"), std::string::npos) << u.error().message;

  auto quote = csv::parse("a,b\nx,ab\"c\n", "quote.csv");
  ASSERT_FALSE(quote.ok());
  EXPECT_NE(quote.error().message.find("quote.csv, line 2, column 5"), std::string::npos)
      << quote.error().message;
  auto open = csv::parse("a,b\nx,\"never\n", "open.csv");
  ASSERT_FALSE(open.ok());
  EXPECT_NE(open.error().message.find("line 2, column 3: a quoted field is never closed"),
            std::string::npos)
      << open.error().message;
  auto after = csv::parse("a,b\n\"x\"y,1\n", "after.csv");
  ASSERT_FALSE(after.ok());
  EXPECT_NE(after.error().message.find("line 2, column 4"), std::string::npos);

  // Columns count characters, not bytes: "Şükrü" is 5.
  auto tr = csv::parse("ad;boy\nŞükrü;x\n", "tr.csv");
  ASSERT_TRUE(tr.ok());
  auto b = tr->number(tr->rows[1], 1, "height");
  ASSERT_FALSE(b.ok());
  EXPECT_NE(b.error().message.find("line 2, column 7"), std::string::npos) << b.error().message;
}

TEST(Csv, CommentsBlankLinesAndIntegers) {
  csv::Options o;
  o.comments = true;
  auto t = csv::parse("# a comment\n\nhz,db\n  # another\n1000,7\n", "c.csv", o);
  ASSERT_TRUE(t.ok());
  ASSERT_EQ(t->rows.size(), 2u);
  EXPECT_EQ(t->rows[1].line, 5);
  EXPECT_EQ(*t->integer(t->rows[1], 0, "hz"), 1000);
  EXPECT_FALSE(t->integer(t->rows[1], 2, "hz").ok());
  auto frac = csv::parse("hz\n1000.5\n", "f.csv");
  EXPECT_FALSE(frac->integer(frac->rows[1], 0, "hz").ok());
}

TEST(Csv, NanAndInfinityAreReadAsSuchForTheCallerToJudge) {
  auto t = csv::parse("x\nnan\n-inf\n", "n.csv");
  ASSERT_TRUE(t.ok());
  EXPECT_TRUE(std::isnan(*t->number(t->rows[1], 0, "x")));
  EXPECT_TRUE(std::isinf(*t->number(t->rows[2], 0, "x")));
}

TEST(Csv, ParseNumberTakesEitherSeparatorOnce) {
  EXPECT_DOUBLE_EQ(*csv::parse_number("1,75"), 1.75);
  EXPECT_DOUBLE_EQ(*csv::parse_number(" 175.5 "), 175.5);
  EXPECT_DOUBLE_EQ(*csv::parse_number("-3"), -3.0);
  for (const char* bad : {"", "1,234.5", "1.2.3", "12a", "nan", "1,75 cm", "--1", ","})
    EXPECT_FALSE(csv::parse_number(bad).ok()) << bad;
}

TEST(Csv, BadOptionsAreRefused) {
  csv::Options o;
  o.delimiter = ',';
  o.decimal = ',';
  EXPECT_FALSE(csv::parse("1,2\n", "x", o).ok());
  o.delimiter = '|';
  o.decimal = 0;
  EXPECT_FALSE(csv::parse("1|2\n", "x", o).ok());
}

TEST(Csv, LinesOfDelimitersOnlyAreBlank) {
  auto t = csv::parse("a;b\n1;2\n;\n;;\n3;4\n", "excel.csv");
  ASSERT_TRUE(t.ok());
  ASSERT_EQ(t->rows.size(), 3u);
  EXPECT_EQ(t->rows[2].line, 5);
}
