#pragma once
// Results a device computed itself, stored as exams of the worker:
//  - an audiogram delivered by a TM262 or GSI 61 (acquisition/devices/result_records), imported
//    with audiometry::import_audiogram (every point's provenance "imported") and stored through
//    station/exams record_audiogram_exam, the records as received kept as its raw recording;
//  - a Vitalograph Lung Monitor blow (FEV1, FEV6, FEV1/FEV6, FEF25-75): stored as a spirometry
//    exam whose result holds the values exactly as the device delivered them, marked
//    device-computed and screening-only (vitalograph-lung-monitor.md: no curve, no FVC, BTPS
//    status unknown — no second BTPS correction). It carries no evaluation inputs: the Ek-1
//    evaluation needs a diagnostic spirometry the station analysed itself.
// Thread-safety: the Database's owning thread.

#include <string>

#include "analysis/audiometry/audiogram.hpp"
#include "analysis/core/result.hpp"
#include "drivers/codec/audiogram.hpp"
#include "drivers/codec/vitalograph.hpp"
#include "station/exams/spirometry_exam.hpp"

namespace odyo::station {

struct DeviceResultMeta {
  std::string device_id;   // station device id or URI
  std::string profile;     // device profile id
  std::string raw_source;  // "journal:FILE#SESSION"
  std::string started_at;  // ISO 8601, when the station received it
  std::string technician;
  std::string note;           // what the station decided on the way (ear by test order, …)
  std::string source_format;  // tm262 | gsi61: the audiogram's raw recording codec
  std::string source_text;    // the records used, as received: the exam's raw recording
};

// Errors: whatever import_audiogram rejects (a missing ear, a level off the 5 dB step).
Result<RecordedExam> record_device_audiogram(Database& db, const StationConfig& cfg,
                                             const Worker& worker, const codec::Audiogram& in,
                                             const DeviceResultMeta& meta, const std::string& actor,
                                             const audiometry::AudiometerRange& range = {});

// `data`: the record's 56 characters, kept as the exam's raw recording.
Result<RecordedExam> record_device_spirometry(Database& db, const Worker& worker,
                                              const codec::vitalograph::FevResult& r,
                                              const std::string& data, const DeviceResultMeta& meta,
                                              const std::string& actor);

}  // namespace odyo::station
