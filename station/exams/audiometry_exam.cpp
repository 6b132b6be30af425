#include "station/exams/audiometry_exam.hpp"

#include <sstream>

#include "analysis/audiometry/hearing_numbers.hpp"
#include "station/audiometry/audiogram_json.hpp"
#include "station/audiometry/report.hpp"
#include "station/audiometry/worker_baseline.hpp"
#include "station/core/json_values.hpp"
#include "station/records/audiometric_baselines.hpp"
#include "station/records/exams.hpp"
#include "station/storage/database.hpp"
#include "station/storage/hash.hpp"

namespace odyo::station {

namespace au = audiometry;
using nlohmann::json;

namespace {

std::string whole(double v) {
  std::ostringstream os;
  os.setf(std::ios::fixed);
  os.precision(v == static_cast<int>(v) ? 0 : 1);
  os << v;
  return os.str();
}

std::string_view provenance_of(const au::Audiogram& a) {
  for (const au::EarAudiogram* e : {&a.right, &a.left}) {
    for (const au::ThresholdCurve* c : {&e->air, &e->bone}) {
      for (const auto& [hz, p] : *c) return au::to_string(p.provenance);
    }
  }
  return "automated";
}

// Everything an audiometry exam stores; `search` is null for entered/imported audiograms.
Result<RecordedExam> record_impl(Database& db, const StationConfig& cfg, const Worker& worker,
                                 const au::Audiogram& audiogram, const au::SearchResult* search,
                                 const AudiometryMeta& meta, const std::string& actor) {
  if (search == nullptr) {
    if (auto v = au::validate(audiogram, {}, {cfg.max_bone_above_air_db}); !v) return v.error();
  }
  auto numbers = au::hearing_numbers(audiogram, cfg.speech_frequencies_hz);
  if (!numbers) return numbers.error();
  const std::string provenance(provenance_of(audiogram));

  // Whether this exam may be a baseline: the search finished and the listener was reliable
  // (entered and imported audiograms carry no reliability record; the person who entered them
  // answers for them); the audiogram itself is checked by assess_against_baseline.
  bool accepted = true;
  std::string not_accepted;
  if (search != nullptr) {
    if (!search->complete || search->aborted) {
      accepted = false;
      not_accepted = "the automated search did not finish";
    } else if (search->any_unreliable()) {
      accepted = false;
      not_accepted = "the listener was flagged unreliable (false alarms)";
    }
  }
  auto assessment =
      assess_against_baseline(db, cfg, worker, audiogram, meta.started_at, accepted, not_accepted);
  if (!assessment) return assessment.error();

  json payload;
  payload["software_version"] = ODYO_VERSION;
  if (search != nullptr) {
    payload["procedure"] = "automated modified Hughson-Westlake (ISO 8253-1, ASHA 2005)";
  } else {
    payload["procedure"] = provenance == "imported" ? "imported audiogram" : "manual entry";
  }
  payload["provenance"] = provenance;
  payload["speech_frequencies_hz"] = cfg.speech_frequencies_hz;
  payload["right"] = ear_json(numbers->right);
  payload["left"] = ear_json(numbers->left);
  payload["binaural_percent"] = numbers->binaural_percent;
  payload["aao1979_percent"] = json_or_null(numbers->aao1979_binaural_percent);
  payload["audiogram"] = stored_audiogram_json(audiogram);
  if (search != nullptr) {
    payload["search"] = {{"presentations", search->presentations},
                         {"complete", search->complete},
                         {"aborted", search->aborted},
                         {"false_alarm_rate", search->listener.false_alarm_rate()},
                         {"unreliable", search->any_unreliable()}};
    // For the quality-control report (station/qc/indicators): the 1 kHz retest per ear and the
    // catch trials answered.
    json retest = json::object();
    for (const auto& [ear, rc] : search->retest_1k)
      retest[std::string(au::to_string(ear))] = {{"first_db_hl", rc.first_db_hl},
                                                 {"retest_db_hl", rc.retest_db_hl},
                                                 {"diff_db", rc.retest_db_hl - rc.first_db_hl}};
    payload["search"]["retest_1k"] = retest;
    payload["search"]["catch_trials"] = search->listener.catch_trials;
    payload["search"]["catch_false_alarms"] = search->listener.catch_false_alarms;
  }
  json source = nullptr;
  if (!meta.source_bytes.empty() || !meta.source_format.empty()) {
    source = {{"format", meta.source_format},
              {"file", meta.source_file},
              {"description", meta.source_description},
              {"bytes", meta.source_bytes.size()},
              {"sha256", sha256_hex(meta.source_bytes.data(), meta.source_bytes.size())}};
    payload["source"] = source;
  }
  // The test room's ambient-noise check, when one was run before the first tone (the PC
  // audiometer's `--ambient`): band levels, limits, verdict and any override reason.
  if (!meta.ambient_noise.is_null()) payload["ambient_noise"] = meta.ambient_noise;
  payload["baseline"] = assessment->baseline;
  payload["sts"] = assessment->sts;
  payload["baseline_revision"] = assessment->revision;
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
  if (search == nullptr) {
    const std::string fmt = meta.source_format.empty() ? "" : " (" + meta.source_format + ")";
    tr.push_back(provenance == "imported" ? "Odyogram cihaz kaydından aktarıldı" + fmt
                                          : std::string("Odyogram elle girildi"));
    en.push_back(provenance == "imported" ? "Audiogram imported from a device record" + fmt
                                          : std::string("Audiogram entered by hand"));
  }
  for (const auto* ear : {&numbers->right, &numbers->left}) {
    const bool right = ear == &numbers->right;
    if (ear->notch.present) {
      tr.push_back(std::string(right ? "Sağ" : "Sol") + " kulakta gürültü çentiği: " +
                   std::to_string(ear->notch.frequency_hz) + " Hz (" + ear->notch.criterion + ")");
      en.push_back(std::string(right ? "Right" : "Left") + " ear noise notch at " +
                   std::to_string(ear->notch.frequency_hz) + " Hz (" + ear->notch.criterion + ")");
    }
  }
  if (search != nullptr && search->any_unreliable()) {
    tr.push_back("UYARI: güvenilmez yanıtlar (yanlış alarm oranı yüksek): test tekrarlanmalı");
    en.push_back("WARNING: unreliable responses (high false-alarm rate): repeat the test");
  }
  tr.insert(tr.end(), assessment->summary_tr.begin(), assessment->summary_tr.end());
  en.insert(en.end(), assessment->summary_en.begin(), assessment->summary_en.end());
  payload["summary"] = {{"tr", tr}, {"en", en}};

  NewRecording rec;
  rec.seq = 1;
  rec.device_units = "dB HL";
  rec.conversion_factor = 1.0;
  if (search != nullptr) {
    // The raw record of the search: every outcome per frequency, with the audiogram.
    json raw = {{"audiogram", payload["audiogram"]}, {"presentations", search->presentations}};
    raw["outcomes"] = search_outcomes_json(*search);
    const std::string raw_text = raw.dump();
    rec.codec = "json-threshold-search";
    rec.bytes.assign(raw_text.begin(), raw_text.end());
  } else {
    // The source exactly as read (the typed JSON file, the device's record bytes).
    rec.codec = meta.source_format.empty() ? std::string("source") : meta.source_format;
    rec.bytes = meta.source_bytes;
  }

  auto tx = Transaction::begin(db);
  if (!tx) return tx.error();
  NewExam exam{worker.id,    "audiometry", meta.started_at, meta.technician, meta.device_id,
               std::nullopt, std::nullopt, std::nullopt,    meta.note};
  auto exam_id = add_exam(db, exam, actor);
  if (!exam_id) return exam_id.error();
  if (!rec.bytes.empty()) {
    if (auto r = add_recording(db, *exam_id, rec); !r) return r.error();
  }
  auto result_id = add_result(db, *exam_id, payload.dump(), actor, "");
  if (!result_id) return result_id.error();
  for (NewBaseline b : assessment->new_rows) {
    if (b.exam_id == 0) {
      b.exam_id = *exam_id;
      b.result_id = *result_id;
    }
    if (auto r = add_baseline(db, b, actor); !r) return r.error();
  }
  if (auto r = tx->commit(); !r) return r.error();
  return RecordedExam{*exam_id, *result_id, std::move(payload)};
}

}  // namespace

Result<RecordedExam> record_audiometry_exam(Database& db, const StationConfig& cfg,
                                            const Worker& worker, const au::SearchResult& search,
                                            const AudiometryMeta& meta, const std::string& actor) {
  // A result-sending device's audiogram wrapped in a SearchResult (no presentation made by the
  // station, points not automated) is stored as what it is: an imported audiogram.
  if (search.presentations == 0 && provenance_of(search.audiogram) != "automated") {
    return record_impl(db, cfg, worker, search.audiogram, nullptr, meta, actor);
  }
  return record_impl(db, cfg, worker, search.audiogram, &search, meta, actor);
}

Result<RecordedExam> record_audiogram_exam(Database& db, const StationConfig& cfg,
                                           const Worker& worker, const au::Audiogram& audiogram,
                                           const AudiometryMeta& meta, const std::string& actor) {
  return record_impl(db, cfg, worker, audiogram, nullptr, meta, actor);
}

}  // namespace odyo::station
