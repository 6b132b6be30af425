#pragma once
// One spirometry capture from a raw-flow device: the real transport (serial, pty or USB),
// flow-stream driver and acquisition session (raw journal first, sample clock, analysis queue),
// cut into manoeuvres by the segmenter; then, with store_spirometry_capture(), the manoeuvres as
// a spirometry exam of the worker (station/exams record_spirometry_exam: BTPS, ATS/ERS indices,
// quality, reference values). Used by `odyospiro demo` (the devsim simulator on a pty) and by
// `odyospiro acquire spiro` (any device URI).
// Thread-safety: call from one thread; capture owns its io_context and I/O thread.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "acquisition/segmentation/manoeuvre_segmenter.hpp"
#include "acquisition/session/flow_session.hpp"
#include "analysis/core/result.hpp"
#include "drivers/profile/profile.hpp"
#include "station/exams/spirometry_exam.hpp"

namespace odyo::station {

struct SpirometryCaptureOptions {
  std::string uri;  // serial:PATH (pty or tty), serial:usb:VID:PID, usb:VID:PID
  profile::FlowStreamProfile device_profile;
  std::filesystem::path journal_file;  // raw journal (SQLite)
  acquisition::SessionMeta meta;
  double seconds = 10;                                 // capture length; <= 0: until `stop`
  std::function<void(const std::string&)> log;         // status lines for the technician
  std::function<bool(std::size_t manoeuvres)> enough;  // optional: stop early
  std::function<bool()> stop;                          // optional: e.g. Ctrl-C
  // Optional: each manoeuvre as soon as it is closed (number from 0).
  std::function<void(const acquisition::Manoeuvre&, std::size_t)> on_manoeuvre;
  // Optional: each block of samples as the capture takes it from the analysis queue (every
  // ≤ 20 ms), and whether a manoeuvre is open after it — what a live view draws.
  std::function<void(const acquisition::FlowBlock&, bool in_manoeuvre)> on_samples;
  // A device unplugged for longer than this ends the session ("device_lost"); <= 0: wait forever.
  double device_return_timeout_s = 0;
  // Journaled as a "capture_options" event when the session starts (what `acquire recover`
  // needs to store the session later: profile, ambient conditions, technician).
  std::string journal_note;
  // Set: no device is opened; the bytes of this session of `journal_file` are replayed through
  // the same transport → driver → session → segmenter path (acquisition/journal/journal_replay),
  // and nothing is journaled again.
  std::optional<std::int64_t> replay_session;
  std::string started_at;  // ISO 8601 UTC of the session (replays: the original's); empty: now
};

// Why a capture ended (journaled as the "ended" event, detail {"reason","detail"}):
//   complete     the wanted number of manoeuvres was reached
//   time_limit   `seconds` ran out
//   stopped      `stop` returned true (e.g. Ctrl-C)
//   device_lost  the device was unplugged and not back within device_return_timeout_s
//   replayed     a replay delivered every journaled byte
struct CaptureEnd {
  std::string reason;
  std::string detail;  // for the technician
};

struct SpirometryCaptureOutcome {
  std::vector<acquisition::Manoeuvre> manoeuvres;
  acquisition::SessionCounters counters;
  std::int64_t journal_session = 0;
  std::uint64_t samples = 0;
  std::string started_at;  // ISO 8601 UTC, when the session started
  CaptureEnd ended;
};

// A device that stops sending (or is unplugged) in the middle of a blow: after 1 s of silence the
// open manoeuvre is closed as "signal_lost", so the technician sees it at once. A device gone for
// longer than device_return_timeout_s ends the capture (ended.reason "device_lost").
Result<SpirometryCaptureOutcome> capture_spirometry(const SpirometryCaptureOptions& o);

struct SpirometryStoreOptions {
  std::string device_id;  // station device id (config [[devices]]) or the URI
  std::filesystem::path journal_file;
  double ambient_temp_c = 20.0, ambient_pressure_kpa = 101.3, ambient_humidity_pct = 50.0;
  std::string technician;
  std::optional<std::string> interrupted_reason;  // see SpirometryCapture
  std::string interrupted_detail;
};

// The captured manoeuvres as a spirometry exam (raw source: the journal session). Error
// "no_manoeuvre" when nothing was blown.
Result<RecordedExam> store_spirometry_capture(Database& db, const StationConfig& cfg,
                                              const spirometry::ReferenceTables& tables,
                                              const Worker& worker,
                                              const SpirometryCaptureOutcome& cap,
                                              const profile::FlowStreamProfile& device_profile,
                                              const SpirometryStoreOptions& o,
                                              const std::string& actor);

}  // namespace odyo::station
