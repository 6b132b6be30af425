#include "tools/big_station/big_station.hpp"

#include <chrono>
#include <nlohmann/json.hpp>
#include <vector>

#include "station/config/config.hpp"
#include "station/evaluation/decisions.hpp"
#include "station/records/exams.hpp"
#include "station/records/workers.hpp"
#include "station/rules/loader.hpp"
#include "station/storage/database.hpp"
#include "station/storage/users.hpp"
#include "tests/station/export/export_samples.hpp"

namespace odyo::tools {
using namespace odyo::station;
namespace ev = odyo::evaluation;

namespace {

const char* kEstablishments =
    "CASE i % 5 WHEN 0 THEN 'Kozlu' WHEN 1 THEN 'Üzülmez' WHEN 2 THEN 'Karadon' WHEN 3 THEN "
    "'Armutçuk' ELSE 'Amasra' END";

// Spirometry template with its pattern; audiometry template with a threshold-shift object.
nlohmann::json audio_template() {
  auto p = odyo::test::audio_payload();
  p["sts"] = {{"right", {{"sts", false}, {"sts_age_corrected", false}}},
              {"left", {{"sts", false}, {"sts_age_corrected", false}}},
              {"recordable", false}};
  return p;
}

// A confirmed evaluation of `exam` whose first Ek-2 row reads the audiogram and second the
// spirometry (the copies vary their columns).
Result<void> template_evaluation(Database& db, std::int64_t worker, std::int64_t exam) {
  auto cfg = load_config(std::string(ODYO_SOURCE_DIR) + "/config/station.toml");
  if (!cfg) return cfg.error();
  auto rules = rules::load_ruleset(cfg->rules_dir);
  if (!rules) return rules.error();
  ev::Evaluation result;
  ev::RowHit h;
  h.rule_id = "ek2-15";
  h.rule_citation = "EK-2/15";
  h.citation = "EK-2/15 A";
  h.column = ev::Column::A;
  h.inputs = {{"hearing.right_pta_db", 20.0}, {"hearing.left_pta_db", 15.0}};
  ev::RowHit l;
  l.rule_id = "ek2-resp-fev1";
  l.rule_citation = "EK-2/solunum FEV1";
  l.citation = "EK-2/solunum FEV1 A";
  l.column = ev::Column::A;
  l.inputs = {{"spirometry.fev1_pctpred", 90.0}};
  result.rules = {h, l};
  result.column = result.column_at_least = result.health_group = ev::Column::A;
  auto id = station::evaluation::store_evaluation(db, worker, exam, {}, result, *rules, "tekniker");
  if (!id) return id.error();
  auto c = station::evaluation::confirm_evaluation(db, *id, kBigPhysician);
  if (!c) return c.error();
  return {};
}

Result<void> run_all(Database& db, const std::vector<std::string>& steps) {
  auto tx = Transaction::begin(db);
  if (!tx) return tx.error();
  for (const auto& sql : steps) {
    if (auto r = db.exec(sql); !r) return r.error();
  }
  return tx->commit();
}

}  // namespace

Result<BigStation> make_big_station(Database& db, const BigStationOptions& o,
                                    const InSignTransaction& on_first_sign) {
  const auto t0 = std::chrono::steady_clock::now();
  if (auto u =
          add_user(db, {kBigPhysician, "Dr. Hekim", "physician", kBigPassword}, 10, 10000, "admin");
      !u)
    return u.error();
  std::vector<Job> jobs(1);
  jobs[0].code = o.mixed ? "YA-PANO-01" : "K-101";
  jobs[0].work_group = 1;
  auto w = add_worker(db,
                      {"B1", "10000000146", "Ali", "Yılmaz", "1980-01-01", "M", 175, 80, "Kozlu",
                       jobs[0].code, o.mixed ? "2010-01-01" : ""},
                      {"Kozlu"}, jobs, "2016-01-01", "tekniker");
  if (!w) return w.error();
  auto me = find_user(db, kBigPhysician);
  if (!me) return me.error();
  const auto store = [&](const std::string& kind, const nlohmann::json& payload,
                         const InSignTransaction& hook, bool evaluate) -> Result<std::int64_t> {
    auto e = add_exam(
        db, {*w, kind, "2016-01-01T09:00:00.000Z", "tekniker", "dev-1", 21.0, 101.3, 40.0, ""},
        "tekniker");
    if (!e) return e.error();
    if (auto r = add_result(db, *e, payload.dump(), "tekniker", ""); !r) return r.error();
    if (evaluate) {
      if (auto r = template_evaluation(db, *w, *e); !r) return r.error();
    }
    if (auto s = sign_exam_result(db, *me, kBigPassword, *e, 10000, hook); !s) return s.error();
    return *e;
  };
  auto first = store("spirometry", odyo::test::spiro_payload(), on_first_sign, o.mixed);
  if (!first) return first.error();
  int templates = 1;
  if (o.mixed) {
    if (auto a = store("audiometry", audio_template(), {}, false); !a) return a.error();
    templates = 2;
  }

  const int workers = std::max(1, o.exams / 50);
  const std::string n = std::to_string(o.exams), wn = std::to_string(workers),
                    a = std::to_string(o.exams - o.awaiting), t = std::to_string(templates);
  const std::string when =
      "strftime('%Y-%m-%dT%H:%M:%S.000Z', '2016-01-01', '+' || (i * 315360 / " + n +
      ") || '000 seconds')";
  std::vector<std::string> steps;
  if (!o.mixed) {
    steps = {
        "WITH RECURSIVE k(i) AS (SELECT 2 UNION ALL SELECT i + 1 FROM k WHERE i < " + wn +
            ") INSERT INTO workers (id, registry_no, tc_kimlik, first_name, last_name, "
            "birth_date, sex, height_cm, weight_kg, establishment, job_code, work_group, "
            "created_at, created_by) SELECT i, 'B' || i, printf('%011d', 20000000000 + i), 'Ad' "
            "|| i, 'Soyad' || i, '1980-01-01', 'M', 175, 80, " +
            std::string(kEstablishments) +
            ", job_code, work_group, created_at, created_by FROM k, workers WHERE workers.id = 1",
        "WITH RECURSIVE k(i) AS (SELECT 2 UNION ALL SELECT i + 1 FROM k WHERE i < " + n +
            ") INSERT INTO exams (id, worker_id, kind, started_at, technician, device_id, "
            "ambient_temp_c, ambient_pressure_kpa, ambient_humidity_pct, notes) SELECT i, 1 + (i "
            "% " +
            wn + "), kind, " + when +
            ", technician, device_id, ambient_temp_c, ambient_pressure_kpa, "
            "ambient_humidity_pct, notes FROM k, exams WHERE exams.id = 1",
        "INSERT INTO results (exam_id, version, supersedes_id, kind, payload, content_sha256, "
        "software, created_at, created_by, reason) SELECT e.id, 1, NULL, r.kind, r.payload, "
        "r.content_sha256, r.software, e.started_at, r.created_by, r.reason FROM exams e, "
        "results r WHERE r.id = 1 AND e.id > 1",
    };
  } else {
    steps = {
        "WITH RECURSIVE k(i) AS (SELECT 2 UNION ALL SELECT i + 1 FROM k WHERE i < " + wn +
            ") INSERT INTO workers (id, registry_no, tc_kimlik, first_name, last_name, "
            "birth_date, sex, height_cm, weight_kg, establishment, job_code, work_group, "
            "created_at, created_by, employed_since) SELECT i, 'B' || i, printf('%011d', "
            "20000000000 + i), 'Ad' || i, 'Soyad' || i, '1980-01-01', 'M', 175, 80, " +
            std::string(kEstablishments) +
            ", CASE i % 3 WHEN 0 THEN 'YA-PANO-01' WHEN 1 THEN 'YU-KOMP-01' ELSE 'YU-BURO-01' "
            "END, CASE i % 3 WHEN 0 THEN 1 WHEN 1 THEN 3 ELSE 5 END, created_at, created_by, "
            "'2010-01-01' FROM k, workers WHERE workers.id = 1",
        // One worker in ten moves to the next establishment on 2021-01-01.
        "INSERT INTO worker_jobs (worker_id, establishment, job_code, work_group, "
        "effective_from, reason, decision, created_at, created_by) SELECT id, CASE (id + 1) % 5 "
        "WHEN 0 THEN 'Kozlu' WHEN 1 THEN 'Üzülmez' WHEN 2 THEN 'Karadon' WHEN 3 THEN 'Armutçuk' "
        "ELSE 'Amasra' END, job_code, work_group, '2021-01-01', 'transfer', '', created_at, "
        "created_by FROM workers WHERE id % 10 = 0",
        "WITH RECURSIVE k(i) AS (SELECT " + std::to_string(templates + 1) +
            " UNION ALL SELECT i + 1 FROM k WHERE i < " + n +
            ") INSERT INTO exams (id, worker_id, kind, started_at, technician, device_id, "
            "ambient_temp_c, ambient_pressure_kpa, ambient_humidity_pct, notes) SELECT i, 1 + (i "
            "% " +
            wn + "), CASE i % 2 WHEN 1 THEN 'spirometry' ELSE 'audiometry' END, " + when +
            ", 'tekniker', 'dev-1', 21.0, 101.3, 40.0, '' FROM k",
        "INSERT INTO results (exam_id, version, supersedes_id, kind, payload, content_sha256, "
        "software, created_at, created_by, reason) SELECT e.id, 1, NULL, e.kind, CASE e.kind "
        "WHEN 'spirometry' THEN json_set(s.payload, '$.interpretation.pattern', CASE (e.id * 7) "
        "% 10 WHEN 0 THEN 'obstruction' WHEN 1 THEN 'possible_restriction' WHEN 2 THEN 'mixed' "
        "ELSE 'normal' END) ELSE json_set(a.payload, '$.sts.right.sts', json(CASE WHEN e.id % 13 "
        "= 0 THEN 'true' ELSE 'false' END)) END, s.content_sha256, s.software, e.started_at, "
        "s.created_by, '' FROM exams e, results s, results a WHERE s.exam_id = 1 AND a.exam_id = "
        "2 AND e.id > 2",
        // A physician's confirmed decision on three exams out of four.
        "INSERT INTO evaluations (exam_id, worker_id, version, supersedes_id, kind, "
        "rules_version, rules_hash, purpose, health_group, ek2_column, result_json, reason, "
        "created_at, created_by) SELECT e.id, e.worker_id, 1, NULL, 'confirm', v.rules_version, "
        "v.rules_hash, v.purpose, v.health_group, v.ek2_column, json_set(v.result_json, "
        "'$.result.ek2.rules[0].column', substr('ABCD', 1 + (e.id % 7) % 4, 1), "
        "'$.result.ek2.rules[1].column', substr('ABCD', 1 + (e.id % 11) % 4, 1)), '', "
        "e.started_at, 'hekim' FROM exams e, evaluations v WHERE v.id = (SELECT max(id) FROM "
        "evaluations WHERE kind = 'confirm') AND e.id > 2 AND e.id % 4 <> 3",
    };
  }
  steps.push_back(
      "INSERT INTO signatures (result_id, signer, signed_at, content_sha256, key_id, signature) "
      "SELECT r.id, s.signer, r.created_at, s.content_sha256, s.key_id, s.signature FROM results "
      "r, signatures s WHERE s.id = 1 AND r.exam_id > " +
      t + " AND r.exam_id <= " + a);
  steps.push_back("ANALYZE");
  if (auto r = run_all(db, steps); !r) return r.error();
  BigStation out;
  out.first_exam = *first;
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return out;
}

}  // namespace odyo::tools
