#include "station/qc/daily_checks.hpp"

#include <cmath>

#include "analysis/core/error_text.hpp"
#include "analysis/core/text.hpp"
#include "station/auth/login.hpp"
#include "station/core/local_time.hpp"
#include "station/storage/audit.hpp"
#include "station/storage/database.hpp"
#include "station/storage/users.hpp"

namespace odyo::station::qc {
using nlohmann::json;

namespace {

Result<void> require_tester(Database& db, const std::string& actor) {
  auto user = find_user(db, actor);
  if (!user) return user.error();
  return require_role(db, *user, {"technician", "physician", "admin"},
                      N_("record a daily device check"));
}

Result<void> check_device(const std::string& device_id) {
  if (auto t = text::check_free_text(device_id, N_("--device"), {text::kMaxNameChars, true}); !t)
    return make_errorf("check_invalid", "the checked device: {}", t.error());
  return {};
}

Result<CalibrationCheck> append(Database& db, CalibrationCheck c, const std::string& actor) {
  if (c.performed_at.empty()) c.performed_at = utc_now_iso();
  if (c.day.empty()) c.day = local_today_iso();
  c.performed_by = actor;
  c.measured["day"] = c.day;
  auto tx = Transaction::begin(db);
  if (!tx) return tx.error();
  auto ins = db.prepare(
      "INSERT INTO calibration_checks(device_id, kind, performed_at, performed_by, measured, "
      "passed, notes) VALUES (?,?,?,?,?,?,?)");
  if (!ins) return ins.error();
  ins->bind(1, c.device_id).bind(2, c.kind).bind(3, c.performed_at).bind(4, c.performed_by);
  ins->bind(5, c.measured.dump()).bind(6, c.passed ? 1 : 0).bind(7, c.notes);
  if (auto r = ins->run(); !r) return r.error();
  c.id = db.last_insert_id();
  json details{{"device", c.device_id}, {"kind", c.kind}, {"day", c.day}, {"passed", c.passed}};
  if (auto r = audit_append(
          db, {actor, "calibration_check.add", "calibration_checks", c.id, details.dump()});
      !r)
    return r.error();
  if (auto r = tx->commit(); !r) return r.error();
  return c;
}

CalibrationCheck read_row(Statement& st) {
  CalibrationCheck c;
  c.id = st.int64(0);
  c.device_id = st.text(1);
  c.kind = st.text(2);
  c.performed_at = st.text(3);
  c.performed_by = st.text(4);
  c.measured = json::parse(st.text(5), nullptr, false);
  if (c.measured.is_discarded() || !c.measured.is_object()) c.measured = json::object();
  c.passed = st.int64(6) != 0;
  c.notes = st.text(7);
  if (c.measured.contains("day") && c.measured["day"].is_string())
    c.day = c.measured["day"].get<std::string>();
  else
    c.day = local_display(c.performed_at).substr(0, 10);
  return c;
}

std::string what_to_do(const std::string& kind, const std::string& device_id) {
  if (kind == kSyringeCheck)
    return "`odyospiro spiro syringe-check --device " + device_id + "` or the Daily checks page";
  return "`odyospiro audio listening-check --pass --listener NAME --device " + device_id +
         "` (or --fail --note WHAT) or the Daily checks page";
}

}  // namespace

Result<CalibrationCheck> record_syringe_check(Database& db, const QcRules& rules,
                                              const SyringeCheckInput& in,
                                              const std::string& actor) {
  if (auto r = require_tester(db, actor); !r) return r.error();
  if (auto r = check_device(in.device_id); !r) return r.error();
  if (!std::isfinite(in.measured_l) || in.measured_l < 0.5 || in.measured_l > 10.0)
    return make_errorf("check_invalid",
                       "the measured syringe volume {} L is not a syringe stroke (0.5 to 10 L): "
                       "give the volume the spirometer read, in litres",
                       fmt::format("{:g}", in.measured_l));
  if (auto t = text::check_free_text(in.notes, N_("--note"), {text::kMaxReasonChars, false}); !t)
    return t.error();
  if (in.source != "device" && in.source != "entered")
    return make_errorf("check_invalid", "unknown source \"{}\" of a syringe check", in.source);
  const double error_pct =
      (in.measured_l - rules.syringe_volume_l) / rules.syringe_volume_l * 100.0;
  CalibrationCheck c;
  c.device_id = in.device_id;
  c.kind = kSyringeCheck;
  c.performed_at = in.performed_at;
  c.day = in.day;
  // Rounded to 1e-9 % so that a reading exactly on the limit (3.09 L) passes as the standard says.
  c.passed = std::abs(std::round(error_pct * 1e9) / 1e9) <= rules.syringe_tolerance_pct;
  c.notes = in.notes;
  c.measured = {{"syringe_volume_l", rules.syringe_volume_l},
                {"measured_l", in.measured_l},
                {"error_pct", error_pct},
                {"tolerance_pct", rules.syringe_tolerance_pct},
                {"source", in.source},
                {"rules_version", rules.version},
                {"citation", rules.syringe_citation}};
  if (!in.device_detail.is_null()) c.measured["device_detail"] = in.device_detail;
  return append(db, std::move(c), actor);
}

Result<CalibrationCheck> record_listening_check(Database& db, const ListeningCheckInput& in,
                                                const std::string& actor) {
  if (auto r = require_tester(db, actor); !r) return r.error();
  if (auto r = check_device(in.device_id); !r) return r.error();
  if (auto t = text::check_free_text(in.listener, N_("--listener"), {text::kMaxNameChars, true});
      !t)
    return t.error();
  if (auto t = text::check_free_text(in.note, N_("--note"), {text::kMaxReasonChars, false}); !t)
    return t.error();
  if (!in.passed && in.note.empty())
    return make_error("check_invalid", "a failed check needs --note saying what was wrong");
  CalibrationCheck c;
  c.device_id = in.device_id;
  c.kind = kListeningCheck;
  c.performed_at = in.performed_at;
  c.day = in.day;
  c.passed = in.passed;
  c.notes = in.note;
  c.measured = {{"listener", in.listener}};
  if (!in.pair_id.empty()) c.measured["pair"] = in.pair_id;
  return append(db, std::move(c), actor);
}

Result<std::vector<CalibrationCheck>> list_checks(Database& db, const std::string& device_id,
                                                  const std::string& kind, const std::string& from,
                                                  const std::string& to) {
  auto st = db.prepare(
      "SELECT id, device_id, kind, performed_at, performed_by, measured, passed, notes "
      "FROM calibration_checks WHERE (?1 = '' OR device_id = ?1) AND (?2 = '' OR kind = ?2) "
      "ORDER BY performed_at, id");
  if (!st) return st.error();
  st->bind(1, device_id).bind(2, kind);
  std::vector<CalibrationCheck> out;
  for (;;) {
    auto r = st->step();
    if (!r) return r.error();
    if (!*r) break;
    auto c = read_row(*st);
    if (!from.empty() && c.day < from) continue;
    if (!to.empty() && c.day > to) continue;
    out.push_back(std::move(c));
  }
  return out;
}

Result<std::optional<CalibrationCheck>> latest_check(Database& db, const std::string& device_id,
                                                     const std::string& kind,
                                                     const std::string& day) {
  auto all = list_checks(db, device_id, kind, day, day);
  if (!all) return all.error();
  if (all->empty()) return std::optional<CalibrationCheck>{};
  return std::optional<CalibrationCheck>{all->back()};
}

Result<void> require_daily_check(Database& db, const std::string& device_id,
                                 const std::string& kind, const std::string& day,
                                 const std::string& pair_id) {
  auto all = list_checks(db, device_id, kind, day, day);
  if (!all) return all.error();
  const CalibrationCheck* last = nullptr;
  for (const auto& c : *all) {
    if (!pair_id.empty() && c.measured.value("pair", std::string()) != pair_id) continue;
    last = &c;
  }
  const bool syringe = kind == kSyringeCheck;
  if (last == nullptr) {
    if (syringe)
      return make_errorf("daily_check_missing",
                         "no 3-L syringe check today ({}) for spirometer {}: empty the 3-L "
                         "syringe through it and record the reading with {} before testing",
                         day, device_id, what_to_do(kind, device_id));
    return make_errorf("daily_check_missing",
                       "no daily listening check today ({}) for audiometer {}{}: listen to every "
                       "frequency on both earphones, then record it with {} before testing",
                       day, device_id, pair_id.empty() ? std::string() : " (" + pair_id + ")",
                       what_to_do(kind, device_id));
  }
  if (!last->passed) {
    if (syringe)
      return make_errorf(
          "daily_check_failed",
          "today's 3-L syringe check of spirometer {} failed (read {} L, {} % off, limit ±{} %): "
          "do not test; check the syringe and the flow sensor, then repeat the check with {}",
          device_id, fmt::format("{:.3f}", last->measured.value("measured_l", 0.0)),
          fmt::format("{:+.2f}", last->measured.value("error_pct", 0.0)),
          fmt::format("{:g}", last->measured.value("tolerance_pct", 0.0)),
          what_to_do(kind, device_id));
    return make_errorf("daily_check_failed",
                       "today's listening check of audiometer {} failed ({}): do not test; have "
                       "the earphones and interface checked, then repeat the check with {}",
                       device_id, last->notes, what_to_do(kind, device_id));
  }
  return {};
}

json check_json(const CalibrationCheck& c) {
  return {{"id", c.id},         {"device", c.device_id},          {"kind", c.kind},
          {"day", c.day},       {"performed_at", c.performed_at}, {"performed_by", c.performed_by},
          {"passed", c.passed}, {"measured", c.measured},         {"notes", c.notes}};
}

}  // namespace odyo::station::qc
