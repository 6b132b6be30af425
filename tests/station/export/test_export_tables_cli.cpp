// `odyospiro export csv|xlsx`, the office's tables, end to end through the built program: two
// workers of two establishments with a spirometry exam each, one exam signed. The CSV is read
// back with Python's csv module and the workbook with openpyxl (Debian python3-openpyxl), both
// independent of the writers; the numbers must be the ones the FHIR export carries (the same
// prepare_export), the headers Turkish by default, and a refused run must leave no file.
// office_csv's quoting, formula guard and decimal comma are checked directly at the end.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "station/export/office_tables.hpp"
#include "tests/station/export/exported_station.hpp"
#include "tests/station/support/station_fixture.hpp"

using nlohmann::json;
using odyo::test::run_command;

namespace {

struct TwoExams : odyo::test::ExportedStation {
  std::int64_t signed_exam = measure("D-1001", odyo::test::kFirstWorker);
  std::int64_t unsigned_exam =
      measure("D-2002",
              "--tc 12345678950 --first-name 'Şükrü' --last-name 'Çelik' --birth-date 1979-07-01 "
              "--sex M --height-cm 181 --weight-kg 84 --job YA-PANO-01 --establishment Üzülmez");
  TwoExams() {
    EXPECT_EQ(st.run_as("hekim", "exam sign " + std::to_string(signed_exam)).exit_code, 0);
  }
  // The FEV1 `exam show` has for the signed exam, and the FHIR Bundle's text of it.
  [[nodiscard]] std::string fhir_fev1_text() const {
    const auto r = st.run_as("hekim", "export fhir " + std::to_string(signed_exam));
    const auto b = json::parse(r.out, nullptr, false);
    for (const auto& e : b.value("entry", json::array())) {
      const auto& res = e["resource"];
      if (res["resourceType"] == "Observation" && res["code"]["coding"][0]["code"] == "20150-9")
        return res["valueQuantity"]["value"].dump();
    }
    return "";
  }
};

std::string table_exports(const odyo::test::ExportedStation& x) {
  return x.sql("SELECT count(*) FROM audit_log WHERE action='exam.export_table'").out;
}

json read_csv(const std::filesystem::path& f, const std::string& separator) {
  const auto r =
      run_command(std::string("/usr/bin/python3 ") + ODYO_SOURCE_DIR +
                  "/tests/station/export/csv_read.py '" + f.string() + "' '" + separator + "'");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return json::parse(r.out, nullptr, false);
}

// The row whose first cell is `exam` and (when given) whose column `col` is `value`.
json find_row(const json& rows, const std::string& exam, std::size_t col = 0,
              const std::string& value = "") {
  for (const auto& row : rows)
    if (row[0] == exam && (value.empty() || row[col] == value)) return row;
  return nullptr;
}

std::size_t column(const json& header, const std::string& name) {
  for (std::size_t i = 0; i < header.size(); ++i)
    if (header[i] == name) return i;
  ADD_FAILURE() << "no column " << name << " in " << header.dump();
  return 0;
}

}  // namespace

TEST(ExportTablesCli, CsvOfExamsAndValuesInTurkishWithTheNumbersTheFhirExportCarries) {
  TwoExams x;
  ASSERT_GT(x.signed_exam, 0);
  ASSERT_GT(x.unsigned_exam, 0);
  const auto exams_csv = x.st.dir / "muayeneler.csv";
  auto r = x.st.run_as("hekim", "--lang tr export csv --output " + exams_csv.string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("2 muayene"), std::string::npos) << r.out;
  auto t = read_csv(exams_csv, ",");
  EXPECT_TRUE(t["bom"]);
  EXPECT_TRUE(t["crlf"]);
  const json& rows = t["rows"];
  ASSERT_EQ(rows.size(), 3u) << t.dump();
  const json& header = rows[0];
  EXPECT_EQ(header[0], "Muayene");
  EXPECT_EQ(header[1], "Sicil no");
  const auto signed_row = find_row(rows, std::to_string(x.signed_exam));
  const auto unsigned_row = find_row(rows, std::to_string(x.unsigned_exam));
  ASSERT_TRUE(signed_row.is_array() && unsigned_row.is_array()) << t.dump();
  EXPECT_EQ(signed_row[column(header, "Sicil no")], "D-1001");
  EXPECT_EQ(signed_row[column(header, "Soyad")], "Işıkoğlu");
  EXPECT_EQ(signed_row[column(header, "Tür")], "spirometri");
  EXPECT_EQ(signed_row[column(header, "İmza")], "imzalı");
  EXPECT_EQ(signed_row[column(header, "İmzalayan")], "hekim");
  EXPECT_EQ(unsigned_row[column(header, "İmza")], "imzasız");
  EXPECT_EQ(unsigned_row[column(header, "İşyeri")], "Üzülmez");
  EXPECT_EQ(unsigned_row[column(header, "İmzalayan")], "");
  // The decision in force: the automatic evaluation stored with the exam, as the database has it.
  EXPECT_EQ(signed_row[column(header, "Karar")], "otomatik");
  const auto stored = x.sql(
                           "SELECT coalesce(health_group,'') || '|' || coalesce(ek2_column,'') "
                           "FROM evaluations WHERE exam_id=" +
                           std::to_string(x.signed_exam) + " ORDER BY id DESC LIMIT 1")
                          .out;
  EXPECT_EQ(signed_row[column(header, "Sağlık grubu")].get<std::string>() + "|" +
                signed_row[column(header, "EK-2 sütunu")].get<std::string>() + "\n",
            stored);
  EXPECT_NE(stored, "\n") << "an evaluation is stored with the exam";

  // The values: only the signed exam's, FEV1 as the FHIR Bundle has it, with its LLN.
  const auto values_csv = x.st.dir / "sonuclar.csv";
  r = x.st.run_as("hekim", "--lang tr export csv --table results --decimal-comma --output " +
                               values_csv.string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  t = read_csv(values_csv, ";");
  const json& vrows = t["rows"];
  ASSERT_GT(vrows.size(), 5u);
  const json& vh = vrows[0];
  for (std::size_t i = 1; i < vrows.size(); ++i)
    EXPECT_EQ(vrows[i][0], std::to_string(x.signed_exam)) << vrows[i].dump();
  const auto fev1 = find_row(vrows, std::to_string(x.signed_exam), column(vh, "Kod"), "20150-9");
  ASSERT_TRUE(fev1.is_array()) << t.dump();
  std::string fhir = x.fhir_fev1_text();
  ASSERT_FALSE(fhir.empty());
  std::replace(fhir.begin(), fhir.end(), '.', ',');
  EXPECT_EQ(fev1[column(vh, "Sonuç")], fhir);
  EXPECT_EQ(fev1[column(vh, "Birim")], "liter");
  EXPECT_NE(fev1[column(vh, "LLN")].get<std::string>().find(','), std::string::npos);

  // Filters: an establishment typed in capitals (Turkish folding) and a period.
  const auto one = x.st.dir / "uzulmez.csv";
  r = x.st.run_as("admin", "export csv --establishment ÜZÜLMEZ --output " + one.string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  t = read_csv(one, ",");
  ASSERT_EQ(t["rows"].size(), 2u) << t.dump();
  EXPECT_EQ(t["rows"][1][0], std::to_string(x.unsigned_exam));
  r = x.st.run_as("admin", "export csv --to 01.01.2000 --output " + one.string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(read_csv(one, ",")["rows"].size(), 1u);  // the header alone
  // Every run left an audit row.
  EXPECT_EQ(table_exports(x), "4\n");
}

TEST(ExportTablesCli, XlsxWorkbookReadByOpenpyxlHoldsBothTablesWithNumbersAsNumbers) {
  TwoExams x;
  const auto book = x.st.dir / "ofis.xlsx";
  auto r = x.st.run_as("admin", "--lang tr --json export xlsx --output " + book.string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto summary = json::parse(r.out);
  EXPECT_EQ(summary["exams"], 2);
  EXPECT_EQ(summary["signed_exams"], 1);
  const auto read = run_command(std::string("/usr/bin/python3 ") + ODYO_SOURCE_DIR +
                                "/tests/station/export/xlsx_read.py '" + book.string() + "'");
  ASSERT_EQ(read.exit_code, 0) << read.err;
  const auto wb = json::parse(read.out);
  ASSERT_EQ(wb.size(), 2u);
  EXPECT_EQ(wb[0]["name"], "Muayeneler");
  EXPECT_EQ(wb[1]["name"], "Sonuçlar");
  for (const auto& sheet : wb) {
    EXPECT_TRUE(sheet["header_bold"]) << sheet["name"];
    EXPECT_EQ(sheet["frozen"], "A2") << sheet["name"];
  }
  EXPECT_EQ(wb[0]["rows"].size(), 3u);
  EXPECT_EQ(wb[1]["rows"].size(), summary["result_rows"].get<std::size_t>() + 1);

  // The same cells as the CSV of the same tables, numbers as numbers with their decimals shown.
  for (const auto& [table, sheet] : {std::pair{"exams", 0}, std::pair{"results", 1}}) {
    const auto csv = x.st.dir / (std::string(table) + ".csv");
    ASSERT_EQ(x.st.run_as("admin", "--lang tr export csv --table " + std::string(table) +
                                       " --output " + csv.string())
                  .exit_code,
              0);
    const auto rows = read_csv(csv, ",")["rows"];
    const auto& cells = wb[sheet]["rows"];
    ASSERT_EQ(rows.size(), cells.size()) << table;
    for (std::size_t i = 0; i < rows.size(); ++i) {
      ASSERT_EQ(rows[i].size(), cells[i].size()) << table << " row " << i;
      for (std::size_t c = 0; c < rows[i].size(); ++c) {
        const std::string text = rows[i][c];
        const auto& cell = cells[i][c];
        if (cell.is_null()) {
          EXPECT_EQ(text, "") << table << " " << i << "," << c;
        } else if (cell.contains("n")) {
          EXPECT_DOUBLE_EQ(cell["n"].get<double>(), std::stod(text)) << table << " " << i;
          const auto dot = text.find('.');
          const std::string shown =
              dot == std::string::npos ? "0" : "0." + std::string(text.size() - dot - 1, '0');
          EXPECT_EQ(wb[sheet]["formats"][i][c], shown) << table << " " << i << "," << c;
        } else {
          EXPECT_EQ(cell["s"], text) << table << " " << i << "," << c;
        }
      }
    }
  }
}

TEST(ExportTablesCli, RefusedRunsSayWhyAndWriteNothing) {
  const odyo::test::ExportedStation x;  // no exams needed: every run is refused
  const auto f = x.st.dir / "t.csv";
  auto r = x.st.run_as("tekniker", "--lang en export csv --output " + f.string());
  EXPECT_EQ(r.exit_code, 5) << r.err;
  r = x.st.run_as("hekim",
                  "--lang en export csv --decimal-comma --separator , --output " + f.string());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("would split every number"), std::string::npos) << r.err;
  r = x.st.run_as("hekim",
                  "--lang en export csv --from 2026-02-01 --to 2026-01-01 --output " + f.string());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("ends (2026-01-01) before it begins (2026-02-01)"), std::string::npos)
      << r.err;
  r = x.st.run_as("hekim", "--lang en export csv --from 31.02.2026 --output " + f.string());
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_FALSE(std::filesystem::exists(f));
  const auto nowhere = x.st.dir / "no-such-folder" / "t.xlsx";
  r = x.st.run_as("hekim", "--lang en export xlsx --output " + nowhere.string());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("cannot write the workbook"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(nowhere.parent_path()));
  EXPECT_EQ(table_exports(x), "0\n");
}

TEST(OfficeCsv, QuotesSeparatorsGuardsFormulasAndWritesTheDecimalComma) {
  using odyo::station::OfficeCell;
  odyo::station::OfficeTable t{"T", {"A", "B", "C", "D"}, {}};
  t.rows.push_back({{OfficeCell::Kind::text, "=HYPERLINK(\"x\")"},
                    {OfficeCell::Kind::number, "-4.25"},
                    {OfficeCell::Kind::text, "a;b \"c\""},
                    {}});
  t.rows.push_back({{OfficeCell::Kind::text, "@SUM(A1)"},
                    {OfficeCell::Kind::number, "12"},
                    {OfficeCell::Kind::word, "yes"},
                    {OfficeCell::Kind::text, "+90"}});
  const auto upper = [](const char* s) { return std::string("<") + s + ">"; };
  odyo::station::CsvOptions o;
  o.separator = ';';
  o.decimal_comma = true;
  o.bom = false;
  EXPECT_EQ(odyo::station::office_csv(t, o, upper),
            "<A>;<B>;<C>;<D>\r\n"
            "\"'=HYPERLINK(\"\"x\"\")\";-4,25;\"a;b \"\"c\"\"\";\r\n"
            "'@SUM(A1);12;<yes>;'+90\r\n");
  o = {};
  EXPECT_EQ(odyo::station::office_csv(t, o, upper).substr(0, 3), "\xEF\xBB\xBF");
  EXPECT_NE(odyo::station::office_csv(t, o, upper).find("\"'=HYPERLINK(\"\"x\"\")\",-4.25,\"a;b"),
            std::string::npos)
      << "quotes are doubled; the number keeps its point";
}
