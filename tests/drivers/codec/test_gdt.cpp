// GDT 2.1 records: the spec's two worked files (tests/data/devices/gdt-2.1/, provenance in its
// README), writer reproducing the 6302 byte for byte, charsets, and every bad input of §5.
#include <gtest/gtest.h>

#include "drivers/codec/gdt.hpp"
#include "vectors.hpp"

using namespace odyo;
using namespace odyo::codec;
using namespace odyo::testing;

namespace {
const char* kRequest = "gdt-2.1/6302-request-cp437.gdt";
const char* kAudiogram = "gdt-2.1/6310-audiogram-cp437.gdt";

// Rebuilds the lengths of a record whose lines were edited (used to make "wrong charset"
// variants that are internally consistent).
Bytes with_8100(Bytes file) {
  char total[24];  // room for any size_t; a GDT file's total has 5 digits
  std::snprintf(total, sizeof total, "%05zu", file.size());
  std::copy(total, total + 5, file.begin() + 13 + 7);  // line 2 starts at byte 13
  return file;
}
}  // namespace

TEST(Gdt, ParsesTheSpecRequest) {
  const Bytes file = read_file(kRequest);
  ASSERT_EQ(file.size(), 190U);  // §6: 8100 = 190
  auto r = gdt::parse(file);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->record_type, gdt::kRequestExamination);
  EXPECT_EQ(r->charset, Charset::cp437);
  EXPECT_TRUE(r->charset_declared);
  EXPECT_EQ(r->get(3000), "4711");
  EXPECT_EQ(r->get(3101), "\xC3\x96zt\xC3\xBCrk");  // "Öztürk" in UTF-8
  EXPECT_EQ(r->get(3102), "Ali");
  EXPECT_EQ(r->get(3103), "14031978");
  EXPECT_EQ(r->get(8402), "LUFU02");
  EXPECT_EQ(r->get(9218), "02.10");
  EXPECT_EQ(r->fields.size(), 12U);  // 14 lines minus 8000/8100
  EXPECT_TRUE(gdt::check_request_fields(r.value()).ok());
}

TEST(Gdt, WriterReproducesTheSpecRequestByteForByte) {
  // §6: the same fields in the same order; 8000/8100 are added by the writer.
  auto w = gdt::write(6302,
                      {{8315, "SPIRO001"},
                       {8316, "ODYOSPIR"},
                       {9206, "2"},
                       {9218, "02.10"},
                       {3000, "4711"},
                       {3101, "\xC3\x96zt\xC3\xBCrk"},
                       {3102, "Ali"},
                       {3103, "14031978"},
                       {3110, "1"},
                       {3622, "176"},
                       {3623, "82"},
                       {8402, "LUFU02"}},
                      Charset::cp437);
  ASSERT_TRUE(w.ok()) << w.error().message;
  EXPECT_EQ(w.value(), read_file(kRequest));
}

TEST(Gdt, WriterTransliteratesTurkishLettersCp437CannotHold) {
  // gdt-2.1.md §1: ş ğ ı İ Ş Ğ are not in CP437/8859-1 → s g i I S G; ç ö ü stay.
  auto w = gdt::write(6302,
                      {{3101,
                        "\xC5\x9E"
                        "ahin"},
                       {3102,
                        "Ay\xC5\x9F"
                        "eg\xC3\xBCl"}},
                      Charset::cp437);
  ASSERT_TRUE(w.ok()) << w.error().message;
  auto r = gdt::parse(w.value());
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->get(3101), "Sahin");
  EXPECT_EQ(r->get(3102), "Ayseg\xC3\xBCl");
}

TEST(Gdt, ParsesTheSpecAudiogramResult) {
  const Bytes file = read_file(kAudiogram);
  ASSERT_EQ(file.size(), 512U);  // §7
  auto r = gdt::parse(file);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->record_type, gdt::kExaminationData);
  ASSERT_EQ(r->tests.size(), 3U);
  EXPECT_EQ(r->tests[0].ident, "R_AC_1000");
  EXPECT_EQ(r->tests[0].value, "15");
  EXPECT_EQ(r->tests[0].unit, "dB HL");
  EXPECT_EQ(r->tests[2].result_texts.at(0), "keine Reaktion bei 100 dB HL");
  EXPECT_EQ(r->get(6227), "Test nach Hughson-Westlake, Kopfhoerer TDH39");

  auto a = gdt::audiogram(r.value());
  ASSERT_TRUE(a.ok()) << a.error().message;
  ASSERT_EQ(a->points.size(), 3U);
  // §7 "Decoded": right AC 1 kHz 15 dB HL, 4 kHz 45 dB HL; left 4 kHz no response at 100 dB HL.
  EXPECT_EQ(a->points[0].ear, Ear::right);
  EXPECT_EQ(a->points[0].transducer, Transducer::air);
  EXPECT_EQ(a->points[0].frequency_hz, 1000);
  EXPECT_EQ(a->points[0].status, PointStatus::measured);
  EXPECT_EQ(a->points[0].threshold_db_hl, 15.0);
  EXPECT_EQ(a->points[1].frequency_hz, 4000);
  EXPECT_EQ(a->points[1].threshold_db_hl, 45.0);
  EXPECT_EQ(a->points[2].ear, Ear::left);
  EXPECT_EQ(a->points[2].status, PointStatus::no_response);
  EXPECT_EQ(a->points[2].threshold_db_hl, 100.0);
  EXPECT_FALSE(a->points[2].masked);
}

TEST(Gdt, PartnerIdentsAndDecimalComma) {
  auto w = gdt::write(6310,
                      {{8316, "AUDIO002"},
                       {8402, "AUDI01"},
                       {8410, "HL_RE_500"},
                       {8420, "12,5"},
                       {8421, "dB HL"},
                       {8410, "XYZ"},
                       {8420, "3"}},
                      Charset::iso8859_1);
  ASSERT_TRUE(w.ok());
  auto r = gdt::parse(w.value());
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->charset, Charset::iso8859_1);
  gdt::AudiogramMapping m;
  m.idents["HL_RE_500"] = {Ear::right, Transducer::air, false, 500};
  auto a = gdt::audiogram(r.value(), m);
  ASSERT_TRUE(a.ok()) << a.error().message;
  ASSERT_EQ(a->points.size(), 1U);
  EXPECT_EQ(a->points[0].threshold_db_hl, 12.5);
  EXPECT_NE(a->source.find("XYZ"), std::string::npos);  // not silently dropped
  // Without the mapping nothing is recognised: a clear error naming the idents.
  auto none = gdt::audiogram(r.value());
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.error().message.find("HL_RE_500"), std::string::npos);
}

TEST(Gdt, ParseDecimal) {
  EXPECT_EQ(gdt::parse_decimal("15"), 15.0);
  EXPECT_EQ(gdt::parse_decimal(" 2,5 "), 2.5);
  EXPECT_EQ(gdt::parse_decimal("-10"), -10.0);
  EXPECT_FALSE(gdt::parse_decimal("2,5", false).has_value());
  EXPECT_FALSE(gdt::parse_decimal("1.2.3").has_value());
  EXPECT_FALSE(gdt::parse_decimal("NR").has_value());
  EXPECT_FALSE(gdt::parse_decimal("").has_value());
}

// ---- bad input (gdt-2.1.md §5 "Error handling") ----

TEST(Gdt, HalfWrittenFileIsIncompleteNotBroken) {
  const Bytes file = read_file(kAudiogram);
  for (std::size_t cut : {0UL, 5UL, 13UL, 20UL, 100UL, 511UL}) {
    auto r = gdt::parse(ByteSpan(file.data(), cut));
    ASSERT_FALSE(r.ok()) << "cut " << cut;
    if (cut >= 27) {  // 8100 has been read: the file is known to be short
      EXPECT_EQ(r.error().code, errc::incomplete) << "cut " << cut << ": " << r.error().message;
      EXPECT_NE(r.error().message.find("still being written"), std::string::npos);
    }
  }
}

TEST(Gdt, UndeclaredUtf8IsRejectedByLineLength) {
  // §2: "Öztürk" written as UTF-8 by mistake needs LLL 017, the line says 015.
  Bytes file = read_file(kRequest);
  Bytes bad;
  const Bytes cp437_name = {0x99, 0x7A, 0x74, 0x81, 0x72, 0x6B};
  const Bytes utf8_name = ascii("\xC3\x96zt\xC3\xBCrk");
  auto it = std::search(file.begin(), file.end(), cp437_name.begin(), cp437_name.end());
  ASSERT_NE(it, file.end());
  bad.insert(bad.end(), file.begin(), it);
  bad.insert(bad.end(), utf8_name.begin(), utf8_name.end());
  bad.insert(bad.end(), it + 6, file.end());
  bad = with_8100(bad);
  auto r = gdt::parse(bad);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, errc::bad_length);
  EXPECT_NE(r.error().message.find("line 8"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("character set"), std::string::npos);
}

TEST(Gdt, WrongCharsetByteIsRejectedWithOffset) {
  // Declared 7-bit ASCII (9206 = 1) but the surname holds CP437 bytes ≥ 0x80.
  Bytes file = read_file(kRequest);
  const Bytes decl = ascii("01092062");
  auto it = std::search(file.begin(), file.end(), decl.begin(), decl.end());
  ASSERT_NE(it, file.end());
  *(it + 7) = '1';
  auto r = gdt::parse(file);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, errc::bad_charset);
  // Lines 1–7 are 13+14+17+17+10+14+13 = 98 bytes (§6), so line 8 starts at 98 and its
  // content ("Öztürk", first byte 0x99) at 98 + 7 = 105.
  EXPECT_EQ(r.error().offset, 105U);
  EXPECT_NE(r.error().message.find("0x99"), std::string::npos) << r.error().message;
}

TEST(Gdt, UnknownCharsetCodeIsRejected) {
  Bytes file = read_file(kRequest);
  const Bytes decl = ascii("01092062");
  auto it = std::search(file.begin(), file.end(), decl.begin(), decl.end());
  *(it + 7) = '7';
  auto r = gdt::parse(file);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, errc::bad_charset);
  EXPECT_NE(r.error().message.find("9206"), std::string::npos);
}

TEST(Gdt, CharsetsDecodeDifferently) {
  // The same byte 0xA4 is "ñ" in CP437, "¤" in ISO 8859-1 and "€" in ISO 8859-15 (code tables).
  const Bytes b = {0xA4};
  EXPECT_EQ(to_utf8(b, Charset::cp437).value(), "\xC3\xB1");
  EXPECT_EQ(to_utf8(b, Charset::iso8859_1).value(), "\xC2\xA4");
  EXPECT_EQ(to_utf8(b, Charset::iso8859_15).value(), "\xE2\x82\xAC");
  EXPECT_FALSE(to_utf8(b, Charset::ascii7).ok());
  // Partner override: a file declared 3 but written by ISO 8859-15 software.
  auto w = gdt::write(6310, {{9206, "3"}, {6227, "Preis \xC2\xA4"}}, Charset::iso8859_1);
  ASSERT_TRUE(w.ok());
  gdt::GdtOptions o;
  o.charset_override = Charset::iso8859_15;
  auto r = gdt::parse(w.value(), o);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->get(6227), "Preis \xE2\x82\xAC");
  // Round trip of every CP437 character above 0x7F.
  Bytes all;
  for (int i = 0x80; i <= 0xFF; ++i) all.push_back(static_cast<std::uint8_t>(i));
  auto u = to_utf8(all, Charset::cp437);
  ASSERT_TRUE(u.ok());
  auto back = from_utf8(u.value(), Charset::cp437);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back.value(), all);
}

TEST(Gdt, WriterRefusesWhatItCannotEncode) {
  auto w = gdt::write(6302, {{3101, "\xE4\xB8\xAD"}}, Charset::cp437);  // a CJK character
  ASSERT_FALSE(w.ok());
  EXPECT_EQ(w.error().code, errc::bad_charset);
  EXPECT_NE(w.error().message.find("U+4E2D"), std::string::npos) << w.error().message;
  auto l = gdt::write(6302, {{6227, std::string(991, 'x')}}, Charset::cp437);
  ASSERT_FALSE(l.ok());
  EXPECT_EQ(l.error().code, errc::bad_length);
  auto ok = gdt::write(6302, {{6227, std::string(990, 'x')}}, Charset::cp437);  // 999 exactly
  EXPECT_TRUE(ok.ok());
}

TEST(Gdt, FramingErrors) {
  Bytes file = read_file(kRequest);
  {  // 8100 larger than the file → incomplete; smaller → bad_length
    Bytes b = file;
    b[13 + 7 + 2] = '2';  // 00190 → 00290
    EXPECT_EQ(gdt::parse(b).error().code, errc::incomplete);
    b[13 + 7 + 2] = '0';  // 00090
    EXPECT_EQ(gdt::parse(b).error().code, errc::bad_length);
  }
  {  // line 1 is not 8000
    Bytes b = file;
    b[3] = '9';
    auto r = gdt::parse(b);
    EXPECT_EQ(r.error().code, errc::bad_header);
    EXPECT_NE(r.error().message.find("8000"), std::string::npos);
  }
  {  // non-digit length
    Bytes b = file;
    b[27] = 'x';  // line 3 length
    auto r = gdt::parse(b);
    EXPECT_EQ(r.error().code, errc::bad_header);
    EXPECT_NE(r.error().message.find("line 3"), std::string::npos);
  }
  {  // missing mandatory patient field in a 6302
    auto w = gdt::write(6302, {{3000, "4711"}, {3101, "X"}}, Charset::cp437);
    auto r = gdt::parse(w.value());
    ASSERT_TRUE(r.ok());
    auto c = gdt::check_request_fields(r.value());
    ASSERT_FALSE(c.ok());
    EXPECT_NE(c.error().message.find("3102"), std::string::npos);
    EXPECT_NE(c.error().message.find("3103"), std::string::npos);
  }
  {  // a 6302 is not an audiogram
    auto r = gdt::parse(file);
    EXPECT_FALSE(gdt::audiogram(r.value()).ok());
  }
}

TEST(Gdt, ShowExaminationRecord6311RoundTrips) {
  // §3: 6311 = "show examination data" (PVS → device software), same framing as the others.
  auto w = gdt::write(6311,
                      {{8315, "AUDIO001"},
                       {8316, "ODYOSPIR"},
                       {3000, "4711"},
                       {3101, "\xC3\x96zt\xC3\xBCrk"},
                       {8402, "AUDI01"}},
                      Charset::cp437);
  ASSERT_TRUE(w.ok());
  // 8000 (13) + 8100 (14) + 9206 (10) + 8315 (17) + 8316 (17) + 3000 (13) + 3101 (15) + 8402 (15)
  EXPECT_EQ(w.value().size(), 114U);
  auto r = gdt::parse(w.value());
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->record_type, gdt::kShowExamination);
  EXPECT_EQ(r->get(3101), "\xC3\x96zt\xC3\xBCrk");
}
