// The shipped limits tables (values as in reference/audiometry/pc-audiometer.md §3) and the
// comparison: a band exactly at its limit passes, 0.1 dB above fails.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "analysis/audiometry/ambient/ambient_limits.hpp"

using namespace odyo::audiometry::ambient;

namespace {

std::string shipped() {
  std::ifstream f(std::string(ODYO_SOURCE_DIR) + "/config/audiometry/ambient_limits.csv");
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

std::vector<BandLevel> levels(std::initializer_list<std::pair<int, double>> l) {
  std::vector<BandLevel> out;
  for (auto [hz, db] : l) out.push_back({hz, hz / 1.414, hz * 1.414, db});
  return out;
}

}  // namespace

TEST(AmbientLimits, OshaTableD1) {
  auto t = AmbientLimits::parse_csv(shipped(), "osha-d1");
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_EQ(t->rows().size(), 5u);
  EXPECT_EQ(t->limit_at(500), 40.0);
  EXPECT_EQ(t->limit_at(1000), 40.0);
  EXPECT_EQ(t->limit_at(2000), 47.0);
  EXPECT_EQ(t->limit_at(4000), 57.0);
  EXPECT_EQ(t->limit_at(8000), 62.0);
  EXPECT_FALSE(t->limit_at(125));
  EXPECT_FALSE(t->limit_at(250));
  for (const auto& r : t->rows()) {
    EXPECT_NE(r.citation.find("1910.95 Appendix D Table D-1"), std::string::npos);
    EXPECT_NE(r.citation.find("not ISO 8253-1"), std::string::npos);
    EXPECT_NE(r.url.find("readbag.com"), std::string::npos);
  }
}

TEST(AmbientLimits, AnsiEarsCovered) {
  auto t = AmbientLimits::parse_csv(shipped(), "ansi-s3.1-1977-ears-covered");
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_EQ(t->rows().size(), 11u);
  const std::vector<std::pair<int, double>> expected{
      {125, 34},  {250, 22.5},  {500, 19.5},  {750, 21.5}, {1000, 26.5}, {1500, 26.5},
      {2000, 28}, {3000, 33.5}, {4000, 34.5}, {6000, 38},  {8000, 43.5}};
  for (auto [hz, db] : expected) {
    EXPECT_EQ(t->limit_at(hz), db) << hz;
  }
  EXPECT_NE(t->rows().front().citation.find("not ISO 8253-1"), std::string::npos);
}

TEST(AmbientLimits, UnknownTableListsTheKnownOnes) {
  auto t = AmbientLimits::parse_csv(shipped(), "iso-8253-1");
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.error().code, "ambient_table_unknown");
  EXPECT_NE(t.error().message.find("\"iso-8253-1\" is unknown; allowed: "
                                   "ansi-s3.1-1977-ears-covered, osha-d1"),
            std::string::npos)
      << t.error().message;
}

TEST(AmbientLimits, MalformedFilesNameTheLine) {
  auto h = AmbientLimits::parse_csv("table,hz,limit\n", "osha-d1");
  ASSERT_FALSE(h.ok());
  EXPECT_EQ(h.error().code, "bad_ambient_table");
  EXPECT_NE(h.error().message.find("line 1"), std::string::npos) << h.error().message;
  auto n = AmbientLimits::parse_csv(
      "table,band_hz,max_db_spl,citation,url\nosha-d1,500,forty,c,u\n", "osha-d1");
  ASSERT_FALSE(n.ok());
  EXPECT_NE(n.error().message.find("line 2: max_db_spl \"forty\""), std::string::npos)
      << n.error().message;
  auto c = AmbientLimits::parse_csv("table,band_hz,max_db_spl,citation,url\nosha-d1,500,40,,u\n",
                                    "osha-d1");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message.find("citation"), std::string::npos) << c.error().message;
}

TEST(AmbientLimits, AtTheLimitPassesAPointOneDbAboveFails) {
  auto t = AmbientLimits::parse_csv(shipped(), "osha-d1");
  ASSERT_TRUE(t.ok());
  // 1000 Hz exactly 40 (limit 40): pass, margin 0. 2000 Hz 47.1 (limit 47): fail, margin −0.1.
  // 125 Hz: no limit in D-1, reported, not judged.
  auto v = compare_with_limits(levels({{125, 70.0}, {1000, 40.0}, {2000, 47.1}}), *t);
  ASSERT_EQ(v.bands.size(), 3u);
  EXPECT_TRUE(v.bands[0].pass);
  EXPECT_FALSE(v.bands[0].limit_db_spl);
  EXPECT_TRUE(v.bands[1].pass);
  EXPECT_DOUBLE_EQ(*v.bands[1].margin_db, 0.0);
  EXPECT_FALSE(v.bands[2].pass);
  EXPECT_NEAR(*v.bands[2].margin_db, -0.1, 1e-9);
  EXPECT_FALSE(v.pass);
  ASSERT_NE(v.first_exceeded(), nullptr);
  EXPECT_EQ(v.first_exceeded()->centre_hz, 2000);
  // Quiet everywhere: 39.9 at 500 (margin 0.1) and 62 at 8000 (margin 0).
  auto quiet = compare_with_limits(levels({{500, 39.9}, {8000, 62.0}}), *t);
  EXPECT_TRUE(quiet.pass);
  EXPECT_EQ(quiet.first_exceeded(), nullptr);
  EXPECT_NEAR(*quiet.bands[0].margin_db, 0.1, 1e-9);
}

TEST(AmbientLimits, AnsiRowsOffTheOctaveCentresAreListedNotCompared) {
  auto t = AmbientLimits::parse_csv(shipped(), "ansi-s3.1-1977-ears-covered");
  ASSERT_TRUE(t.ok());
  std::vector<BandLevel> all;
  for (int hz : kOctaveCentresHz) all.push_back({hz, 0, 0, 10.0});
  auto v = compare_with_limits(all, *t);
  EXPECT_TRUE(v.pass);
  EXPECT_EQ(v.not_compared_hz, (std::vector<int>{750, 1500, 3000, 6000}));
}
