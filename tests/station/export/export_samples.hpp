#pragma once
// In-memory exam records for the encoder tests: a signed spirometry exam (payload in the form
// station/exams/spirometry_exam.cpp stores) and a signed audiometry exam with bone, masked and
// no-response points, a Turkish worker whose name carries HL7 delimiters, and the [export]
// settings of the shipped config/station.toml.
#include <nlohmann/json.hpp>

#include "station/exams/exam_record.hpp"

namespace odyo::test {

inline station::ExportConfig export_config() {
  station::ExportConfig c;
  c.station_id = "ST01";
  c.identifier_system = "urn:oid:2.16.792.1.2.1.1.5.99.1.1";
  c.patient_identifier_system = "urn:oid:2.16.792.1.2.1.1.5.99.1.2";
  c.registry_identifier_system = "urn:oid:2.16.792.1.2.1.1.5.99.1.3";
  c.practitioner_identifier_system = "urn:oid:2.16.792.1.2.1.1.5.99.1.4";
  c.code_system = "urn:oid:2.16.792.1.2.1.1.5.99.1.5";
  c.hl7_sending_application = "ISG-ISTASYON";
  c.hl7_sending_facility = "TTK-KOZLU";
  c.hl7_receiving_application = "MERKEZ-KAYIT";
  c.hl7_receiving_facility = "TTK-GM";
  c.hl7_local_coding_system = "99TTK";
  c.hl7_patient_id_authority = "TCKN";
  return c;
}

inline station::ExamRecord base_record(const std::string& kind, const nlohmann::json& payload) {
  station::ExamRecord r;
  r.exam.id = 12;
  r.exam.worker_id = 3;
  r.exam.kind = kind;
  r.exam.started_at = "2026-11-20T09:15:00.000Z";
  r.exam.technician = "tekniker";
  r.worker.id = 3;
  r.worker.registry_no = "D-1001";
  r.worker.tc_kimlik = "38492017510";
  r.worker.first_name = "Çağrı Şükrü";
  r.worker.last_name = "Işıkoğlu|Öz^Ünal&İ~\\";
  r.worker.birth_date = "1984-03-12";
  r.worker.sex = "M";
  station::StoredResult res;
  res.id = 40;
  res.exam_id = 12;
  res.version = 1;
  res.kind = kind;
  res.payload_json = payload.dump();
  res.signatures.push_back(
      {7, "hekim", "2026-11-20T10:15:00.000Z", 2,
       "c2lnbmF0dXJlLWJ5dGVzLW9mLWVkMjU1MTktNjQtYnl0ZXMtbG9uZy0uLi4uLi4uLi4uLi4uLi4uLg=="});
  res.signed_by.push_back("hekim 2026-11-20T10:15:00.000Z");
  r.results.push_back(res);
  station::User u;
  u.username = "hekim";
  u.full_name = "Dr. Ayşe Yılmaz";
  u.role = "physician";
  r.users.emplace("hekim", u);
  station::evaluation::StoredEvaluation d;
  d.id = 5;
  d.exam_id = 12;
  d.worker_id = 3;
  d.version = 2;
  d.kind = "confirm";
  d.rules_version = "2026.1";
  d.health_group = "B";
  d.ek2_column = "A";
  d.created_by = "hekim";
  d.created_at = "2026-11-20T10:10:00.000Z";
  r.decision = d;
  return r;
}

inline nlohmann::json spiro_payload() {
  using nlohmann::json;
  const auto p = [](double meas, double pred, double lln, double z, double pct, bool below) {
    return json{{"measured", meas}, {"predicted", pred}, {"lln", lln},         {"uln", pred + 1},
                {"z", z},           {"pctpred", pct},    {"below_lln", below}, {"unit", "L"}};
  };
  json params = {{"FEV1", p(3.1234, 3.85, 3.101, -1.4249, 81.12, false)},
                 {"FVC", p(4.1, 4.6, 3.7, -0.9, 89.1, false)},
                 {"FEV1FVC", p(0.7618, 0.81, 0.70, -0.8, 94.0, false)},
                 {"FEF2575", p(2.0, 3.5, 2.2, -1.9, 57.1, true)}};
  params["FEV1FVC"]["unit"] = "";
  params["FEF2575"]["unit"] = "L/s";
  return {
      {"reference",
       {{"equation", "gli-global-2022"}, {"age_years", 42.7}, {"sex", "M"}, {"params", params}}},
      {"interpretation", {{"pattern", "normal"}, {"tr", "Normal spirometri"}, {"en", "Normal"}}},
      {"evaluation_inputs", {{"spirometry", {{"grade_fev1", "A"}, {"grade_fvc", "B"}}}}}};
}

inline nlohmann::json audio_payload() {
  using nlohmann::json;
  const auto pt = [](int level) {
    return json{{"status", "measured"}, {"level_db_hl", level}, {"provenance", "manual"}};
  };
  json right = {{"500", pt(15)}, {"1000", pt(20)}, {"2000", pt(25)}, {"4000", pt(40)}};
  json left = {{"500", pt(10)}, {"1000", pt(15)}, {"2000", pt(20)}, {"4000", pt(35)}};
  left["8000"] = {{"status", "no_response"}, {"level_db_hl", 100}, {"provenance", "manual"}};
  right["3000"] = {{"status", "measured"},
                   {"level_db_hl", 45},
                   {"provenance", "manual"},
                   {"masking_db_hl", 60},
                   {"masked", true}};
  json bone = {{"right", {{"1000", pt(15)}}}, {"left", {{"1000", pt(10)}}}};
  return {{"speech_frequencies_hz", {500, 1000, 2000}},
          {"audiogram", {{"right", right}, {"left", left}, {"bone", bone}}},
          {"right", {{"pta_db", 20.0}, {"avg_2k3k4k_db", 36.67}, {"percent_loss", 0.0}}},
          {"left", {{"pta_db", 15.0}, {"avg_2k3k4k_db", 25.0}, {"percent_loss", 0.0}}},
          {"binaural_percent", 0.0}};
}

}  // namespace odyo::test
