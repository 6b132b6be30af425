#include <utility>  // first: Boost.Asio under GCC 12 -std=c++20

#include "station/app/spirometry_session.hpp"

#include <nlohmann/json.hpp>
#include <sstream>

#include "acquisition/journal/sqlite_journal.hpp"
#include "analysis/core/error_text.hpp"
#include "station/storage/busy_retry.hpp"
#include "station/storage/database.hpp"

namespace odyo::station {

using nlohmann::json;

namespace {

// A session that did not end as planned is stored as interrupted, with its reason.
std::optional<CaptureEnd> interruption_of(const CaptureEnd& e) {
  if (e.reason == "time_limit") return CaptureEnd{"time_limit", e.detail};
  if (e.reason == "stopped") return CaptureEnd{"sigint", e.detail};
  if (e.reason == "device_lost") return CaptureEnd{"unplugged", e.detail};
  return std::nullopt;
}

void mark_journal(const std::function<void(const std::string&)>& log,
                  const std::filesystem::path& jfile, std::int64_t session, const char* kind,
                  const json& detail) {
  acquisition::JournalEvent e;
  e.session_id = session;
  e.utc_ns = acquisition::utc_now_ns();
  e.kind = kind;
  e.detail = detail.dump();
  if (auto r = acquisition::append_session_event(jfile, e); !r && log)
    log("! " + r.error().message);
}

}  // namespace

Result<SpiroSessionCaptured> capture_spiro_session(const SpiroSessionPlan& plan,
                                                   const SpiroSessionHooks& hooks) {
  SpirometryCaptureOptions co;
  co.uri = plan.uri;
  co.device_profile = plan.flow;
  co.journal_file = plan.journal_file;
  co.meta = acquisition::SessionMeta{plan.device_id, "flowstream", plan.uri, plan.flow.device.id,
                                     plan.worker};
  co.seconds = plan.seconds;
  co.device_return_timeout_s = plan.device_return_timeout_s;
  co.replay_session = plan.replay_session;
  co.started_at = plan.started_at;
  co.journal_note = json{
      {"profile", plan.profile_name},
      {"temp_c", plan.temp_c},
      {"pressure_kpa", plan.pressure_kpa},
      {"humidity_pct", plan.humidity_pct},
      {"ambient_given", plan.ambient_given},
      {"technician", plan.technician},
      {"no_store",
       plan.no_store}}.dump();
  co.log = hooks.log;
  if (hooks.enough)
    co.enough = hooks.enough;
  else if (plan.want_manoeuvres > 0)
    co.enough = [want = static_cast<std::size_t>(plan.want_manoeuvres)](std::size_t n) {
      return n >= want;
    };
  co.stop = hooks.stop;
  co.on_manoeuvre = hooks.on_manoeuvre;
  co.on_samples = hooks.on_samples;
  auto cap = capture_spirometry(co);
  if (!cap) return cap.error();
  SpiroSessionCaptured out;
  out.capture = std::move(*cap);
  out.ended = out.capture.ended;
  if (plan.replay_session) {
    if (plan.original_end) {
      out.ended = *plan.original_end;
      out.interrupted = interruption_of(out.ended);
    } else {
      out.ended = {"killed",
                   "the station stopped before the session ended (killed or crashed); recovered "
                   "from the raw journal"};
      out.interrupted = out.ended;
    }
  } else {
    out.interrupted = interruption_of(out.ended);
  }
  return out;
}

SpiroSessionStored store_spiro_session(const SpiroSessionPlan& plan,
                                       const SpiroSessionCaptured& captured,
                                       const SpiroStoreTarget& target,
                                       const std::function<void(const std::string&)>& log) {
  SpiroSessionStored stored;
  const auto& out = captured.capture;
  const auto& jfile = plan.journal_file;
  if (plan.no_store) {
    mark_journal(log, jfile, out.journal_session, "no_store", json::object());
    return stored;
  }
  SpirometryStoreOptions so;
  so.device_id = plan.device_id;
  so.journal_file = jfile;
  so.ambient_temp_c = plan.temp_c;
  so.ambient_pressure_kpa = plan.pressure_kpa;
  so.ambient_humidity_pct = plan.humidity_pct;
  so.technician = plan.technician;
  if (captured.interrupted) {
    so.interrupted_reason = captured.interrupted->reason;
    so.interrupted_detail = captured.interrupted->detail;
  }
  Database& db = *target.db;
  const auto on_wait = [&](double waited_s, const Error&) {
    if (target.on_wait) target.on_wait(waited_s);
  };
  auto r = retry_while_locked<RecordedExam>(
      db, std::chrono::duration<double>(target.retry_limit_s), on_wait, [&] {
        return store_spirometry_capture(db, *target.cfg, *target.tables, *target.worker, out,
                                        plan.flow, so, target.actor);
      });
  if (r) {
    stored.exam = std::move(*r);
    mark_journal(log, jfile, out.journal_session, "stored", json{{"exam", stored.exam->exam_id}});
  } else if (is_transient_lock(r.error())) {
    std::ostringstream limit;
    limit << target.retry_limit_s;
    stored.error = make_errorf(
        "store_pending",
        "the database stayed locked for {} s, so the exam was not stored ({}); nothing is lost: "
        "the session is kept in the raw journal {} as pending; once the lock is gone store it "
        "with `odyospiro acquire recover --session {}`",
        limit.str(), r.error(), jfile.string(), out.journal_session);
    stored.pending = true;
    mark_journal(log, jfile, out.journal_session, "pending", json{{"error", r.error().message}});
  } else {
    stored.error = r.error();
    mark_journal(log, jfile, out.journal_session, "store_failed",
                 json{{"error", r.error().message}});
  }
  return stored;
}

}  // namespace odyo::station
