#include "station/export/office_tables.hpp"

#include <xlsxwriter.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <memory>
#include <utility>

#include "analysis/core/error_text.hpp"
#include "station/core/atomic_file.hpp"
#include "station/core/i18n.hpp"
#include "station/exams/exam_record.hpp"
#include "station/export/exam_export.hpp"
#include "station/records/exams.hpp"
#include "station/storage/database.hpp"

namespace odyo::station {

namespace {

OfficeCell text(std::string v) {
  if (v.empty()) return {};
  return {OfficeCell::Kind::text, std::move(v)};
}
OfficeCell number(std::string v) {
  if (v.empty()) return {};
  return {OfficeCell::Kind::number, std::move(v)};
}
OfficeCell integer(std::int64_t v) {
  return {OfficeCell::Kind::number, std::to_string(v)};
}
OfficeCell shown_word(std::string v) {
  if (v.empty()) return {};
  return {OfficeCell::Kind::word, std::move(v)};
}

// The words the tables write besides the stored ones of kShownWords (with_code.hpp).
[[maybe_unused]] constexpr const char* kTableWords[] = {N_("signed"), N_("not signed"), N_("yes"),
                                                        N_("no")};

OfficeTable exams_table() {
  return {N_("Exams"),
          {N_("Exam"), N_("Registry no"), N_("T.C. kimlik no"), N_("Last name"), N_("First name"),
           N_("Establishment"), N_("Work group"), N_("Kind"), N_("Started at"), N_("Technician"),
           N_("Result version"), N_("Signature"), N_("Signed by"), N_("Signed at"),
           N_("Health group"), N_("Ek-2 column"), N_("Decision")},
          {}};
}

OfficeTable results_table() {
  return {N_("Results"),
          {N_("Exam"), N_("Registry no"), N_("Kind"), N_("Value"), N_("Code system"), N_("Code"),
           N_("Description"), N_("Result"), N_("Comparator"), N_("Unit"), N_("LLN"),
           N_("Below the LLN"), N_("Method"), N_("Preliminary")},
          {}};
}

bool selected(const Exam& e, const std::string& establishment, const OfficeFilter& f) {
  const std::string day = e.started_at.substr(0, 10);
  if (!f.from.empty() && day < f.from) return false;
  if (!f.to.empty() && day > f.to) return false;
  if (!f.kind.empty() && e.kind != f.kind) return false;
  return f.establishment.empty() || establishment == f.establishment;
}

void add_exam_row(OfficeTable& t, const ExamRecord& r) {
  const Worker& w = r.worker;
  const StoredResult* res = r.results.empty() ? nullptr : &r.results.back();
  const ResultSignature* sig =
      res != nullptr && !res->signatures.empty() ? &res->signatures.back() : nullptr;
  std::vector<OfficeCell> row{integer(r.exam.id),
                              text(w.registry_no),
                              text(w.tc_kimlik),
                              text(w.last_name),
                              text(w.first_name),
                              text(w.establishment),
                              w.work_group > 0 ? integer(w.work_group) : OfficeCell{},
                              shown_word(r.exam.kind),
                              text(r.exam.started_at),
                              text(r.exam.technician),
                              res != nullptr ? integer(res->version) : OfficeCell{},
                              shown_word(sig != nullptr ? "signed" : "not signed"),
                              text(sig != nullptr ? sig->signer : ""),
                              text(sig != nullptr ? sig->signed_at : "")};
  if (r.decision) {
    row.push_back(text(r.decision->health_group.value_or("")));
    row.push_back(text(r.decision->ek2_column.value_or("")));
    row.push_back(shown_word(r.decision->kind));
  } else {
    row.insert(row.end(), 3, OfficeCell{});
  }
  t.rows.push_back(std::move(row));
}

std::vector<OfficeCell> value_row(const ExportedExam& x, const std::string& key,
                                  const std::vector<ExportCode>& codes) {
  const ExportCode none;
  const ExportCode& c = codes.empty() ? none : codes.front();
  return {integer(x.exam_id), text(x.worker.registry_no),
          shown_word(x.kind), text(key),
          text(c.system),     text(c.code),
          text(c.display)};
}

void add_result_rows(OfficeTable& t, const ExportedExam& x) {
  for (const ExportItem& item : x.items) {
    auto row = value_row(x, item.key, item.codes);
    if (item.quantity) {
      row.push_back(number(item.quantity->text));
      row.push_back(text(item.quantity->comparator));
      row.push_back(text(item.quantity->unit_text));
    } else if (item.coded) {
      row.push_back(text(item.coded->code));
      row.insert(row.end(), 2, OfficeCell{});
    } else {
      row.push_back(text(item.text.value_or("")));
      row.insert(row.end(), 2, OfficeCell{});
    }
    row.push_back(item.low ? number(item.low->text) : OfficeCell{});
    row.push_back(item.interpretation.empty()
                      ? OfficeCell{}
                      : shown_word(item.interpretation == "L" ? "yes" : "no"));
    row.push_back(text(item.method));
    row.push_back(shown_word(item.preliminary ? "yes" : "no"));
    t.rows.push_back(std::move(row));
    for (const ExportComponent& c : item.components) {
      auto crow = value_row(x, c.key, c.codes);
      crow.push_back(number(c.value.text));
      crow.push_back(text(c.value.comparator));
      crow.push_back(text(c.value.unit_text));
      crow.insert(crow.end(), 3, OfficeCell{});
      crow.push_back(shown_word(item.preliminary ? "yes" : "no"));
      t.rows.push_back(std::move(crow));
    }
  }
}

std::string shown(const OfficeCell& c, const std::function<std::string(const char*)>& translate) {
  if (c.kind == OfficeCell::Kind::word) return translate(c.value.c_str());
  return c.value;
}

}  // namespace

Result<OfficeTables> gather_office_tables(
    Database& db, const ExportConfig& cfg, const OfficeFilter& filter,
    const std::function<void(std::size_t, std::size_t)>& progress) {
  if (!filter.kind.empty() && filter.kind != "spirometry" && filter.kind != "audiometry") {
    return make_errorf("bad_kind", "exam kind `{}`: use `spirometry` or `audiometry`", filter.kind);
  }
  if (!filter.from.empty() && !filter.to.empty() && filter.to < filter.from)
    return make_errorf("bad_period", "the period ends ({}) before it begins ({})", filter.to,
                       filter.from);
  auto exams = list_exams(db);
  if (!exams) return exams.error();
  // The establishment is the worker's: read once per worker, not per exam.
  std::map<std::int64_t, std::string> establishment_of;
  if (!filter.establishment.empty()) {
    auto workers = list_workers(db);
    if (!workers) return workers.error();
    for (const Worker& w : *workers) establishment_of[w.id] = w.establishment;
  }
  std::vector<std::int64_t> ids;
  for (const Exam& e : *exams) {
    const auto it = establishment_of.find(e.worker_id);
    if (selected(e, it == establishment_of.end() ? "" : it->second, filter)) ids.push_back(e.id);
  }
  std::sort(ids.begin(), ids.end());

  OfficeTables out{exams_table(), results_table(), 0};
  std::size_t done = 0;
  for (const std::int64_t id : ids) {
    auto rec = load_exam_record(db, id);
    if (!rec) return rec.error();
    add_exam_row(out.exams, *rec);
    if (!rec->results.empty() && !rec->results.back().signatures.empty()) {
      auto x = prepare_export(*rec, cfg);
      if (!x) return x.error();
      add_result_rows(out.results, *x);
      ++out.signed_exams;
    }
    if (progress) progress(++done, ids.size());
  }
  return out;
}

std::string office_csv(const OfficeTable& table, const CsvOptions& options,
                       const std::function<std::string(const char*)>& translate) {
  const auto field = [&](std::string v, bool is_number) {
    if (is_number) {
      if (options.decimal_comma) std::replace(v.begin(), v.end(), '.', ',');
    } else if (!v.empty() && (v[0] == '=' || v[0] == '+' || v[0] == '-' || v[0] == '@')) {
      v.insert(v.begin(), '\'');  // a spreadsheet would run it as a formula
    }
    const bool quote =
        v.find_first_of(std::string{options.separator, '"', '\n', '\r'}) != std::string::npos;
    if (!quote) return v;
    std::string q = "\"";
    for (char ch : v) {
      if (ch == '"') q += '"';
      q += ch;
    }
    return q + "\"";
  };
  std::string out = options.bom ? "\xEF\xBB\xBF" : "";
  for (std::size_t i = 0; i < table.columns.size(); ++i) {
    if (i > 0) out += options.separator;
    out += field(translate(table.columns[i]), false);
  }
  out += "\r\n";  // RFC 4180 line ends
  for (const auto& row : table.rows) {
    for (std::size_t i = 0; i < row.size(); ++i) {
      if (i > 0) out += options.separator;
      out += field(shown(row[i], translate), row[i].kind == OfficeCell::Kind::number);
    }
    out += "\r\n";
  }
  return out;
}

Result<void> write_office_xlsx(const std::filesystem::path& path, const OfficeTables& tables,
                               const std::function<std::string(const char*)>& translate) {
  std::filesystem::path tmp = path;
  tmp += ".tmp";
  lxw_workbook* wb = workbook_new(tmp.c_str());
  if (wb == nullptr) {
    return make_errorf("file_unwritable",
                       "{}: cannot write the workbook (check the folder exists and is writable)",
                       path.string());
  }
  lxw_format* bold = workbook_add_format(wb);
  format_set_bold(bold);
  std::map<int, lxw_format*> decimals_format;  // "0.00" per number of decimals
  const auto number_format = [&](const std::string& v) {
    const auto dot = v.find('.');
    const int d = dot == std::string::npos ? 0 : static_cast<int>(v.size() - dot - 1);
    auto [it, fresh] = decimals_format.try_emplace(d, nullptr);
    if (fresh) {
      it->second = workbook_add_format(wb);
      format_set_num_format(it->second, d == 0 ? "0" : ("0." + std::string(d, '0')).c_str());
    }
    return it->second;
  };
  lxw_error err = LXW_NO_ERROR;
  for (const OfficeTable* t : {&tables.exams, &tables.results}) {
    lxw_worksheet* ws = workbook_add_worksheet(wb, translate(t->name).c_str());
    if (ws == nullptr) {
      err = LXW_ERROR_MEMORY_MALLOC_FAILED;
      break;
    }
    for (std::size_t c = 0; c < t->columns.size(); ++c) {
      worksheet_write_string(ws, 0, static_cast<lxw_col_t>(c), translate(t->columns[c]).c_str(),
                             bold);
    }
    worksheet_freeze_panes(ws, 1, 0);
    for (std::size_t r = 0; r < t->rows.size(); ++r) {
      const auto row = static_cast<lxw_row_t>(r + 1);
      for (std::size_t c = 0; c < t->rows[r].size(); ++c) {
        const OfficeCell& cell = t->rows[r][c];
        const auto col = static_cast<lxw_col_t>(c);
        if (cell.kind == OfficeCell::Kind::empty) continue;
        if (cell.kind == OfficeCell::Kind::number) {
          worksheet_write_number(ws, row, col, std::strtod(cell.value.c_str(), nullptr),
                                 number_format(cell.value));
        } else {
          worksheet_write_string(ws, row, col, shown(cell, translate).c_str(), nullptr);
        }
      }
    }
  }
  const lxw_error closed = workbook_close(wb);  // frees the workbook either way
  if (err == LXW_NO_ERROR) err = closed;
  if (err != LXW_NO_ERROR) {
    std::error_code ec;
    std::filesystem::remove(tmp, ec);
    return make_errorf("file_unwritable", "{}: cannot write the workbook: {}", path.string(),
                       verbatim(lxw_strerror(err)));
  }
  return rename_into_place(tmp, path);
}

}  // namespace odyo::station
