// The HL7 v2.5.1 ORU^R01 message of a signed exam (station/export/hl7_oru): CR-only segment
// ends, MSH with a stable MSH-10 and UNICODE UTF-8, PID with the T.C. kimlik no, one ORC/OBR,
// OBX rows with the LOINC/local codes and UCUM units of the FHIR export, escaping of the HL7
// delimiters, Turkish letters intact; each message parsed back by Debian's python3-hl7.
#include "station/export/hl7_oru.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>
#include <vector>

#include "tests/station/export/export_samples.hpp"
#include "tests/station/support/station_fixture.hpp"

using nlohmann::json;
using odyo::station::hl7_escape;
using odyo::station::hl7_oru_r01;
using odyo::station::prepare_export;

namespace {

std::string message_of(const odyo::station::ExamRecord& r) {
  const auto cfg = odyo::test::export_config();
  auto x = prepare_export(r, cfg);
  EXPECT_TRUE(x.ok()) << (x.ok() ? "" : x.error().message);
  return hl7_oru_r01(*x, cfg);
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == sep) {
      out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

// The segment starting with `prefix` (e.g. "OBX|3|").
std::string segment(const std::string& m, const std::string& prefix) {
  for (const auto& s : split(m, '\r'))
    if (s.rfind(prefix, 0) == 0) return s;
  ADD_FAILURE() << "no segment " << prefix;
  return "";
}

// The OBX whose OBX-3 starts with `code^`.
std::vector<std::string> obx(const std::string& m, const std::string& code) {
  for (const auto& s : split(m, '\r')) {
    auto f = split(s, '|');
    if (f.size() > 3 && f[0] == "OBX" && f[3].rfind(code + "^", 0) == 0) return f;
  }
  ADD_FAILURE() << "no OBX " << code;
  return {};
}

json parse_with_python_hl7(const odyo::test::TempDir& dir, const std::string& m) {
  const auto f = dir.write("m.hl7", m);
  const auto r = odyo::test::run_command(std::string("/usr/bin/python3 ") + ODYO_SOURCE_DIR +
                                         "/tests/station/export/hl7_check.py " + f);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return json::parse(r.out, nullptr, false);
}

}  // namespace

TEST(Hl7Oru, EscapesTheDelimiters) {
  EXPECT_EQ(hl7_escape("a|b^c~d\\e&f"), "a\\F\\b\\S\\c\\R\\d\\E\\e\\T\\f");
  EXPECT_EQ(hl7_escape("Işıkoğlu"), "Işıkoğlu");
}

TEST(Hl7Oru, SpirometryMessageStructure) {
  const auto m = message_of(odyo::test::base_record("spirometry", odyo::test::spiro_payload()));
  EXPECT_EQ(m.find('\n'), std::string::npos);
  ASSERT_FALSE(m.empty());
  EXPECT_EQ(m.back(), '\r');
  EXPECT_EQ(segment(m, "MSH"),
            "MSH|^~\\&|ISG-ISTASYON|TTK-KOZLU|MERKEZ-KAYIT|TTK-GM|20261120101500+0000||"
            "ORU^R01^ORU_R01|ST01-E12-V1-ORU|P|2.5.1|||AL|NE|TUR|UNICODE UTF-8");
  EXPECT_EQ(segment(m, "PID"),
            "PID|1||38492017510^^^TCKN^NNTUR~D-1001^^^TTK-KOZLU^EI||"
            "Işıkoğlu\\F\\Öz\\S\\Ünal\\T\\İ\\R\\\\E\\^Çağrı Şükrü||19840312|M");
  EXPECT_EQ(segment(m, "ORC"), "ORC|RE|ST01-E12|ST01-E12-V1^ISG-ISTASYON");
  const auto obr = split(segment(m, "OBR"), '|');
  ASSERT_EQ(obr.size(), 33u);
  EXPECT_EQ(obr[4], "18759-1^Spirometry study^LN");
  EXPECT_EQ(obr[7], "20261120091500+0000");
  EXPECT_EQ(obr[24], "PF");
  EXPECT_EQ(obr[25], "F");
  EXPECT_EQ(obr[32], "ST01-hekim&Dr. Ayşe Yılmaz");

  const auto fev1 = obx(m, "20150-9");
  ASSERT_GE(fev1.size(), 15u);
  EXPECT_EQ(fev1[2], "NM");
  EXPECT_EQ(fev1[5], "3.12");
  EXPECT_EQ(fev1[6], "L^liter^UCUM");
  EXPECT_EQ(fev1[7], ">3.10");
  EXPECT_EQ(fev1[8], "N");
  EXPECT_EQ(fev1[11], "F");
  EXPECT_EQ(obx(m, "20149-1")[5], "3.85");
  EXPECT_EQ(obx(m, "20149-1")[4], fev1[4]);  // the same sub-ID groups a value and its references
  EXPECT_EQ(obx(m, "20152-5")[6], "%^percent^UCUM");
  const auto z = obx(m, "FEV1-Z");
  EXPECT_EQ(z[3],
            "FEV1-Z^FEV1 z-score (GLI Global 2022)^99TTK^1078210003^Z-score calculation technique "
            "(qualifier value)^SCT");
  EXPECT_EQ(z[5], "-1.42");
  EXPECT_EQ(z[6], "{z-score}^z-score^UCUM");
  EXPECT_EQ(obx(m, "FEV1-LLN")[5], "3.10");
  EXPECT_EQ(obx(m, "19926-5")[5], "76.2");
  EXPECT_EQ(obx(m, "19927-3")[8], "L");
  EXPECT_EQ(obx(m, "20088-1")[5], "EQ-gli-global-2022^GLI Global 2022^99TTK");
  EXPECT_EQ(obx(m, "HEALTH-GROUP")[2], "CWE");
  EXPECT_EQ(obx(m, "HEALTH-GROUP")[5], "HEALTH-GROUP-B^Health group B^99TTK");
  EXPECT_EQ(obx(m, "GRADE-FEV1")[2], "ST");
  EXPECT_EQ(obx(m, "GRADE-FEV1")[5], "A");
  // OBX set ids run 1..n.
  int n = 0;
  for (const auto& s : split(m, '\r')) {
    if (s.rfind("OBX|", 0) == 0) {
      EXPECT_EQ(split(s, '|')[1], std::to_string(++n));
    }
  }
  EXPECT_GT(n, 15);
}

TEST(Hl7Oru, SameVersionSameBytesACorrectionIsNewAndMarkedC) {
  auto r = odyo::test::base_record("spirometry", odyo::test::spiro_payload());
  const auto a = message_of(r);
  EXPECT_EQ(a, message_of(r));
  auto v2 = r.results[0];
  v2.version = 2;
  r.results.push_back(v2);
  const auto b = message_of(r);
  EXPECT_EQ(split(segment(b, "MSH"), '|')[9], "ST01-E12-V2-ORU");
  EXPECT_EQ(split(segment(b, "OBR"), '|')[25], "C");
  EXPECT_EQ(obx(b, "20150-9")[11], "C");
  r.decision->kind = "auto";
  EXPECT_EQ(obx(message_of(r), "HEALTH-GROUP")[11], "P");
}

TEST(Hl7Oru, AudiometryNoResponseIsStructuredNumeric) {
  const auto m = message_of(odyo::test::base_record("audiometry", odyo::test::audio_payload()));
  EXPECT_EQ(split(segment(m, "OBR"), '|')[4], "89015-2^Pure tone threshold audiometry panel^LN");
  EXPECT_EQ(split(segment(m, "OBR"), '|')[24], "AU");
  const auto r500 = obx(m, "89025-1");
  EXPECT_EQ(r500[2], "NM");
  EXPECT_EQ(r500[5], "15");
  EXPECT_EQ(r500[6], "dB^dB HL^UCUM");
  const auto nr = obx(m, "89028-5");
  EXPECT_EQ(nr[2], "SN");
  EXPECT_EQ(nr[5], ">^100");
  EXPECT_EQ(obx(m, "BC-R-1000")[3],
            "BC-R-1000^Bone-conduction hearing threshold Ear - right --1000 "
            "Hz^99TTK");
  EXPECT_EQ(obx(m, "AC-M-R-3000")[5], "45");
  EXPECT_EQ(obx(m, "MASKING-LEVEL")[5], "60");
  EXPECT_EQ(obx(m, "PTA-L")[5], "15.0");
}

TEST(Hl7Oru, PythonHl7ParsesEveryMessage) {
  odyo::test::TempDir dir;
  for (const char* kind : {"spirometry", "audiometry"}) {
    const auto m = message_of(odyo::test::base_record(kind, std::string(kind) == "spirometry"
                                                                ? odyo::test::spiro_payload()
                                                                : odyo::test::audio_payload()));
    const auto p = parse_with_python_hl7(dir, m);
    ASSERT_FALSE(p.is_discarded()) << kind;
    const auto segs = split(m, '\r');
    ASSERT_EQ(p["segments"].size(), segs.size()) << kind;
    EXPECT_EQ(p["segments"][0], "MSH");
    EXPECT_EQ(p["segments"][1], "PID");
    EXPECT_EQ(p["segments"][3], "ORC");
    EXPECT_EQ(p["segments"][4], "OBR");
    EXPECT_EQ(p["msh18"], "UNICODE UTF-8");
    EXPECT_EQ(p["pid3"], "38492017510");
    EXPECT_EQ(p["pid5_family"], "Işıkoğlu|Öz^Ünal&İ~\\");  // unescaped back
    EXPECT_EQ(p["pid5_given"], "Çağrı Şükrü");
    EXPECT_EQ(p["obr25"], "F");
    // Every OBX value as python-hl7 reads it equals what the encoder wrote.
    std::size_t i = 0;
    for (const auto& s : segs) {
      auto f = split(s, '|');
      if (f[0] != "OBX") continue;
      ASSERT_LT(i, p["obx"].size());
      const auto& o = p["obx"][i++];
      EXPECT_EQ(o["set_id"], f[1]);
      EXPECT_EQ(o["type"], f[2]);
      EXPECT_EQ(o["code"], split(f[3], '^')[0]);
      if (f[2] == "NM") {
        EXPECT_EQ(o["value"], f[5]);
        EXPECT_NO_THROW((void)std::stod(o["value"].get<std::string>())) << s;
      }
    }
    EXPECT_EQ(i, p["obx"].size());
    EXPECT_GT(i, 10u);
  }
}
