#include "station/export/hl7_oru.hpp"

#include <vector>

namespace odyo::station {

namespace {

// One segment from its fields; fields[0] is the segment name, fields[i] is field i.
std::string segment(const std::vector<std::string>& fields) {
  std::string s;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) s += '|';
    s += fields[i];
  }
  // Trailing empty fields are dropped.
  while (!s.empty() && s.back() == '|') s.pop_back();
  return s + '\r';
}

void set(std::vector<std::string>& f, std::size_t i, std::string v) {
  if (f.size() <= i) f.resize(i + 1);
  f[i] = std::move(v);
}

std::string code_system(const ExportCode& c, const ExportConfig& cfg) {
  if (c.system == "loinc") return "LN";
  if (c.system == "snomed") return "SCT";
  return cfg.hl7_local_coding_system;
}

// CWE: identifier^text^system[^alt identifier^alt text^alt system]
std::string cwe(const std::vector<ExportCode>& codes, const ExportConfig& cfg) {
  std::string s;
  for (std::size_t i = 0; i < codes.size() && i < 2; ++i) {
    if (i > 0) s += '^';
    s += hl7_escape(codes[i].code) + "^" + hl7_escape(codes[i].display) + "^" +
         code_system(codes[i], cfg);
  }
  return s;
}

std::string unit(const ExportQuantity& q) {
  return hl7_escape(q.ucum) + "^" + hl7_escape(q.unit_text) + "^UCUM";
}

}  // namespace

std::string hl7_escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '\\':
        out += "\\E\\";
        break;
      case '|':
        out += "\\F\\";
        break;
      case '^':
        out += "\\S\\";
        break;
      case '&':
        out += "\\T\\";
        break;
      case '~':
        out += "\\R\\";
        break;
      case '\r':
        out += "\\X0D\\";
        break;
      case '\n':
        out += "\\X0A\\";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string hl7_oru_r01(const ExportedExam& x, const ExportConfig& cfg) {
  const std::string status = x.corrected ? "C" : "F";
  const std::string effective = hl7_datetime(x.effective);
  const std::string issued = hl7_datetime(x.issued);
  const std::string app = hl7_escape(cfg.hl7_sending_application);
  std::string m;

  std::vector<std::string> msh{"MSH", "|", "^~\\&"};  // MSH-1 the field separator, MSH-2
  set(msh, 3, app);
  set(msh, 4, hl7_escape(cfg.hl7_sending_facility));
  set(msh, 5, hl7_escape(cfg.hl7_receiving_application));
  set(msh, 6, hl7_escape(cfg.hl7_receiving_facility));
  set(msh, 7, issued);
  set(msh, 9, "ORU^R01^ORU_R01");
  set(msh, 10, hl7_escape(x.id_prefix + "-ORU"));
  set(msh, 11, "P");
  set(msh, 12, "2.5.1");
  set(msh, 15, "AL");
  set(msh, 16, "NE");
  set(msh, 17, "TUR");
  set(msh, 18, "UNICODE UTF-8");
  // MSH-1 is the field separator itself: the segment starts "MSH|^~\&|…".
  {
    std::string s = "MSH|";
    for (std::size_t i = 2; i < msh.size(); ++i) s += (i > 2 ? "|" : "") + msh[i];  // from MSH-2
    m += s + '\r';
  }

  std::vector<std::string> pid{"PID", "1"};
  set(pid, 3,
      hl7_escape(x.worker.tc_kimlik) + "^^^" + hl7_escape(cfg.hl7_patient_id_authority) +
          "^NNTUR~" + hl7_escape(x.worker.registry_no) + "^^^" +
          hl7_escape(cfg.hl7_sending_facility) + "^EI");
  set(pid, 5, hl7_escape(x.worker.last_name) + "^" + hl7_escape(x.worker.first_name));
  std::string birth;
  for (char c : x.worker.birth_date)
    if (c != '-') birth += c;
  set(pid, 7, birth);
  set(pid, 8, x.worker.sex == "F" ? "F" : "M");
  m += segment(pid);
  m += segment({"PV1", "1", "O"});

  const std::string placer = hl7_escape(x.order_id);
  const std::string filler = hl7_escape(x.id_prefix) + "^" + app;
  const std::string interpreter =
      hl7_escape(cfg.station_id + "-" + x.physician_username) + "&" + hl7_escape(x.physician_name);
  std::vector<std::string> orc{"ORC", "RE", placer, filler};
  m += segment(orc);
  std::vector<std::string> obr{"OBR", "1", placer, filler, cwe({x.report_code}, cfg)};
  set(obr, 7, effective);
  set(obr, 22, issued);
  set(obr, 24, x.section);
  set(obr, 25, status);
  set(obr, 32, interpreter);
  m += segment(obr);

  int n = 0;
  int group = 0;
  const auto obx = [&](const std::string& type, const std::string& code, int sub,
                       const std::string& value, const std::string& units, const std::string& range,
                       const std::string& flag, const std::string& st, const std::string& method) {
    std::vector<std::string> f{
        "OBX", std::to_string(++n), type, code, std::to_string(sub), value, units, range, flag};
    set(f, 11, st);
    set(f, 14, effective);
    if (!method.empty()) set(f, 17, "^" + hl7_escape(method));
    m += segment(f);
  };
  for (const auto& it : x.items) {
    ++group;
    const std::string st = it.preliminary ? "P" : status;
    if (it.quantity) {
      const auto& q = *it.quantity;
      const bool sn = !q.comparator.empty();
      obx(sn ? "SN" : "NM", cwe(it.codes, cfg), group,
          sn ? hl7_escape(q.comparator) + "^" + q.text : q.text, unit(q),
          it.low ? ">" + it.low->text : std::string(), it.interpretation, st, it.method);
    } else if (it.coded) {
      obx("CWE", cwe(it.codes, cfg), group, cwe({*it.coded}, cfg), "", "", "", st, it.method);
    } else if (it.text) {
      obx("ST", cwe(it.codes, cfg), group, hl7_escape(*it.text), "", "", "", st, it.method);
    }
    if (it.low) {
      obx("NM",
          cwe({{"local", it.key + "-LLN", it.codes.front().display + " " + it.range_text}}, cfg),
          group, it.low->text, unit(*it.low), "", "", st, "");
    }
    for (const auto& c : it.components) {
      obx("NM", cwe(c.codes, cfg), group, c.value.text, unit(c.value), "", "", st, "");
    }
  }
  return m;
}

}  // namespace odyo::station
