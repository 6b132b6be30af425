// Reading people's files (station/core/text_file): UTF-8 with and without BOM, Windows-1254
// (Turkish Excel) through iconv, UTF-16 and undecodable bytes refused with where they are; the
// job catalogue read from its Turkish Excel twin gives the same jobs.
#include "station/core/text_file.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "station/rules/jobs_csv.hpp"
#include "station/rules/loader.hpp"
#include "tests/station/support/station_fixture.hpp"

using namespace odyo;
using namespace odyo::station;

namespace {

std::string slurp(const std::filesystem::path& p) {
  std::ifstream f(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

// UTF-8 → Windows-1254 for the Turkish letters used in the test data (ş ı ü ö ç ğ İ Ş Ü Ö Ç Ğ).
std::string to_cp1254(const std::string& utf8) {
  const std::pair<const char*, char> map[] = {
      {"ş", '\xFE'}, {"ı", '\xFD'}, {"ü", '\xFC'}, {"ö", '\xF6'}, {"ç", '\xE7'}, {"ğ", '\xF0'},
      {"İ", '\xDD'}, {"Ş", '\xDE'}, {"Ü", '\xDC'}, {"Ö", '\xD6'}, {"Ç", '\xC7'}, {"Ğ", '\xD0'}};
  std::string out;
  for (std::size_t i = 0; i < utf8.size();) {
    bool done = false;
    for (const auto& [u, c] : map) {
      const std::size_t n = std::char_traits<char>::length(u);
      if (utf8.compare(i, n, u) == 0) {
        out += c;
        i += n;
        done = true;
        break;
      }
    }
    if (!done) out += utf8[i++];
  }
  return out;
}

}  // namespace

TEST(TextFile, BomAndWindows1254DecodeToTheSameText) {
  const std::string text = "code;title_tr\nA;Pano ayak kazmacısı\nB;Şükrü Çelik, İşçi\n";
  auto plain = decode_text(text, "utf8.csv");
  auto bom = decode_text("\xEF\xBB\xBF" + text, "bom.csv");
  auto cp = decode_text(to_cp1254(text), "cp1254.csv");
  ASSERT_TRUE(plain.ok() && bom.ok() && cp.ok()) << (cp.ok() ? "" : cp.error().message);
  EXPECT_EQ(*plain, text);
  EXPECT_EQ(*bom, text);
  EXPECT_EQ(*cp, text);
  EXPECT_NE(to_cp1254(text), text);  // the twin really is another encoding
  auto given = decode_text(to_cp1254(text), "cp1254.csv", TextEncoding::windows1254);
  ASSERT_TRUE(given.ok());
  EXPECT_EQ(*given, text);
}

TEST(TextFile, WhatCannotBeDecodedIsRefusedWithWhereItIs) {
  auto utf16 = decode_text(std::string("\xFF\xFE"
                                       "a\0b\0",
                                       6),
                           "u16.csv");
  ASSERT_FALSE(utf16.ok());
  EXPECT_NE(utf16.error().message.find("UTF-16"), std::string::npos);
  // 0x81 is undefined in Windows-1254 and not UTF-8.
  auto bad = decode_text("a;b\nx;y\x81z\n", "bad.csv");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("bad.csv, line 2, column 4"), std::string::npos)
      << bad.error().message;
  // Given as UTF-8, a Windows-1254 file is refused (not guessed).
  auto strict = decode_text(to_cp1254("ş\n"), "s.csv", TextEncoding::utf8);
  ASSERT_FALSE(strict.ok());
  EXPECT_NE(strict.error().message.find("windows-1254"), std::string::npos);
  EXPECT_FALSE(parse_text_encoding("latin-5").ok());
}

TEST(TextFile, JobCatalogueTurkishExcelTwinGivesTheSameJobs) {
  const auto src = std::filesystem::path(ODYO_TEST_DATA_DIR) / "rules" / "jobs_good.csv";
  odyo::test::TempDir dir;
  // Turkish Excel: `;` between fields, Windows-1254; the quoted comma stays a comma.
  std::string tr = slurp(src);
  std::string out;
  bool quoted = false;
  for (char c : tr) {
    if (c == '"') quoted = !quoted;
    out += (c == ',' && !quoted) ? ';' : c;
  }
  std::ofstream(dir / "jobs_tr.csv", std::ios::binary) << to_cp1254(out);
  std::ofstream(dir / "jobs_bom.csv", std::ios::binary) << "\xEF\xBB\xBF" + slurp(src);
  auto en = read_table_file(src, "the job catalogue");
  auto t = read_table_file(dir / "jobs_tr.csv", "the job catalogue");
  auto b = read_table_file(dir / "jobs_bom.csv", "the job catalogue");
  ASSERT_TRUE(en.ok() && t.ok() && b.ok()) << (t.ok() ? "" : t.error().message);
  EXPECT_EQ(t->delimiter, ';');
  auto je = rules::parse_jobs_table(*en);
  auto jt = rules::parse_jobs_table(*t);
  auto jb = rules::parse_jobs_table(*b);
  ASSERT_TRUE(je.ok() && jt.ok() && jb.ok()) << (jt.ok() ? "" : jt.error().message);
  ASSERT_EQ(je->size(), 3u);
  ASSERT_EQ(jt->size(), je->size());
  for (std::size_t i = 0; i < je->size(); ++i) {
    for (const auto* other : {&*jt, &*jb}) {
      const auto& a = (*je)[i];
      const auto& x = (*other)[i];
      EXPECT_EQ(a.code, x.code);
      EXPECT_EQ(a.title_tr, x.title_tr);
      EXPECT_EQ(a.title_en, x.title_en);
      EXPECT_EQ(a.work_group, x.work_group);
      EXPECT_EQ(a.noisy, x.noisy);
      EXPECT_EQ(a.dusty, x.dusty);
    }
  }
  EXPECT_EQ((*jt)[0].title_tr, "Pano ayak kazmacısı");
}
