// Every message the demo produces, checked by parsers and validators independent of the station:
// `odyospiro demo` on a station whose configuration has a FHIR and an HL7 destination, then the
// physician signs the demo's spirometry and audiometry exams with `exam sign`, which queues each
// exam's FHIR transaction Bundle and HL7 ORU^R01 in the outbox. Every queued Bundle and every
// `export fhir` Bundle gives 0 errors in both FHIR validators (the npm `fhir` package and the
// official R4 JSON schema); each queued Bundle's DiagnosticReport carries the PDF report as
// presentedForm (application/pdf, base64), byte for byte what `export pdf` makes in the station's
// language; every queued and exported HL7 message is parsed by python3-hl7.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "station/storage/base64.hpp"
#include "station/storage/database.hpp"
#include "tests/station/export/outbox_cli_station.hpp"
#include "tests/station/support/station_fixture.hpp"

using nlohmann::json;
using odyo::test::run_command;

TEST(ExportDemo, EveryBundleAndMessageOfTheDemoValidates) {
  // The configuration: two network destinations (never contacted here).
  odyo::test::OutboxCliStation st(0, "host=/nonexistent");
  st.write_config(
      "[[export.destination]]\nid = \"central-fhir\"\nkind = \"fhir\"\nurl = "
      "\"http://127.0.0.1:9/fhir\"\n[[export.destination]]\nid = \"his\"\nkind = \"hl7\"\nurl = "
      "\"127.0.0.1:9\"\n");
  const auto db = st.dir / "demo.db";
  const std::string exe = "'" + std::string(ODYOSPIRO_EXE) + "' --config '" + st.config.string() +
                          "' --db '" + db.string() + "'";
  const auto demo = odyo::test::run_demo_with(exe);
  const auto hekim = demo.as(exe, "hekim");
  std::vector<std::int64_t> exams{demo.report.at("spirometry_exam").get<std::int64_t>(),
                                  demo.report.at("audiometry_exam").get<std::int64_t>()};
  for (auto e : exams) {
    const auto r = run_command(hekim + " exam sign " + std::to_string(e));
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }

  // What the outbox holds: one message per exam and destination.
  std::vector<std::pair<std::string, std::string>> queued;  // kind, payload
  {
    auto opened = odyo::station::Database::open(db);
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    auto q = (*opened)->prepare("SELECT kind, payload FROM outbox ORDER BY id");
    ASSERT_TRUE(q.ok());
    while (*q->step()) queued.emplace_back(q->text(0), q->text(1));
  }
  ASSERT_EQ(queued.size(), 4u);

  std::vector<std::string> bundles, messages;
  int n = 0;
  const auto file = [&](const std::string& ext, const std::string& text) {
    const auto p = (st.dir / ("m" + std::to_string(++n) + ext)).string();
    std::ofstream(p, std::ios::binary) << text;
    return p;
  };
  std::size_t pdfs = 0;
  for (const auto& [kind, payload] : queued) {
    if (kind == "hl7") {
      messages.push_back(file(".hl7", payload));
      continue;
    }
    ASSERT_EQ(kind, "fhir");
    bundles.push_back(file(".json", payload));
    const auto b = json::parse(payload);
    for (const auto& e : b["entry"]) {
      const auto& res = e["resource"];
      if (res["resourceType"] != "DiagnosticReport") continue;
      ASSERT_EQ(res["presentedForm"].size(), 1u) << res.dump().substr(0, 400);
      const auto& form = res["presentedForm"][0];
      EXPECT_EQ(form["contentType"], "application/pdf");
      EXPECT_EQ(form["language"], "tr");  // the shipped configuration's language
      const auto pdf = odyo::station::base64_decode(form["data"].get<std::string>());
      const std::string bytes(pdf.begin(), pdf.end());
      ASSERT_EQ(bytes.rfind("%PDF-", 0), 0u);
      // The exam this report is of, from its identifier "ST01-E<id>-V1-REPORT".
      const std::string ident = res["identifier"][0]["value"];
      const auto from = ident.find("-E") + 2;
      const std::string exam = ident.substr(from, ident.find("-V", from) - from);
      const auto r = run_command(hekim + " --lang tr export pdf " + exam);
      ASSERT_EQ(r.exit_code, 0) << r.err;
      EXPECT_EQ(bytes, r.out) << "exam " << exam;
      ++pdfs;
    }
  }
  EXPECT_EQ(pdfs, 2u);
  // And what `export fhir|hl7` writes for the same exams.
  for (auto e : exams) {
    for (const std::string format : {"fhir", "hl7"}) {
      const auto out = (st.dir / ("x" + std::to_string(e) + "." + format)).string();
      const auto r =
          run_command(hekim + " export " + format + " " + std::to_string(e) + " --output " + out);
      ASSERT_EQ(r.exit_code, 0) << r.err;
      (format == "fhir" ? bundles : messages).push_back(out);
    }
  }
  ASSERT_EQ(bundles.size(), 4u);
  for (const auto& f : bundles) {
    const auto v = run_command(std::string("node ") + ODYO_FHIR_VALIDATOR + " " + f);
    EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
    EXPECT_NE(v.out.find(f + ": fhir: 0 errors"), std::string::npos) << v.out;
    EXPECT_NE(v.out.find(f + ": json-schema: 0 errors"), std::string::npos) << v.out;
  }
  ASSERT_EQ(messages.size(), 4u);
  for (const auto& f : messages) {
    const auto r = run_command(std::string("/usr/bin/python3 ") + ODYO_SOURCE_DIR +
                               "/tests/station/export/hl7_check.py " + f);
    ASSERT_EQ(r.exit_code, 0) << f << ": " << r.err;
    const auto p = json::parse(r.out);
    EXPECT_FALSE(p["obx"].empty()) << f;
    EXPECT_NE(p["msh10"].get<std::string>().find("-ORU"), std::string::npos) << f;
  }
}
