#pragma once
// Audiograms that come from devices and other programs — a Welch Allyn TM262 "y" record, the
// GSI 61's state, a GDT 6310 AUDI01 record — as decoded by drivers/codec into codec::Audiogram,
// turned into the station's audiogram model with provenance "imported" and validated exactly like
// a typed-in one (standard frequencies, the device's range and step, both ears present).
// Thread-safety: pure functions.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/audiometry/audiogram.hpp"
#include "analysis/core/result.hpp"
#include "drivers/codec/audiogram.hpp"

namespace odyo::audiometry {

// Whom a record says it belongs to (GDT 2.1 §4: 3000 patient number, 3101 surname, 3102 first
// name, 3103 birth date); empty = the record did not say. Dates are YYYY-MM-DD.
struct RecordPatient {
  std::string patient_id;
  std::string surname;
  std::string first_name;
  std::string birth_date;
};

// The worker the technician named (--worker), as the station registered them.
struct WorkerIdentity {
  std::string registry_no;
  std::string tc_kimlik;
  std::string first_name;
  std::string last_name;
  std::string birth_date;  // YYYY-MM-DD
};

struct ImportedAudiogram {
  Audiogram audiogram;
  std::string source;  // what the device/record said it was (kept with the result)
  std::optional<RecordPatient> patient;  // GDT: the patient fields of the record
  std::string test_date;                 // GDT 6200 (date of the examination), YYYY-MM-DD, or ""
};

// A record of another patient must never be stored as this worker. Every field the record gives
// is compared: 3000 with the registry number or the T.C. kimlik no; surname and first name
// ignoring case, spacing and the Turkish letters a CP437/ASCII sender transliterates (ş→s, ğ→g,
// ı/İ→i, ç→c, ö→o, ü→u); the birth date exactly. Errors: "patient_mismatch" (the message shows
// the record's patient and the worker side by side), "patient_unknown" (the record names no
// patient at all: neither 3000, 3101 nor 3103), "text_invalid" (a name field with control
// characters).
Result<void> check_record_patient(const RecordPatient& record, const WorkerIdentity& worker);

// Name comparison key: lower case, Turkish letters folded to ASCII, runs of spaces as one.
std::string identity_fold(std::string_view name);

// Errors: a point with an unknown transducer, a level that is not a whole dB on the step, the
// same ear/transducer/frequency twice, and everything validate() rejects. A no-response point
// without a level is taken at the device maximum for that frequency (`range`).
Result<ImportedAudiogram> import_audiogram(const codec::Audiogram& in,
                                           const AudiometerRange& range = {});

// A file of bytes as captured from a Welch Allyn TM262 port: one "y" record per ear (CR LF
// after each; "x" tympanometry records are skipped, retransmitted duplicates dropped). Errors:
// any decode error (checksum, garbage, truncated record — the file is refused whole), no "y"
// record, two different records for the same ear, and everything import_audiogram rejects.
// Range: the TM262's −10…100 dB HL (a no-response has no level, §3: taken at 100).
AudiometerRange tm262_range();
Result<ImportedAudiogram> import_tm262_bytes(const std::vector<std::uint8_t>& bytes);

// Bytes captured from a GSI 61 port: type 1 records, each the operator's channel-1 frequency and
// HL at a threshold (acquisition/devices/result_records.hpp, Gsi61AudiogramCollector). The
// record has no ear (gsi61.md §8), so the ear comes from the test order given — the station's
// convention, said in the source text. Errors: bytes that are not GSI 61 records, an ear of the
// order without a threshold, and everything import_audiogram rejects.
Result<ImportedAudiogram> import_gsi61_bytes(const std::vector<std::uint8_t>& bytes,
                                             const std::vector<Ear>& ear_order = {Ear::right,
                                                                                  Ear::left});

// A GDT 2.1 file holding a 6310 AUDI01 record (codec::gdt, default charset CP437 and the
// spec's test-ident convention), with the record's patient (3000, 3101–3103) and test date (6200).
// Errors also: a 3103 or 6200 that is not a real date TTMMJJJJ.
Result<ImportedAudiogram> import_gdt_bytes(const std::vector<std::uint8_t>& bytes);

}  // namespace odyo::audiometry
