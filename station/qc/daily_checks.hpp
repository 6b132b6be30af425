#pragma once
// The daily device checks (issue 17 item 4, issue 15 item 4), kept in the append-only table
// calibration_checks (migration v2; never edited or deleted, every row bound by an audit entry):
//   syringe-3l            a spirometer's 3-L syringe check: the volume the device read for one
//                         syringe stroke, passed within ±tolerance of config/rules/qc.toml
//                         (ATS/ERS 2019, ±3 %); measured on the device (station/app/daily_checks)
//                         or typed from the device's display;
//   audiometer-listening  an audiometer's daily biological listening check (ISO 8253-1): the
//                         listener, pass or fail, what was heard wrong; for the computer-driven
//                         audiometer also its interface + earphone pair (calibration pair id).
// A check belongs to the station's local day it was done on ("day" in its measured JSON).
// Before a test, require_daily_check refuses a device without a passed check that day (the
// latest check of the day counts: a failed check after a pass stops testing).
// Thread-safety: the Database's owning thread.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "analysis/core/result.hpp"
#include "station/qc/qc_rules.hpp"

namespace odyo::station {
class Database;
}

namespace odyo::station::qc {

inline constexpr const char* kSyringeCheck = "syringe-3l";
inline constexpr const char* kListeningCheck = "audiometer-listening";

struct CalibrationCheck {
  std::int64_t id = 0;
  std::string device_id, kind, performed_at, performed_by;
  std::string day;  // the station's local day of the check (YYYY-MM-DD)
  nlohmann::json measured;
  bool passed = false;
  std::string notes;
};

struct SyringeCheckInput {
  std::string device_id;
  double measured_l = 0;  // what the spirometer read for the stroke
  std::string source;     // "device" (measured through the driver) | "entered" (typed)
  nlohmann::json device_detail = nullptr;  // e.g. the raw journal session of a measured stroke
  std::string notes;
  // Generators and imports only: when the check was done (UTC ISO) and its local day; empty:
  // now and today.
  std::string performed_at, day;
};

struct ListeningCheckInput {
  std::string device_id;
  std::string listener;  // who listened
  bool passed = false;
  std::string note;     // what was heard wrong (required for a fail)
  std::string pair_id;  // computer-driven audiometer: its calibration's pair id, else empty
  std::string performed_at, day;  // as SyringeCheckInput
};

// Records a syringe check (passed = |error| ≤ tolerance). Refused with nothing written: a user
// who is not a technician, physician or admin ("auth_role"), an empty device, a volume that is
// not a number between 0.5 and 10 L ("check_invalid"), a bad note.
Result<CalibrationCheck> record_syringe_check(Database& db, const QcRules& rules,
                                              const SyringeCheckInput& in,
                                              const std::string& actor);
// Records a listening check. A fail needs its note ("check_invalid").
Result<CalibrationCheck> record_listening_check(Database& db, const ListeningCheckInput& in,
                                                const std::string& actor);

// The checks of `device_id` ("" = every device) of `kind` ("" = every kind) from day `from` to
// day `to` (inclusive, "" = open), oldest first.
Result<std::vector<CalibrationCheck>> list_checks(Database& db, const std::string& device_id,
                                                  const std::string& kind,
                                                  const std::string& from = "",
                                                  const std::string& to = "");

// The latest check of `kind` for `device_id` on `day` (nullopt: none).
Result<std::optional<CalibrationCheck>> latest_check(Database& db, const std::string& device_id,
                                                     const std::string& kind,
                                                     const std::string& day);

// A test on `device_id` may start only after a passed check of `kind` on `day` (for a listening
// check with `pair_id` given: of that interface + earphone pair). Errors, each saying what to do:
// "daily_check_missing", "daily_check_failed".
Result<void> require_daily_check(Database& db, const std::string& device_id,
                                 const std::string& kind, const std::string& day,
                                 const std::string& pair_id = "");

nlohmann::json check_json(const CalibrationCheck& c);

}  // namespace odyo::station::qc
