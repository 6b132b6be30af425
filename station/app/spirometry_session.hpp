#pragma once
// One spirometry session from the device to the stored exam: the use case that `acquire spiro`,
// `acquire recover` (station/cli/devices_cmd.cpp) and the web pages' live spirometry
// (station/web/live) all run, so a session is captured, judged and stored the same way whoever
// starts it. The front ends choose the device and the profile, start a simulator when asked,
// render what comes back, and map outcomes to exit codes or messages.
//
// Two steps, because they run on different threads in the web server:
//   capture_spiro_session  the capture (transport → driver → session → segmenter, raw journal
//                          first; station/devices/spirometry_capture) and how it ended — any
//                          thread, it blocks for the length of the session;
//   store_spiro_session    the manoeuvres stored as the worker's exam (awaiting review), retried
//                          while another program holds the database, with the store outcome
//                          journaled (stored, pending, store_failed, no_store) — the Database's
//                          thread.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include "analysis/core/result.hpp"
#include "analysis/spirometry/reference.hpp"
#include "drivers/profile/profile.hpp"
#include "station/config/config.hpp"
#include "station/devices/spirometry_capture.hpp"
#include "station/records/workers.hpp"

namespace odyo::station {

class Database;

struct SpiroSessionPlan {
  std::string device_id;     // configured device id, or the URI as given
  std::string uri;           // what is opened (a started simulator: its pty)
  std::string profile_name;  // as the front end named it (journaled for `acquire recover`)
  profile::FlowStreamProfile flow;
  std::filesystem::path journal_file;
  std::string worker;  // the worker's registry number as given
  bool no_store = false;
  double seconds = 0;       // <= 0: until enough manoeuvres or stopped
  int want_manoeuvres = 0;  // > 0: stop after this many
  double temp_c = 20.0, pressure_kpa = 101.3, humidity_pct = 50.0;
  bool ambient_given = false;
  std::string technician;
  double device_return_timeout_s = 10;
  // Replays (`acquire recover`): the journal session, how the original ended (nullopt: it never
  // ended — the station was killed) and when it started.
  std::optional<std::int64_t> replay_session;
  std::optional<CaptureEnd> original_end;
  std::string started_at;
};

struct SpiroSessionHooks {
  std::function<void(const std::string&)> log;  // status lines for the technician
  std::function<bool()> stop;                   // e.g. Ctrl-C, or the page's Stop
  // Stop once this says so (given the manoeuvres so far); unset: `want_manoeuvres` decides.
  std::function<bool(std::size_t manoeuvres)> enough;
  std::function<void(const acquisition::Manoeuvre&, std::size_t)> on_manoeuvre;
  std::function<void(const acquisition::FlowBlock&, bool in_manoeuvre)> on_samples;
};

struct SpiroSessionCaptured {
  SpirometryCaptureOutcome capture;
  CaptureEnd ended;                       // replays: how the original session ended
  std::optional<CaptureEnd> interrupted;  // set: stored as interrupted with this reason
};

Result<SpiroSessionCaptured> capture_spiro_session(const SpiroSessionPlan& plan,
                                                   const SpiroSessionHooks& hooks);

struct SpiroStoreTarget {
  Database* db = nullptr;
  const StationConfig* cfg = nullptr;
  const Worker* worker = nullptr;
  const spirometry::ReferenceTables* tables = nullptr;
  double retry_limit_s = 60;
  std::string actor;
  std::function<void(double waited_s)> on_wait;  // the database is locked; still retrying
};

struct SpiroSessionStored {
  std::optional<RecordedExam> exam;
  std::optional<Error> error;
  bool pending = false;  // the database stayed locked: kept in the journal as pending
};

// The captured session stored as the worker's exam (nothing with plan.no_store). Journal marks
// that fail to write are reported through `log`.
SpiroSessionStored store_spiro_session(const SpiroSessionPlan& plan,
                                       const SpiroSessionCaptured& captured,
                                       const SpiroStoreTarget& target,
                                       const std::function<void(const std::string&)>& log);

}  // namespace odyo::station
