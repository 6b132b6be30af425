#pragma once
// What a signed exam exports to central records, neutral of the message format: the report
// (LOINC code, HL7 table 0074 section, status), the worker, the signing physician and the
// signature, and one item per reported value with its codes and UCUM unit. The FHIR encoder
// (fhir_bundle.hpp) and the HL7 v2 encoder (hl7_oru.hpp) both write these items, so the two
// formats carry the same codes and the same numbers. Pure: nothing here reads the database.
// Codes used: docs/export.md. Thread-safety: pure functions.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "analysis/core/result.hpp"
#include "station/config/config.hpp"
#include "station/exams/exam_record.hpp"

namespace odyo::station {

// A code: system "loinc", "snomed" or "local" (the configured [export].code_system).
struct ExportCode {
  std::string system;
  std::string code;
  std::string display;
};

// A number as it is exported: `text` is the value with its fixed decimals (HL7 OBX-5 and the
// FHIR JSON number are both made from it). comparator ">" = above (audiometry: no response at
// the level given).
struct ExportQuantity {
  std::string text;
  std::string ucum;       // UCUM code, e.g. "L", "L/s", "%", "dB", "{z-score}"
  std::string unit_text;  // human unit, e.g. "liter", "dB HL"
  std::string comparator;
};

struct ExportComponent {
  std::string key;                // identifier suffix, e.g. "FEV1-PRED"
  std::vector<ExportCode> codes;  // first = primary
  ExportQuantity value;
};

struct ExportItem {
  std::string key;                // identifier suffix, unique in the exam, e.g. "FEV1"
  std::vector<ExportCode> codes;  // first = primary (LOINC where one exists, else local)
  std::optional<ExportQuantity> quantity;
  std::optional<ExportCode> coded;    // a coded value (health group, equation)
  std::optional<std::string> text;    // a string value (quality grade)
  std::optional<ExportQuantity> low;  // reference range low (LLN)
  std::string range_text;             // e.g. "LLN (GLI Global 2022)"
  std::string interpretation;         // "L" below the LLN, "N" not, "" unknown
  std::string method;                 // how it was obtained
  std::vector<ExportComponent> components;
  bool preliminary = false;  // e.g. an Ek-2 decision no physician confirmed yet
};

struct ExportedExam {
  std::string kind;       // spirometry | audiometry
  std::string id_prefix;  // "<station_id>-E<exam id>-V<result version>": every identifier starts so
  std::string order_id;   // "<station_id>-E<exam id>": the exam, the same for every version
  std::int64_t exam_id = 0;
  int result_version = 0;
  bool corrected = false;  // result version > 1 (FHIR "amended", HL7 "C")
  ExportCode report_code;  // LOINC 18759-1 | 89015-2
  std::string section;     // HL7 table 0074: PF | AU
  std::string section_display;
  std::string effective;   // the exam's start (ISO 8601)
  std::string issued;      // the signature's time (ISO 8601)
  std::string conclusion;  // Turkish text, may be empty
  Worker worker;
  std::string physician_username, physician_name;
  ResultSignature signature;
  std::vector<ExportItem> items;
};

// The [export] section of the configuration, or an error saying how to add it.
Result<const ExportConfig*> require_export_config(const StationConfig& cfg);

// The latest result version of the record, which must carry a signature that verifies (else an
// error: unsigned exams are not exported), turned into export items.
Result<ExportedExam> prepare_export(const ExamRecord& record, const ExportConfig& cfg);

// ISO 8601 as FHIR wants it (a time gets "Z" when it has no zone) and as HL7 DTM
// (YYYYMMDD[HHMMSS+0000]).
std::string fhir_datetime(const std::string& iso);
std::string hl7_datetime(const std::string& iso);

}  // namespace odyo::station
