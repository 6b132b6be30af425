#pragma once
// A signed exam as a FHIR R4 transaction Bundle (JSON): Patient, Practitioner (the signing
// physician), one Observation per exported item (LOINC/UCUM; z-scores, bone, masked thresholds,
// averages and the Ek-2 decision under the station's code system), the DiagnosticReport and the
// Provenance carrying the physician's Ed25519 signature. Every entry is a conditional create
// (`request.ifNoneExist`) on a station-minted identifier, and every fullUrl is a UUID derived
// from that identifier: the same exam version gives byte-identical text on every run, a
// corrected version new identifiers. Codes and identifiers: docs/export.md. With `pdf_report`
// (the bytes of the exam's PDF report, station/export/pdf_report.hpp) the DiagnosticReport
// carries it as its presentedForm.
// Thread-safety: pure function.

#include <string>
#include <string_view>

#include "station/config/config.hpp"
#include "station/export/exam_export.hpp"

namespace odyo::station {

std::string fhir_bundle(const ExportedExam& exam, const ExportConfig& cfg,
                        std::string_view pdf_report = {}, std::string_view pdf_language = {});

}  // namespace odyo::station
