// `odyospiro export fhir|hl7` end to end, through the built program: a technician registers a
// worker and stores a spirometry exam from the simulated spirometer (`acquire spiro`), the
// worker is evaluated, and only after the physician's `exam sign` may a physician (or an admin)
// export it. The FHIR Bundle validates with the npm `fhir` package, python3-hl7 parses the HL7
// message; both are byte-identical on a second run; every export leaves an audit row.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "station/storage/base64.hpp"
#include "tests/station/export/exported_station.hpp"
#include "tests/station/support/station_fixture.hpp"

using nlohmann::json;
using odyo::test::run_command;
using odyo::test::Station;

namespace {

std::string slurp(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

struct Exported : odyo::test::ExportedStation {
  std::int64_t exam = measure("D-1001", odyo::test::kFirstWorker);
};

}  // namespace

TEST(ExportCli, OnlyASignedExamIsExportedByAPhysicianOrAdmin) {
  Exported x;
  ASSERT_GT(x.exam, 0);
  const std::string id = std::to_string(x.exam);
  auto r = x.st.run_as("hekim", "--lang en export fhir " + id);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("is not signed"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("odyospiro exam sign " + id), std::string::npos) << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;
  r = x.st.run_as("hekim", "--lang en export hl7 " + id);
  EXPECT_EQ(r.exit_code, 1);

  ASSERT_EQ(x.st.run_as("hekim", "exam sign " + id).exit_code, 0);
  r = x.st.run_as("tekniker", "--lang en export fhir " + id);
  EXPECT_EQ(r.exit_code, 5) << r.err;
  r = x.st.run_as("hekim", "--lang en export fhir 999");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("no exam 999"), std::string::npos) << r.err;
  EXPECT_EQ(x.st.run_as("admin", "export hl7 " + id).exit_code, 0);
  // The refused and the unsigned attempts exported nothing: one audit row, the admin's.
  EXPECT_EQ(x.sql("SELECT actor FROM audit_log WHERE action='exam.export'").out, "admin\n");
}

TEST(ExportCli, FhirBundleOfTheStoredExamValidatesAndIsStable) {
  Exported x;
  const std::string id = std::to_string(x.exam);
  ASSERT_EQ(x.st.run_as("hekim", "exam sign " + id).exit_code, 0);
  const auto f1 = (x.st.dir / "a.json").string();
  const auto f2 = (x.st.dir / "b.json").string();
  auto r = x.st.run_as("hekim", "--json export fhir " + id + " --output " + f1);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(json::parse(r.out)["identifier"], "ST01-E" + id + "-V1");
  ASSERT_EQ(x.st.run_as("hekim", "export fhir " + id + " --output " + f2).exit_code, 0);
  const auto text = slurp(f1);
  EXPECT_EQ(text, slurp(f2));                     // byte-identical on every run
  r = x.st.run_as("hekim", "export fhir " + id);  // standard output: the same text
  EXPECT_EQ(r.out, text);

  const auto v = run_command(std::string("node ") + ODYO_FHIR_VALIDATOR + " " + f1);
  EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
  // Two independent validators: the npm `fhir` package and the official R4 JSON schema.
  EXPECT_NE(v.out.find(": fhir: 0 errors"), std::string::npos) << v.out;
  EXPECT_NE(v.out.find(": json-schema: 0 errors"), std::string::npos) << v.out;

  // The numbers are the stored result's: FEV1 as `exam show` has it, in L with 2 decimals.
  const auto b = json::parse(text);
  const auto shown = json::parse(x.st.run_as("hekim", "--json exam show " + id).out);
  const double fev1 =
      shown["results"].back()["payload"]["reference"]["params"]["FEV1"]["measured"].get<double>();
  bool found = false;
  for (const auto& e : b["entry"]) {
    const auto& res = e["resource"];
    if (res["resourceType"] != "Observation" || res["code"]["coding"][0]["code"] != "20150-9")
      continue;
    found = true;
    EXPECT_NEAR(res["valueQuantity"]["value"].get<double>(), fev1, 0.005);
    EXPECT_EQ(res["valueQuantity"]["code"], "L");
  }
  EXPECT_TRUE(found) << text;
  // The report's PDF rides along as the DiagnosticReport's presentedForm, in the station's
  // language (the shipped configuration's Turkish) whoever exports: the same bytes as
  // `export pdf` in that language.
  std::string pdf_b64;
  for (const auto& e : b["entry"]) {
    const auto& res = e["resource"];
    if (res["resourceType"] != "DiagnosticReport") continue;
    ASSERT_EQ(res["presentedForm"].size(), 1u);
    EXPECT_EQ(res["presentedForm"][0]["contentType"], "application/pdf");
    EXPECT_EQ(res["presentedForm"][0]["language"], "tr");
    pdf_b64 = res["presentedForm"][0]["data"];
  }
  const auto pdf = odyo::station::base64_decode(pdf_b64);
  EXPECT_EQ(std::string(pdf.begin(), pdf.end()),
            x.st.run_as("hekim", "--lang tr export pdf " + id).out);
  EXPECT_EQ(b["entry"][0]["resource"]["name"][0]["family"], "Işıkoğlu");
  // The signature exported is the stored one.
  const auto sig = x.sql("SELECT signature FROM signatures").out;
  std::string data;
  for (const auto& e : b["entry"])
    if (e["resource"]["resourceType"] == "Provenance") data = e["resource"]["signature"][0]["data"];
  EXPECT_EQ(data + "\n", sig);
  EXPECT_EQ(x.sql("SELECT count(*) FROM audit_log WHERE action='exam.export' AND details LIKE "
                  "'%fhir-r4-transaction%'")
                .out,
            "3\n");
  EXPECT_EQ(x.st.run_as("admin", "db verify").exit_code, 0);
}

TEST(ExportCli, Hl7MessageOfTheStoredExamParsesWithPythonHl7) {
  Exported x;
  const std::string id = std::to_string(x.exam);
  ASSERT_EQ(x.st.run_as("hekim", "exam sign " + id).exit_code, 0);
  const auto f = (x.st.dir / "m.hl7").string();
  ASSERT_EQ(x.st.run_as("hekim", "export hl7 " + id + " --output " + f).exit_code, 0);
  const auto m = slurp(f);
  EXPECT_EQ(m.find('\n'), std::string::npos);
  EXPECT_EQ(x.st.run_as("hekim", "export hl7 " + id).out, m);
  const auto r = run_command(std::string("/usr/bin/python3 ") + ODYO_SOURCE_DIR +
                             "/tests/station/export/hl7_check.py " + f);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto p = json::parse(r.out);
  std::size_t segments = 0;
  for (char c : m) segments += c == '\r';
  EXPECT_EQ(p["segments"].size(), segments);
  EXPECT_EQ(p["msh10"], "ST01-E" + id + "-V1-ORU");
  EXPECT_EQ(p["pid5_family"], "Işıkoğlu");
  EXPECT_EQ(p["pid5_given"], "Çağrı");
  EXPECT_EQ(p["obr4"], "18759-1");
  bool fev1 = false;
  for (const auto& o : p["obx"]) {
    if (o["code"] != "20150-9") continue;
    fev1 = true;
    EXPECT_EQ(o["type"], "NM");
    EXPECT_EQ(o["units"], "L");
    EXPECT_GT(std::stod(o["value"].get<std::string>()), 1.0);
  }
  EXPECT_TRUE(fev1) << r.out;
}
