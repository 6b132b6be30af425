#pragma once
// The daily device checks as use cases (issue 17 item 4, issue 15 item 4) that the command line
// (`spiro syringe-check`, `audio listening-check`, `devices status`) and the web pages (device
// status, daily checks) both call, over station/qc/daily_checks (the table, the rule):
//   require_check_before_test  a test on a device needs that device's passed check of today:
//                              spirometers the 3-L syringe check, audiometers the listening
//                              check (acquire spiro, the live spirometry page, acquire audio,
//                              audio pc-search and the demo ask it before the first sample);
//   measure_syringe_stroke     one 3-L syringe stroke blown through the spirometer, captured
//                              through the same transport → driver → session → segmenter path as
//                              a test (raw journal first, marked not to be stored as an exam);
//                              its expired volume at sensor conditions (no BTPS: a syringe holds
//                              room air) is the reading the check judges;
//   device_status              every configured device: reachable or not, calibration due, and
//                              today's syringe and listening checks.
// Thread-safety: the Database's owning thread, except measure_syringe_stroke (any thread: it
// blocks for the stroke and touches no database).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/core/result.hpp"
#include "station/app/spirometry_session.hpp"
#include "station/config/config.hpp"
#include "station/qc/daily_checks.hpp"

namespace odyo::station {

class Database;

// The check a device of configured kind `kind` needs each day: "syringe-3l" (spirometer),
// "audiometer-listening" (audiometer, pc-audiometer), "" (none: buttons, GDT, …).
std::string daily_check_kind(std::string_view device_kind);

// The configured device a live test runs on, ready to test: the one of driver `driver`
// ("flowstream" or "fipp") whose id is `device_id` (empty: the first such device), with today's
// passed check of `check_kind`. Errors: "unknown_device" (no such device of that driver),
// "no_spirometer" / "no_audiometer" (none configured), and require_check_before_test's.
Result<const DeviceConfig*> device_for_test(Database& db, const StationConfig& cfg,
                                            std::string_view driver, const std::string& device_id,
                                            std::string_view check_kind);

// Refuses a test on `device_id` without today's passed check of `check_kind` (for the PC
// audiometer `pair_id` names the interface + earphones). Errors: "daily_check_missing",
// "daily_check_failed" (station/qc/daily_checks), each saying what to do.
Result<void> require_check_before_test(Database& db, const std::string& device_id,
                                       std::string_view check_kind,
                                       const std::string& pair_id = "");

struct SyringeStroke {
  double volume_l = 0;  // expired volume of the stroke at sensor conditions
  double peak_lps = 0;  // its peak flow
  std::int64_t journal_session = 0;
  std::size_t strokes = 0;  // manoeuvres seen (1 expected)
};

// Captures one syringe stroke on `plan`'s device (plan.want_manoeuvres is set to 1 and
// plan.worker to ""; the journal session is marked no_store so `acquire recover` never offers
// it as an exam). Errors: capture errors; "syringe_no_stroke" when nothing was blown in time.
Result<SyringeStroke> measure_syringe_stroke(SpiroSessionPlan plan, const SpiroSessionHooks& hooks);

struct DeviceStatus {
  DeviceConfig device;
  std::string reachable;   // "simulated" | "connected" | "not_connected" | "not_probed"
  std::string check_kind;  // daily_check_kind
  std::optional<qc::CalibrationCheck> today;   // the latest check of today of check_kind
  std::optional<std::string> calibration_due;  // the PC audiometer's calibration expiry date
  std::optional<Error> calibration_problem;    // e.g. the calibration file cannot be read
};

Result<std::vector<DeviceStatus>> device_status(Database& db, const StationConfig& cfg);
nlohmann::json device_status_json(const DeviceStatus& s);

}  // namespace odyo::station
