#pragma once
// A signed exam as an HL7 v2.5.1 ORU^R01 message: MSH (MSH-10 derived from the exam and its
// result version, so a resend is byte-identical; MSH-18 UNICODE UTF-8), PID (T.C. kimlik no),
// PV1, one ORC/OBR group for the test, and one OBX per exported value with the same LOINC /
// local codes and UCUM units as the FHIR Bundle (fhir_bundle.hpp). Segments end with CR only;
// | ^ ~ \ & in text are escaped (\F\ \S\ \R\ \E\ \T\); Turkish letters stay UTF-8.
// Thread-safety: pure functions.

#include <string>

#include "station/config/config.hpp"
#include "station/export/exam_export.hpp"

namespace odyo::station {

// HL7 v2 escaping of one text value (field, component or subcomponent content).
std::string hl7_escape(const std::string& text);

std::string hl7_oru_r01(const ExportedExam& exam, const ExportConfig& cfg);

}  // namespace odyo::station
