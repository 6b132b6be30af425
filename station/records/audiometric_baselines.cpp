#include "station/records/audiometric_baselines.hpp"
#include "analysis/core/error_text.hpp"

#include <nlohmann/json.hpp>

#include "station/storage/audit.hpp"
#include "station/storage/database.hpp"

#include "analysis/core/text.hpp"
#include "station/core/with_code.hpp"

namespace odyo::station {

namespace {

constexpr const char* kColumns =
    "id, worker_id, coalesce(exam_id, 0), result_id, version, supersedes_id, ear, kind, reason, "
    "set_at, set_by";

BaselineRow read_row(const Statement& st) {
  BaselineRow r;
  r.id = st.int64(0);
  r.worker_id = st.int64(1);
  r.exam_id = st.int64(2);
  r.result_id = st.int64(3);
  r.version = static_cast<int>(st.int64(4));
  r.supersedes_id = st.opt_int64(5);
  r.ear = st.text(6);
  r.kind = st.text(7);
  r.reason = st.text(8);
  r.set_at = st.text(9);
  r.set_by = st.text(10);
  return r;
}

Result<std::vector<BaselineRow>> query(Database& db, const std::string& where, std::int64_t key) {
  auto st = db.prepare(std::string("SELECT ") + kColumns + " FROM audiometric_baselines WHERE " +
                       where + " ORDER BY version, id");
  if (!st) return st.error();
  st->bind(1, key);
  std::vector<BaselineRow> out;
  for (;;) {
    auto r = st->step();
    if (!r) return r.error();
    if (!*r) break;
    out.push_back(read_row(*st));
  }
  return out;
}

}  // namespace

Result<std::int64_t> add_baseline(Database& db, const NewBaseline& b, const std::string& actor) {
  if (b.ear != "right" && b.ear != "left" && b.ear != "both") {
    return make_errorf("baseline_invalid",
                       "baseline ear \"{}\" is unknown; allowed: right, left, both", b.ear);
  }
  if (b.kind != "initial" && b.kind != "persistent_shift" && b.kind != "improvement" &&
      b.kind != "manual") {
    return make_errorf(
        "baseline_invalid",
        "baseline kind \"{}\" is unknown; allowed: initial, persistent_shift, improvement, manual",
        b.kind);
  }
  if (b.reason.empty()) {
    return make_error("baseline_invalid", "a baseline needs a reason: say why it is set");
  }
  if (auto t = text::check_free_text(b.reason, "the reason", {text::kMaxReasonChars, true}); !t)
    return with_code(t.error(), "baseline_invalid");
  auto tx = Transaction::begin(db);
  if (!tx) return tx.error();
  auto history = list_baselines(db, b.worker_id);
  if (!history) return history.error();
  std::optional<std::int64_t> prev;
  int version = 1;
  if (!history->empty()) {
    prev = history->back().id;
    version = history->back().version + 1;
  }
  auto ins = db.prepare(
      "INSERT INTO audiometric_baselines(worker_id,result_id,ear,reason,set_at,set_by,exam_id,"
      "version,supersedes_id,kind) VALUES (?,?,?,?,?,?,?,?,?,?)");
  if (!ins) return ins.error();
  ins->bind(1, b.worker_id)
      .bind(2, b.result_id)
      .bind(3, b.ear)
      .bind(4, b.reason)
      .bind(5, utc_now_iso())
      .bind(6, actor);
  ins->bind(7, b.exam_id).bind(8, version).bind(9, prev).bind(10, b.kind);
  if (auto r = ins->run(); !r) return r.error();
  const auto id = db.last_insert_id();
  nlohmann::json details{{"worker_id", b.worker_id}, {"exam_id", b.exam_id},
                         {"result_id", b.result_id}, {"ear", b.ear},
                         {"kind", b.kind},           {"version", version},
                         {"reason", b.reason}};
  if (auto r =
          audit_append(db, {actor, "baseline.set", "audiometric_baselines", id, details.dump()});
      !r) {
    return r.error();
  }
  if (auto r = tx->commit(); !r) return r.error();
  return id;
}

Result<std::vector<BaselineRow>> list_baselines(Database& db, std::int64_t worker_id) {
  return query(db, "worker_id = ?", worker_id);
}

Result<std::vector<BaselineRow>> baselines_of_exam(Database& db, std::int64_t exam_id) {
  return query(db, "exam_id = ?", exam_id);
}

std::optional<BaselineRow> current_baseline(const std::vector<BaselineRow>& history,
                                            const std::string& ear) {
  for (auto it = history.rbegin(); it != history.rend(); ++it) {
    if (it->covers(ear)) return *it;
  }
  return std::nullopt;
}

}  // namespace odyo::station
