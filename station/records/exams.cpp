#include "station/records/exams.hpp"
#include "analysis/core/error_text.hpp"

#include <nlohmann/json.hpp>

#include "station/auth/signing.hpp"
#include "station/storage/audit.hpp"
#include "station/storage/database.hpp"
#include "station/storage/hash.hpp"
#include "station/storage/users.hpp"

#include "analysis/core/text.hpp"
#include "station/core/with_code.hpp"

namespace odyo::station {
namespace {
constexpr const char* kExamColumns =
    "id, worker_id, kind, started_at, technician, device_id, ambient_temp_c, ambient_pressure_kpa, "
    "ambient_humidity_pct, notes";

Exam read_exam(const Statement& st) {
  return Exam{st.int64(0), st.int64(1),    st.text(2),     st.text(3),     st.text(4),
              st.text(5),  st.opt_real(6), st.opt_real(7), st.opt_real(8), st.text(9)};
}
}  // namespace

Result<std::int64_t> add_exam(Database& db, const NewExam& e, const std::string& actor) {
  if (auto t = text::check_free_text(e.notes, "the exam's note", {text::kMaxReasonChars, false});
      !t) {
    return with_code(t.error(), "exam_invalid");
  }
  if (auto t = text::check_free_text(e.device_id, "the device", {text::kMaxNameChars, false}); !t)
    return with_code(t.error(), "exam_invalid");
  if (e.kind != "spirometry" && e.kind != "audiometry") {
    return make_errorf("exam_invalid",
                       "exam kind \"{}\" is unknown; allowed: spirometry, audiometry", e.kind);
  }
  if (e.ambient_temp_c && (*e.ambient_temp_c < 10 || *e.ambient_temp_c > 40)) {
    return make_errorf("exam_invalid",
                       "ambient temperature {} °C is outside 10-40 °C: check the thermometer",
                       std::to_string(*e.ambient_temp_c));
  }
  if (e.ambient_pressure_kpa && (*e.ambient_pressure_kpa < 70 || *e.ambient_pressure_kpa > 110)) {
    return make_errorf("exam_invalid",
                       "ambient pressure {} kPa is outside 70-110 kPa: check the barometer (kPa, "
                       "not hPa)",
                       std::to_string(*e.ambient_pressure_kpa));
  }
  auto tx = Transaction::begin(db);
  if (!tx) return tx.error();
  auto ins = db.prepare(
      "INSERT INTO "
      "exams(worker_id,kind,started_at,technician,device_id,ambient_temp_c,ambient_pressure_kpa,"
      "ambient_humidity_pct,notes) VALUES (?,?,?,?,?,?,?,?,?)");
  if (!ins) return ins.error();
  ins->bind(1, e.worker_id)
      .bind(2, e.kind)
      .bind(3, e.started_at)
      .bind(4, e.technician)
      .bind(5, e.device_id);
  ins->bind(6, e.ambient_temp_c)
      .bind(7, e.ambient_pressure_kpa)
      .bind(8, e.ambient_humidity_pct)
      .bind(9, e.notes);
  if (auto r = ins->run(); !r) {
    return make_errorf("exam_invalid", "cannot store the exam (is the worker registered?): {}",
                       r.error());
  }
  const auto id = db.last_insert_id();
  nlohmann::json details{{"worker_id", e.worker_id}, {"kind", e.kind}, {"device_id", e.device_id}};
  if (auto r = audit_append(db, {actor, "exam.add", "exams", id, details.dump()}); !r)
    return r.error();
  if (auto r = tx->commit(); !r) return r.error();
  return id;
}

Result<std::int64_t> add_recording(Database& db, std::int64_t exam_id, const NewRecording& r) {
  auto ins = db.prepare(
      "INSERT INTO "
      "recordings(exam_id,seq,codec,sample_rate_hz,device_units,conversion_factor,btps_factor,"
      "bytes,"
      "sha256,created_at) VALUES (?,?,?,?,?,?,?,?,?,?)");
  if (!ins) return ins.error();
  ins->bind(1, exam_id)
      .bind(2, r.seq)
      .bind(3, r.codec)
      .bind(4, r.sample_rate_hz)
      .bind(5, r.device_units);
  ins->bind(6, r.conversion_factor)
      .bind(7, r.btps_factor)
      .bind_blob(8, r.bytes.data(), r.bytes.size());
  const std::string sha = sha256_hex(r.bytes.data(), r.bytes.size());
  ins->bind(9, sha).bind(10, utc_now_iso());
  auto tx = Transaction::begin(db);
  if (!tx) return tx.error();
  if (auto res = ins->run(); !res) return res.error();
  const auto id = db.last_insert_id();
  // The raw bytes are bound into the audit chain with the exam's technician as the actor.
  auto ex = get_exam(db, exam_id);
  if (!ex) return ex.error();
  nlohmann::json details{{"exam_id", exam_id}, {"seq", r.seq}, {"sha256", sha}};
  if (auto res =
          audit_append(db, {ex->technician, "recording.add", "recordings", id, details.dump()});
      !res) {
    return res.error();
  }
  if (auto res = tx->commit(); !res) return res.error();
  return id;
}

Result<std::int64_t> add_result(Database& db, std::int64_t exam_id, const std::string& payload_json,
                                const std::string& actor, const std::string& reason) {
  if (!nlohmann::json::accept(payload_json))
    return make_error("result_invalid", "result payload is not valid JSON");
  auto tx = Transaction::begin(db);
  if (!tx) return tx.error();
  auto cur = db.prepare(
      "SELECT id, version, kind FROM results WHERE exam_id = ? ORDER BY version DESC LIMIT 1");
  if (!cur) return cur.error();
  cur->bind(1, exam_id);
  auto has = cur->step();
  if (!has) return has.error();
  std::optional<std::int64_t> prev;
  int version = 1;
  if (*has) {
    prev = cur->int64(0);
    version = static_cast<int>(cur->int64(1)) + 1;
    if (reason.empty()) {
      return make_errorf("result_invalid",
                         "a correction needs a reason: say why version {} is being replaced",
                         version - 1);
    }
    if (auto t = text::check_free_text(reason, "the reason", {text::kMaxReasonChars, true}); !t)
      return with_code(t.error(), "result_invalid");
  }
  auto ex = get_exam(db, exam_id);
  if (!ex) return ex.error();
  const std::string hash = sha256_hex(payload_json);
  auto ins = db.prepare(
      "INSERT INTO "
      "results(exam_id,version,supersedes_id,kind,payload,content_sha256,software,created_at,"
      "created_by,"
      "reason) VALUES (?,?,?,?,?,?,?,?,?,?)");
  if (!ins) return ins.error();
  ins->bind(1, exam_id)
      .bind(2, version)
      .bind(3, prev)
      .bind(4, ex->kind)
      .bind(5, payload_json)
      .bind(6, hash);
  ins->bind(7, std::string("odyospiro ") + ODYO_VERSION)
      .bind(8, utc_now_iso())
      .bind(9, actor)
      .bind(10, reason);
  if (auto r = ins->run(); !r) return r.error();
  const auto id = db.last_insert_id();
  nlohmann::json details{
      {"exam_id", exam_id}, {"version", version}, {"content_sha256", hash}, {"reason", reason}};
  if (auto r = audit_append(db, {actor, "result.add", "results", id, details.dump()}); !r)
    return r.error();
  if (auto r = tx->commit(); !r) return r.error();
  return id;
}

Result<std::int64_t> sign_result(Database& db, std::int64_t result_id,
                                 const std::string& physician) {
  auto user = find_user(db, physician);
  if (!user) return user.error();
  if (user->role != "physician") {
    return make_errorf("not_allowed", "only a physician may sign results; {} is {}", physician,
                       user->role);
  }
  auto tx = Transaction::begin(db);
  if (!tx) return tx.error();
  auto st = db.prepare("SELECT content_sha256 FROM results WHERE id = ?");
  if (!st) return st.error();
  st->bind(1, result_id);
  auto r = st->step();
  if (!r) return r.error();
  if (!*r) return make_errorf("result_unknown", "no result {}", result_id);
  const std::string hash = st->text(0);
  auto ins = db.prepare(
      "INSERT INTO signatures(result_id,signer,signed_at,content_sha256) VALUES (?,?,?,?)");
  if (!ins) return ins.error();
  ins->bind(1, result_id).bind(2, physician).bind(3, utc_now_iso()).bind(4, hash);
  if (auto res = ins->run(); !res) return res.error();
  const auto id = db.last_insert_id();
  nlohmann::json details{{"result_id", result_id}, {"content_sha256", hash}};
  if (auto res = audit_append(db, {physician, "result.sign", "signatures", id, details.dump()});
      !res) {
    return res.error();
  }
  if (auto res = tx->commit(); !res) return res.error();
  return id;
}

Result<std::vector<Exam>> list_exams(Database& db, std::optional<std::int64_t> worker_id) {
  auto st = db.prepare(std::string("SELECT ") + kExamColumns +
                       " FROM exams WHERE (?1 IS NULL OR worker_id = ?1) ORDER BY started_at, id");
  if (!st) return st.error();
  st->bind(1, worker_id);
  std::vector<Exam> out;
  for (;;) {
    auto r = st->step();
    if (!r) return r.error();
    if (!*r) break;
    out.push_back(read_exam(*st));
  }
  return out;
}

Result<Exam> get_exam(Database& db, std::int64_t exam_id) {
  auto st = db.prepare(std::string("SELECT ") + kExamColumns + " FROM exams WHERE id = ?");
  if (!st) return st.error();
  st->bind(1, exam_id);
  auto r = st->step();
  if (!r) return r.error();
  if (!*r) return make_errorf("exam_unknown", "no exam {} (see `odyospiro exam list`)", exam_id);
  return read_exam(*st);
}

Result<std::vector<Recording>> list_recordings(Database& db, std::int64_t exam_id) {
  auto st = db.prepare(
      "SELECT id, seq, codec, sample_rate_hz, device_units, conversion_factor, btps_factor, "
      "length(bytes), sha256 "
      "FROM recordings WHERE exam_id = ? ORDER BY seq");
  if (!st) return st.error();
  st->bind(1, exam_id);
  std::vector<Recording> out;
  for (;;) {
    auto r = st->step();
    if (!r) return r.error();
    if (!*r) break;
    out.push_back(Recording{st->int64(0), static_cast<int>(st->int64(1)), st->text(2),
                            st->opt_real(3), st->text(4), st->real(5), st->opt_real(6),
                            static_cast<std::size_t>(st->int64(7)), st->text(8)});
  }
  return out;
}

Result<std::vector<unsigned char>> recording_bytes(Database& db, std::int64_t recording_id) {
  auto st = db.prepare("SELECT bytes FROM recordings WHERE id = ?");
  if (!st) return st.error();
  st->bind(1, recording_id);
  auto r = st->step();
  if (!r) return r.error();
  if (!*r) return make_errorf("recording_unknown", "no recording {}", recording_id);
  return st->blob(0);
}

Result<std::vector<StoredResult>> list_results(Database& db, std::int64_t exam_id) {
  auto st = db.prepare(
      "SELECT id, exam_id, version, supersedes_id, kind, payload, content_sha256, software, "
      "created_at, created_by, "
      "reason FROM results WHERE exam_id = ? ORDER BY version");
  if (!st) return st.error();
  st->bind(1, exam_id);
  std::vector<StoredResult> out;
  for (;;) {
    auto r = st->step();
    if (!r) return r.error();
    if (!*r) break;
    out.push_back(StoredResult{st->int64(0),
                               st->int64(1),
                               static_cast<int>(st->int64(2)),
                               st->opt_int64(3),
                               st->text(4),
                               st->text(5),
                               st->text(6),
                               st->text(7),
                               st->text(8),
                               st->text(9),
                               st->text(10),
                               {},
                               {}});
  }
  for (auto& res : out) {
    auto sg = db.prepare(
        "SELECT signer, signed_at, id, coalesce(key_id, 0), coalesce(signature, '') FROM "
        "signatures WHERE result_id = ? ORDER BY id");
    if (!sg) return sg.error();
    sg->bind(1, res.id);
    for (;;) {
      auto r = sg->step();
      if (!r) return r.error();
      if (!*r) break;
      // Only signatures that verify against the signer's key (station/auth/signing.hpp).
      if (verify_signature(db, sg->int64(2))) {
        res.signed_by.push_back(sg->text(0) + " " + sg->text(1));
        res.signatures.push_back(
            ResultSignature{sg->int64(2), sg->text(0), sg->text(1), sg->int64(3), sg->text(4)});
      }
    }
  }
  return out;
}

}  // namespace odyo::station
