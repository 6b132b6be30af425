#include "station/exams/audiometry_exam.hpp"

#include <sstream>

#include "analysis/audiometry/hearing_numbers.hpp"
#include "station/audiometry/report.hpp"
#include "station/records/exams.hpp"
#include "station/spirometry/report.hpp"
#include "station/storage/database.hpp"

namespace odyo::station {

namespace au = audiometry;
using nlohmann::json;

namespace {

json curve_json(const au::ThresholdCurve& c) {
  json j = json::object();
  for (const auto& [hz, p] : c) {
    j[std::to_string(hz)] = {{"status", std::string(au::to_string(p.status))},
                             {"level_db_hl", p.level_db_hl},
                             {"provenance", std::string(au::to_string(p.provenance))}};
  }
  return j;
}

std::string whole(double v) {
  std::ostringstream os;
  os.setf(std::ios::fixed);
  os.precision(v == static_cast<int>(v) ? 0 : 1);
  os << v;
  return os.str();
}

}  // namespace

Result<RecordedExam> record_audiometry_exam(Database& db, const StationConfig& cfg,
                                            const Worker& worker, const au::SearchResult& search,
                                            const AudiometryMeta& meta, const std::string& actor) {
  auto numbers = au::hearing_numbers(search.audiogram, cfg.speech_frequencies_hz);
  if (!numbers) return numbers.error();
  json payload;
  payload["software_version"] = ODYO_VERSION;
  payload["procedure"] = "automated modified Hughson-Westlake (ISO 8253-1, ASHA 2005)";
  payload["speech_frequencies_hz"] = cfg.speech_frequencies_hz;
  payload["right"] = ear_json(numbers->right);
  payload["left"] = ear_json(numbers->left);
  payload["binaural_percent"] = numbers->binaural_percent;
  payload["aao1979_percent"] = json_or_null(numbers->aao1979_binaural_percent);
  payload["audiogram"] = {{"right", curve_json(search.audiogram.right.air)},
                          {"left", curve_json(search.audiogram.left.air)}};
  payload["search"] = {{"presentations", search.presentations},
                       {"complete", search.complete},
                       {"aborted", search.aborted},
                       {"false_alarm_rate", search.listener.false_alarm_rate()},
                       {"unreliable", search.any_unreliable()}};
  payload["evaluation_inputs"] = {
      {"hearing",
       {{"right_pta_db", numbers->right.speech.value_db},
        {"left_pta_db", numbers->left.speech.value_db},
        {"right_pta_no_response", numbers->right.speech.includes_no_response},
        {"left_pta_no_response", numbers->left.speech.includes_no_response},
        {"right_max_hf_db", peak(numbers->right.hf.max_hf)},
        {"left_max_hf_db", peak(numbers->left.hf.max_hf)},
        {"speech_frequencies_hz", cfg.speech_frequencies_hz}}}};

  std::string freqs;
  for (int f : cfg.speech_frequencies_hz) freqs += (freqs.empty() ? "" : "-") + std::to_string(f);
  std::vector<std::string> tr, en;
  tr.push_back("Sağ kulak " + whole(numbers->right.speech.value_db) + " dB, sol kulak " +
               whole(numbers->left.speech.value_db) + " dB (" + freqs + " Hz ortalaması); kayıp %" +
               whole(numbers->right.percent_loss) + " / %" + whole(numbers->left.percent_loss) +
               ", binoral %" + whole(numbers->binaural_percent));
  en.push_back("Right ear " + whole(numbers->right.speech.value_db) + " dB, left ear " +
               whole(numbers->left.speech.value_db) + " dB (" + freqs + " Hz average); loss " +
               whole(numbers->right.percent_loss) + " % / " + whole(numbers->left.percent_loss) +
               " %, binaural " + whole(numbers->binaural_percent) + " %");
  for (const auto* ear : {&numbers->right, &numbers->left}) {
    const bool right = ear == &numbers->right;
    if (ear->notch.present) {
      tr.push_back(std::string(right ? "Sağ" : "Sol") + " kulakta gürültü çentiği: " +
                   std::to_string(ear->notch.frequency_hz) + " Hz (" + ear->notch.criterion + ")");
      en.push_back(std::string(right ? "Right" : "Left") + " ear noise notch at " +
                   std::to_string(ear->notch.frequency_hz) + " Hz (" + ear->notch.criterion + ")");
    }
  }
  if (search.any_unreliable()) {
    tr.push_back("UYARI: güvenilmez yanıtlar (yanlış alarm oranı yüksek): test tekrarlanmalı");
    en.push_back("WARNING: unreliable responses (high false-alarm rate): repeat the test");
  }
  payload["summary"] = {{"tr", tr}, {"en", en}};

  // The raw record of the search: every outcome per frequency, with the audiogram.
  json raw = {{"audiogram", payload["audiogram"]}, {"presentations", search.presentations}};
  raw["outcomes"] = json::array();
  for (const auto& oc : search.outcomes) {
    raw["outcomes"].push_back({{"ear", std::string(au::to_string(oc.ear))},
                               {"frequency_hz", oc.frequency_hz},
                               {"retest", oc.retest},
                               {"level_db_hl", oc.level_db_hl},
                               {"no_response", oc.no_response},
                               {"inconsistent", oc.inconsistent},
                               {"presentations", oc.presentations}});
  }
  const std::string raw_text = raw.dump();

  auto tx = Transaction::begin(db);
  if (!tx) return tx.error();
  NewExam exam{worker.id,    "audiometry", meta.started_at, meta.technician, meta.device_id,
               std::nullopt, std::nullopt, std::nullopt,    meta.note};
  auto exam_id = add_exam(db, exam, actor);
  if (!exam_id) return exam_id.error();
  NewRecording rec;
  rec.seq = 1;
  rec.codec = "json-threshold-search";
  rec.device_units = "dB HL";
  rec.conversion_factor = 1.0;
  rec.bytes.assign(raw_text.begin(), raw_text.end());
  if (auto r = add_recording(db, *exam_id, rec); !r) return r.error();
  auto result_id = add_result(db, *exam_id, payload.dump(), actor, "");
  if (!result_id) return result_id.error();
  if (auto r = tx->commit(); !r) return r.error();
  return RecordedExam{*exam_id, *result_id, std::move(payload)};
}

}  // namespace odyo::station
