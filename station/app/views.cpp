#include "station/app/views.hpp"

#include "station/audiometry/worker_baseline.hpp"
#include "station/storage/database.hpp"

namespace odyo::station {

using nlohmann::json;

nlohmann::json worker_json(const Worker& w) {
  return {{"id", w.id},
          {"registry_no", w.registry_no},
          {"tc_kimlik", w.tc_kimlik},
          {"first_name", w.first_name},
          {"last_name", w.last_name},
          {"birth_date", w.birth_date},
          {"sex", w.sex},
          {"height_cm", w.height_cm},
          {"weight_kg", w.weight_kg},
          {"establishment", w.establishment},
          {"job_code", w.job_code},
          {"work_group", w.work_group},
          {"created_at", w.created_at}};
}

nlohmann::json job_period_json(const JobPeriod& p) {
  return {{"id", p.id == 0 ? json(nullptr) : json(p.id)},  // null: the registered job
          {"from", p.effective_from},
          {"establishment", p.establishment},
          {"job_code", p.job_code},
          {"work_group", p.work_group},
          {"reason", p.reason},
          {"decision", p.decision},
          {"created_at", p.created_at},
          {"created_by", p.created_by}};
}

nlohmann::json exams_due_json(const surveillance::WorkerDue& w) {
  json arr = json::array();
  for (const auto& e : w.exams) {
    arr.push_back({{"exam", e.exam},
                   {"rule", e.rule_id},
                   {"every_months", e.every_months},
                   {"provisional", e.provisional},
                   {"citation", e.citation},
                   {"last", e.last_date ? json(*e.last_date) : json(nullptr)},
                   {"due", e.due_date},
                   {"status", surveillance::status_name(e.status)},
                   {"days_overdue", e.days_overdue}});
  }
  return arr;
}

nlohmann::json due_report_json(const surveillance::DueReport& r) {
  json workers = json::array();
  for (const auto& w : r.workers) {
    workers.push_back({{"worker_id", w.worker_id},
                       {"registry_no", w.registry_no},
                       {"first_name", w.first_name},
                       {"last_name", w.last_name},
                       {"establishment", w.establishment},
                       {"job_code", w.job_code},
                       {"work_group", w.work_group},
                       {"exams", exams_due_json(w)}});
  }
  return {{"as_of", r.as_of},
          {"intervals_version", r.intervals_version},
          {"soon_days", r.soon_days},
          {"workers", workers}};
}

nlohmann::json placements_json(const std::string& from, const std::string& to,
                               const std::vector<surveillance::Placement>& list) {
  json arr = json::array();
  for (const auto& p : list) {
    arr.push_back({{"worker_id", p.worker_id},
                   {"registry_no", p.registry_no},
                   {"first_name", p.first_name},
                   {"last_name", p.last_name},
                   {"from", p.from},
                   {"old",
                    {{"establishment", p.old_establishment},
                     {"job_code", p.old_job},
                     {"work_group", p.old_work_group}}},
                   {"new",
                    {{"establishment", p.new_establishment},
                     {"job_code", p.new_job},
                     {"work_group", p.new_work_group}}},
                   {"reason", p.reason},
                   {"decision", p.decision},
                   {"years_in_old_job", p.years_in_old_job},
                   {"years_worked", p.years_worked}});
  }
  return {{"from", from}, {"to", to}, {"placements", arr}};
}

nlohmann::json chest_film_json(const ChestFilm& f) {
  return {{"id", f.id},
          {"worker_id", f.worker_id},
          {"taken_on", f.taken_on},
          {"quality", f.quality ? json(*f.quality) : json(nullptr)},
          {"reader_a", f.reader_a},
          {"ilo_a", f.ilo_a},
          {"reader_b", f.reader_b ? json(*f.reader_b) : json(nullptr)},
          {"ilo_b", f.ilo_b ? json(*f.ilo_b) : json(nullptr)},
          {"referred", f.referred},
          {"referral_reason", f.referral_reason},
          {"notes", f.notes},
          {"supersedes_id", f.supersedes_id ? json(*f.supersedes_id) : json(nullptr)},
          {"created_at", f.created_at},
          {"created_by", f.created_by}};
}

nlohmann::json exam_json(const Exam& e) {
  nlohmann::json j{{"id", e.id},
                   {"worker_id", e.worker_id},
                   {"kind", e.kind},
                   {"started_at", e.started_at},
                   {"technician", e.technician},
                   {"device_id", e.device_id},
                   {"notes", e.notes}};
  j["ambient_temp_c"] =
      e.ambient_temp_c ? nlohmann::json(*e.ambient_temp_c) : nlohmann::json(nullptr);
  j["ambient_pressure_kpa"] =
      e.ambient_pressure_kpa ? nlohmann::json(*e.ambient_pressure_kpa) : nlohmann::json(nullptr);
  j["ambient_humidity_pct"] =
      e.ambient_humidity_pct ? nlohmann::json(*e.ambient_humidity_pct) : nlohmann::json(nullptr);
  return j;
}

json evaluation_json(const evaluation::StoredEvaluation& r) {
  return {{"id", r.id},
          {"worker_id", r.worker_id},
          {"exam_id", r.exam_id ? json(*r.exam_id) : json(nullptr)},
          {"version", r.version},
          {"supersedes_id", r.supersedes_id ? json(*r.supersedes_id) : json(nullptr)},
          {"kind", r.kind},
          {"rules_version", r.rules_version},
          {"rules_hash", r.rules_hash},
          {"purpose", r.purpose},
          {"health_group", r.health_group ? json(*r.health_group) : json(nullptr)},
          {"ek2_column", r.ek2_column ? json(*r.ek2_column) : json(nullptr)},
          {"reason", r.reason},
          {"created_at", r.created_at},
          {"created_by", r.created_by}};
}

json result_json(const StoredResult& r) {
  return {{"id", r.id},
          {"version", r.version},
          {"kind", r.kind},
          {"created_at", r.created_at},
          {"created_by", r.created_by},
          {"reason", r.reason},
          {"software", r.software},
          {"signed_by", r.signed_by},
          {"signatures",
           [&] {
             json a = json::array();
             for (const auto& sg : r.signatures)
               a.push_back({{"signer", sg.signer}, {"signed_at", sg.signed_at}});
             return a;
           }()},
          {"payload", json::parse(r.payload_json, nullptr, false)}};
}

Result<json> decision_chain_json(Database& db, std::int64_t id) {
  auto chain = evaluation::evaluation_chain(db, id);
  if (!chain) return chain.error();
  json arr = json::array();
  for (const auto& r : *chain) arr.push_back(evaluation_json(r));
  return json{{"chain", arr}, {"in_force", evaluation::decision_in_force(*chain).id}};
}

json exam_record_json(const ExamRecord& rec, const json& interruption) {
  json j = exam_json(rec.exam);
  j["interrupted"] = interruption;
  j["worker"] = {{"registry_no", rec.worker.registry_no},
                 {"name", rec.worker.first_name + " " + rec.worker.last_name}};
  j["recordings"] = json::array();
  for (const auto& r : rec.recordings) {
    j["recordings"].push_back({{"seq", r.seq},
                               {"codec", r.codec},
                               {"bytes", r.size_bytes},
                               {"sha256", r.sha256},
                               {"device_units", r.device_units},
                               {"conversion_factor", r.conversion_factor}});
  }
  j["results"] = json::array();
  for (const auto& r : rec.results) j["results"].push_back(result_json(r));
  if (rec.exam.kind == "audiometry") {
    // The baseline versions that name this exam; the baseline it was compared with and the
    // STS per ear are in results[].payload.baseline / .sts.
    j["audiometric_baselines"] = json::array();
    for (const auto& r : rec.baselines) {
      j["audiometric_baselines"].push_back(baseline_row_json(r));
    }
    if (!rec.results.empty()) {
      const auto p = json::parse(rec.results.back().payload_json, nullptr, false);
      j["baseline"] = p.is_object() && p.contains("baseline") ? p["baseline"] : nullptr;
      j["sts"] = p.is_object() && p.contains("sts") ? p["sts"] : nullptr;
    }
  }
  j["evaluations"] = json::array();
  for (const auto& v : rec.evaluations) {
    j["evaluations"].push_back({{"id", v.id},
                                {"version", v.version},
                                {"kind", v.kind},
                                {"rules_version", v.rules_version},
                                {"purpose", v.purpose},
                                {"health_group", v.health_group.value_or("")},
                                {"ek2_column", v.ek2_column.value_or("")},
                                {"reason", v.reason},
                                {"created_at", v.created_at},
                                {"created_by", v.created_by},
                                {"result", json::parse(v.result_json, nullptr, false)}});
  }
  // The decision in force with its evaluation (clause trace, provisional flags), and the row a
  // physician's confirm or override names (the newest of the exam's evaluations).
  if (rec.decision) {
    j["decision"] = evaluation_json(*rec.decision);
    j["decision"]["result"] = json::parse(rec.decision->result_json, nullptr, false);
  } else {
    j["decision"] = nullptr;
  }
  j["latest_evaluation_id"] =
      rec.evaluations.empty() ? json(nullptr) : json(rec.evaluations.back().id);
  return j;
}

nlohmann::json outbox_entry_json(const OutboxEntry& e) {
  return {{"id", e.id},
          {"exam", e.exam_id},
          {"result_version", e.result_version},
          {"destination", e.destination},
          {"kind", e.kind},
          {"message_id", e.message_id},
          {"state", outbox_state_name(e.state)},
          {"attempts", e.attempts},
          {"queued_at", e.created_at},
          {"last_attempt_at", e.last_at.empty() ? json() : json(e.last_at)},
          {"last_message", e.last_message},
          {"next_attempt_at", e.next_at ? json(*e.next_at) : json()}};
}

nlohmann::json outbox_status_json(const OutboxStatus& s) {
  json dests = json::array();
  for (const auto& d : s.destinations) {
    dests.push_back({{"id", d.id},
                     {"kind", d.kind},
                     {"configured", d.configured},
                     {"pending", d.pending},
                     {"delivered", d.delivered},
                     {"rejected", d.rejected}});
  }
  json rejected = json::array();
  for (const auto& e : s.rejected) rejected.push_back(outbox_entry_json(e));
  json pending = json::array();
  for (const auto& e : s.pending) pending.push_back(outbox_entry_json(e));
  return {{"destinations", dests}, {"rejected", rejected}, {"pending", pending}};
}

}  // namespace odyo::station
