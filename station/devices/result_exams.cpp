#include "station/devices/result_exams.hpp"

#include <cstdio>

#include "acquisition/audiometry/audiogram_import.hpp"
#include "station/exams/audiometry_exam.hpp"
#include "station/records/exams.hpp"
#include "station/storage/database.hpp"

namespace odyo::station {

using nlohmann::json;

Result<RecordedExam> record_device_audiogram(Database& db, const StationConfig& cfg,
                                             const Worker& worker, const codec::Audiogram& in,
                                             const DeviceResultMeta& meta, const std::string& actor,
                                             const audiometry::AudiometerRange& range) {
  auto imported = audiometry::import_audiogram(in, range);
  if (!imported) return imported.error();
  AudiometryMeta m;
  m.device_id = meta.device_id;
  m.started_at = meta.started_at;
  m.technician = meta.technician;
  m.note = "received from the device (profile " + meta.profile + ", raw " + meta.raw_source + ")";
  if (!meta.note.empty()) m.note += "; " + meta.note;
  m.source_format = meta.source_format;
  m.source_file = meta.raw_source;
  m.source_description = imported->source;
  m.source_bytes.assign(meta.source_text.begin(), meta.source_text.end());
  return record_audiogram_exam(db, cfg, worker, imported->audiogram, m, actor);
}

Result<RecordedExam> record_device_spirometry(Database& db, const Worker& worker,
                                              const codec::vitalograph::FevResult& r,
                                              const std::string& data, const DeviceResultMeta& meta,
                                              const std::string& actor) {
  char device_time[32];
  std::snprintf(device_time, sizeof device_time, "%04d-%02d-%02dT%02d:%02d:%02d", r.year, r.month,
                r.day, r.hour, r.minute, r.second);
  json p;
  p["software_version"] = ODYO_VERSION;
  p["procedure"] = "device-computed screening result (Vitalograph Lung Monitor FTD record)";
  p["device_computed"] = true;
  p["screening_only"] = true;
  p["acceptable"] = r.good_test;  // the device's error flag (vitalograph §3, §5 b)
  p["device_reported"] = {{"fev1_l", r.fev1_l},
                          {"fev6_l", r.fev6_l},
                          {"fev1_fev6_ratio", r.fev1_fev6_ratio},
                          {"fef25_75_lps", r.fef25_75_lps}};
  p["conditions"] = "as reported by the device; BTPS status unknown, no correction applied";
  p["device"] = {{"serial", r.device_id},
                 {"software", r.software_version},
                 {"clock", std::string(device_time) + " (device clock, no time zone)"}};
  // §8: meaning and scale unknown — kept raw, never interpreted.
  p["device_fields_unknown_meaning"] = {{"personal_best", r.personal_best_raw},
                                        {"fev1_percent", r.fev1_percent_raw},
                                        {"green_zone", r.green_zone_raw},
                                        {"yellow_zone", r.yellow_zone_raw},
                                        {"orange_zone", r.orange_zone_raw}};
  char line[160];
  std::snprintf(line, sizeof line, "FEV1 %.2f L, FEV6 %.2f L, FEV1/FEV6 %.2f", r.fev1_l, r.fev6_l,
                r.fev1_fev6_ratio);
  std::vector<std::string> tr{std::string(line) + " (cihazın hesapladığı tarama değerleri)"};
  std::vector<std::string> en{std::string(line) + " (screening values computed by the device)"};
  if (!r.good_test) {
    tr.push_back("Cihaz üflemeyi kabul edilemez buldu (hata bayrağı 1)");
    en.push_back("The device marked the blow unacceptable (error flag 1)");
  }
  tr.push_back("Tarama sonucu: eğri ve FVC yok, Ek-1 değerlendirmesinde kullanılmaz");
  en.push_back("Screening result: no curve and no FVC, not used by the Ek-1 evaluation");
  p["summary"] = {{"tr", tr}, {"en", en}};

  auto tx = Transaction::begin(db);
  if (!tx) return tx.error();
  std::string notes = "device-computed result (" + meta.profile + ", raw " + meta.raw_source + ")";
  if (!meta.note.empty()) notes += "; " + meta.note;
  NewExam exam{worker.id,       "spirometry",   meta.started_at,
               meta.technician, meta.device_id, std::nullopt,
               std::nullopt,    std::nullopt,   notes};
  auto exam_id = add_exam(db, exam, actor);
  if (!exam_id) return exam_id.error();
  NewRecording rec;
  rec.seq = 1;
  rec.codec = "vitalograph-ftd-ascii";  // the 56 data characters between STX and ETX
  rec.device_units = "L (0.01)";
  rec.conversion_factor = 0.01;
  rec.bytes.assign(data.begin(), data.end());
  if (auto x = add_recording(db, *exam_id, rec); !x) return x.error();
  auto result_id = add_result(db, *exam_id, p.dump(), actor, "");
  if (!result_id) return result_id.error();
  if (auto x = tx->commit(); !x) return x.error();
  return RecordedExam{*exam_id, *result_id, std::move(p)};
}

}  // namespace odyo::station
