// Every JSON a person hands the station goes through one strict parser (issue 12, item 8:
// "duplicate JSON keys … refused"; nlohmann::json would keep the last value without a word).
#include "station/core/input.hpp"

#include <gtest/gtest.h>

#include <string>

namespace {

using odyo::station::json_int_in;
using odyo::station::parse_json_strict;

TEST(StrictJson, DuplicateKeysAreRefusedAtEveryDepth) {
  struct Case {
    const char* text;
    const char* key;
    const char* where;
  };
  const Case cases[] = {
      {R"({"age": 40, "age": 41})", "\"age\"", "at /"},
      {R"({"right": {"1000": 10, "500": 5, "1000": 90}, "left": {}})", "\"1000\"", "at /right"},
      {R"({"manoeuvres": [[1, 2]], "rate_hz": 100, "rate_hz": 1})", "\"rate_hz\"", "at /"},
      {R"({"bone": {"right": {"1000": {"level_db_hl": 10, "level_db_hl": 60}}}})",
       "\"level_db_hl\"", "at /bone/right/1000"},
      {R"([{"a": 1}, {"b": 1, "b": 2}])", "\"b\"", "at /[]"},
      // The same key written with an escape is the same key.
      {R"({"sex": "M", "s\u0065x": "F"})", "\"sex\"", "at /"},
  };
  for (const auto& c : cases) {
    auto r = parse_json_strict(c.text, "in.json");
    ASSERT_FALSE(r.ok()) << c.text;
    EXPECT_EQ(r.error().code, "json_duplicate_key") << c.text;
    EXPECT_NE(r.error().message.find("in.json"), std::string::npos) << r.error().message;
    EXPECT_NE(r.error().message.find(c.key), std::string::npos) << r.error().message;
    EXPECT_NE(r.error().message.find(c.where), std::string::npos) << r.error().message;
  }
}

TEST(StrictJson, SameKeyInDifferentObjectsIsFine) {
  auto r = parse_json_strict(
      R"({"right": {"1000": 10}, "left": {"1000": 15}, "x": [{"a":1},{"a":2}]})", "in.json");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ((*r)["left"]["1000"], 15);
  EXPECT_EQ((*r)["x"][1]["a"], 2);
}

TEST(StrictJson, SyntaxErrorsAndHugeNumbers) {
  auto r = parse_json_strict("{\"a\": ", "f.json");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "json_invalid");
  EXPECT_NE(r.error().message.find("f.json"), std::string::npos);
  r = parse_json_strict("{\"a\": 1e400}", "f.json");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "json_invalid");
}

TEST(StrictJson, WholeNumbersAreRangeCheckedBeforeNarrowing) {
  using nlohmann::json;
  EXPECT_EQ(json_int_in(json(500), 1, 100000), 500);
  EXPECT_EQ(json_int_in(json(-10), -1000, 1000), -10);
  EXPECT_FALSE(json_int_in(json(99999999999LL), 1, 100000));
  EXPECT_FALSE(json_int_in(json(4294967796ULL), 1, 100000));  // 2^32 + 500: not 500
  EXPECT_FALSE(json_int_in(json(18446744073709551615ULL), 1, 100000));
  EXPECT_FALSE(json_int_in(json(-4294966796LL), -1000, 1000));
  EXPECT_FALSE(json_int_in(json(500.0), 1, 100000));
  EXPECT_FALSE(json_int_in(json("500"), 1, 100000));
}

TEST(InputFile, TheStationReaderIsBounded) {
  auto r = odyo::station::read_input_file("/dev/zero", 4096);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "input_too_large");
  auto j = odyo::station::read_json_file("/dev/zero");
  ASSERT_FALSE(j.ok());
  EXPECT_NE(j.error().message.find("64 MiB"), std::string::npos) << j.error().message;
}

}  // namespace
