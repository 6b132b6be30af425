// What a person types, the Turkish way too (station/core/person_input).
#include "station/core/person_input.hpp"

#include <gtest/gtest.h>

using namespace odyo::station;

TEST(PersonInput, SexTakesEAndKAsWellAsMAndF) {
  for (const char* m : {"E", "e", "M", "m", "erkek", "ERKEK", "male"})
    EXPECT_EQ(*parse_sex(m), "M") << m;
  for (const char* f : {"K", "k", "F", "f", "kadın", "KADIN", "female"})
    EXPECT_EQ(*parse_sex(f), "F") << f;
  for (const char* bad : {"", "X", "EK", "1"}) {
    auto r = parse_sex(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_NE(r.error().message.find("E or M"), std::string::npos);
  }
}

TEST(PersonInput, DatesAsGgAaYyyyAndIso) {
  EXPECT_EQ(*parse_date_iso("12.03.1984"), "1984-03-12");
  EXPECT_EQ(*parse_date_iso("1.3.1984"), "1984-03-01");
  EXPECT_EQ(*parse_date_iso("12/03/1984"), "1984-03-12");
  EXPECT_EQ(*parse_date_iso("1984-03-12"), "1984-03-12");
  EXPECT_EQ(*parse_date_iso("29.02.2024"), "2024-02-29");  // a leap year
  EXPECT_EQ(to_turkish_date(*parse_date("1984-03-12")), "12.03.1984");
}

TEST(PersonInput, DaysTheCalendarDoesNotHaveAreRefused) {
  for (const char* bad :
       {"31.02.1990", "1990-02-30", "29.02.2023", "31.04.2000", "00.01.2000", "12.13.1984",
        "1984-3-12", "12.03.84", "12-03-1984", "", "yesterday", "1984-03-12T00:00"}) {
    auto r = parse_date(bad);
    EXPECT_FALSE(r.ok()) << bad;
  }
  EXPECT_NE(parse_date("31.02.1990").error().message.find("the calendar has no such day"),
            std::string::npos);
  EXPECT_NE(parse_date("x").error().message.find("GG.AA.YYYY"), std::string::npos);
}

TEST(PersonInput, DecimalComma) {
  EXPECT_DOUBLE_EQ(*parse_person_number("175,5"), 175.5);
  EXPECT_DOUBLE_EQ(*parse_person_number("1.75"), 1.75);
  EXPECT_FALSE(parse_person_number("1.750,5").ok());
  EXPECT_FALSE(parse_person_number("175cm").ok());
}

TEST(PersonInput, TurkishCaseFolding) {
  EXPECT_EQ(fold_turkish("İSTANBUL"), "istanbul");
  EXPECT_EQ(fold_turkish("IŞIK"), "ışık");
  EXPECT_EQ(fold_turkish("ÜZÜLMEZ"), "üzülmez");
  EXPECT_EQ(fold_turkish("ÇAĞLAR ÖZTÜRK"), "çağlar öztürk");
  EXPECT_NE(fold_turkish("ISTANBUL"), fold_turkish("İstanbul"));  // I is ı, not i
  const std::vector<std::string> est{"Amasra", "Armutçuk", "Kozlu", "Karadon", "Üzülmez"};
  EXPECT_EQ(match_turkish("KOZLU", est).value_or(""), "Kozlu");
  EXPECT_EQ(match_turkish("üzülmez", est).value_or(""), "Üzülmez");
  EXPECT_EQ(match_turkish(" ARMUTÇUK ", est).value_or(""), "Armutçuk");
  EXPECT_FALSE(match_turkish("Zonguldak", est).has_value());
}
