// `odyospiro export pdf`, end to end through the built program: the physician's PDF report of a
// signed spirometry exam. Read back with poppler (Debian poppler-utils), independent of cairo:
// `pdftotext` finds the worker's Turkish name letter for letter (the font has the glyphs and
// the PDF maps them back to text), the charts' own axis labels (the station's SVG charts are
// drawn in), FEV1 with the number the FHIR export carries, the evaluation's clause and the
// signer; `pdftoppm` renders every page to PNG. Same exam version → same bytes; unsigned refused.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "tests/station/export/exported_station.hpp"
#include "tests/station/support/station_fixture.hpp"

using nlohmann::json;
using odyo::test::run_command;

namespace {

std::string slurp(const std::filesystem::path& path) {
  std::ifstream f(path, std::ios::binary);
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

// Whitespace runs as one space: pdftotext lays text out by position.
std::string squeezed(const std::string& s) {
  std::string out;
  for (char ch : s) {
    const bool space = ch == ' ' || ch == '\n' || ch == '\t' || ch == '\r' || ch == '\f';
    if (space && (out.empty() || out.back() == ' ')) continue;
    out += space ? ' ' : ch;
  }
  return out;
}

}  // namespace

TEST(ExportPdfCli, SignedSpirometryReportCarriesTheWorkerChartsValuesEvaluationAndSignature) {
  odyo::test::ExportedStation x;
  const std::int64_t exam = x.measure("D-1001", odyo::test::kFirstWorker);
  ASSERT_GT(exam, 0);
  const std::string id = std::to_string(exam);
  const auto pdf = x.st.dir / "rapor.pdf";
  auto r = x.st.run_as("hekim", "--lang en export pdf " + id + " --output " + pdf.string());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("is not signed"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(pdf));
  ASSERT_EQ(x.st.run_as("hekim", "exam sign " + id).exit_code, 0);
  r = x.st.run_as("tekniker", "--lang tr export pdf " + id + " --output " + pdf.string());
  EXPECT_EQ(r.exit_code, 5) << r.err;

  r = x.st.run_as("hekim", "--lang tr export pdf " + id + " --output " + pdf.string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string bytes = slurp(pdf);
  ASSERT_EQ(bytes.rfind("%PDF-", 0), 0u);
  // Same exam version, same bytes (standard output too).
  EXPECT_EQ(x.st.run_as("hekim", "--lang tr export pdf " + id).out, bytes);

  const auto info = run_command("pdfinfo '" + pdf.string() + "'");
  ASSERT_EQ(info.exit_code, 0) << info.err;
  EXPECT_NE(info.out.find("595.276 x 841.89 pts (A4)"), std::string::npos) << info.out;
  const auto txt = run_command("pdftotext -enc UTF-8 '" + pdf.string() + "' -");
  ASSERT_EQ(txt.exit_code, 0) << txt.err;
  const std::string t = squeezed(txt.out);
  EXPECT_NE(t.find("Spirometri raporu"), std::string::npos) << t;
  EXPECT_NE(t.find("Çağrı Işıkoğlu"), std::string::npos) << t;
  EXPECT_NE(t.find("38492017510"), std::string::npos) << t;
  EXPECT_NE(t.find("12.03.1984"), std::string::npos) << t;  // a Turkish date in Turkish
  // The charts' own axis labels, as `exam chart` draws them in Turkish.
  for (const char* kind : {"flow-volume", "volume-time"}) {
    const auto svg =
        x.st.run_as("hekim", "--lang tr exam chart " + id + " --kind " + std::string(kind) +
                                 " --output " + (x.st.dir / (std::string(kind) + ".svg")).string());
    ASSERT_EQ(svg.exit_code, 0) << svg.err;
  }
  // Each chart's title, as the SVG of `exam chart` has it, is in the report.
  for (const auto& [kind, title] : {std::pair{"flow-volume", "Akım-hacim eğrisi"},
                                    std::pair{"volume-time", "Hacim-zaman eğrisi"}}) {
    EXPECT_NE(slurp(x.st.dir / (std::string(kind) + ".svg")).find(title), std::string::npos)
        << kind;
    EXPECT_NE(t.find(title), std::string::npos) << title << "\n" << t;
  }
  // FEV1 with the FHIR Bundle's number, the evaluation's clauses, the signer.
  const auto b = json::parse(x.st.run_as("hekim", "export fhir " + id).out);
  std::string fev1;
  for (const auto& e : b["entry"]) {
    const auto& res = e["resource"];
    if (res["resourceType"] == "Observation" && res["code"]["coding"][0]["code"] == "20150-9")
      fev1 = res["valueQuantity"]["value"].dump();
  }
  ASSERT_FALSE(fev1.empty());
  EXPECT_NE(t.find("FEV1"), std::string::npos) << t;
  EXPECT_NE(t.find(fev1 + " L"), std::string::npos) << fev1 << "\n" << t;
  const auto clause = x.sql(
                           "SELECT json_extract(result_json, '$.result.ek2.rules[0].clause') "
                           "FROM evaluations WHERE exam_id=" +
                           id + " ORDER BY id DESC LIMIT 1")
                          .out;
  if (clause != "\n") {
    EXPECT_NE(t.find(squeezed(clause.substr(0, clause.size() - 1))), std::string::npos)
        << clause << t;
  }
  EXPECT_NE(t.find("Değerlendirme"), std::string::npos) << t;
  EXPECT_NE(t.find("İmzalayan"), std::string::npos) << t;
  EXPECT_NE(t.find("(hekim)"), std::string::npos) << t;

  // Every page renders.
  const auto png = x.st.dir / "sayfa";
  const auto ppm = run_command("pdftoppm -r 60 -png '" + pdf.string() + "' '" + png.string() + "'");
  ASSERT_EQ(ppm.exit_code, 0) << ppm.err;
  int pages = 0;
  for (const auto& e : std::filesystem::directory_iterator(x.st.dir.path()))
    if (e.path().filename().string().rfind("sayfa", 0) == 0) {
      ++pages;
      EXPECT_GT(std::filesystem::file_size(e.path()), 10'000u) << e.path();
    }
  EXPECT_GE(pages, 1);
  // The committed example in docs/ is rendered from such a run (ODYO_SAVE_REPORT=DIR keeps it).
  if (const char* keep = std::getenv("ODYO_SAVE_REPORT"); keep != nullptr && *keep != '\0')
    run_command("pdftoppm -r 80 -png '" + pdf.string() + "' '" + keep + "/report-spirometry'");
  // The export is audited like the others.
  EXPECT_EQ(x.sql("SELECT count(*) FROM audit_log WHERE action='exam.export' AND details LIKE "
                  "'%pdf-report%'")
                .out,
            "2\n");
}

// An audiometry exam entered from paper: the report draws the station's audiogram (its title and
// axis label are in the text) and lists every threshold the FHIR export carries.
TEST(ExportPdfCli, SignedAudiometryReportDrawsTheAudiogramAndListsTheThresholds) {
  odyo::test::ExportedStation x;
  auto r = x.st.run_as("tekniker",
                       "worker add --registry 2001 --tc 10000000146 --first-name Ali --last-name "
                       "Kaya --birth-date 1980-06-15 --sex M --height-cm 175 --weight-kg 80 --job "
                       "YA-PANO-01");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json right = {{"500", 10},  {"1000", 10}, {"2000", 15}, {"3000", 20},
                      {"4000", 45}, {"6000", 20}, {"8000", 20}};
  const json left = {{"500", 15},  {"1000", 15}, {"2000", 20}, {"3000", 30},
                     {"4000", 35}, {"6000", 25}, {"8000", 25}};
  const auto f = x.st.dir / "a.json";
  std::ofstream(f) << json{{"right", right}, {"left", left}}.dump();
  r = x.st.run_as("tekniker",
                  "audio enter --worker 2001 --input " + f.string() + " --date 2026-11-02");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(x.st.run_as("hekim", "exam sign 1").exit_code, 0);
  const auto pdf = x.st.dir / "report.pdf";
  r = x.st.run_as("hekim", "--lang en export pdf 1 --output " + pdf.string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto txt = run_command("pdftotext -enc UTF-8 '" + pdf.string() + "' -");
  ASSERT_EQ(txt.exit_code, 0) << txt.err;
  const std::string t = squeezed(txt.out);
  for (const char* s : {"Audiometry report", "Ali Kaya", "Audiogram", "Hearing level (dB HL)",
                        "Frequency (Hz)", "Signed by"})
    EXPECT_NE(t.find(s), std::string::npos) << s << "\n" << t;
  // Every threshold observation of the FHIR Bundle is a row: its code and its value in dB.
  const auto b = json::parse(x.st.run_as("hekim", "export fhir 1").out);
  int thresholds = 0;
  for (const auto& e : b["entry"]) {
    const auto& res = e["resource"];
    if (res["resourceType"] != "Observation" || !res.contains("valueQuantity") ||
        res["valueQuantity"].value("unit", std::string()) != "dB HL")
      continue;
    const std::string shown = res["valueQuantity"]["value"].dump() + " dB";
    EXPECT_NE(t.find(shown), std::string::npos) << shown;
    ++thresholds;
  }
  EXPECT_GE(thresholds, 14) << "7 frequencies for each ear";
}
