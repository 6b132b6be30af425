#pragma once
// One spirometry capture from a raw-flow device: the real transport, flow-stream driver and
// acquisition session (raw journal first, sample clock, analysis queue), cut into manoeuvres by
// the segmenter. Runs for a fixed time or until `stop` returns true. Used by `odyospiro demo`
// (against the devsim simulator on a pty) and by `odyospiro acquire spiro`.
// Thread-safety: call from one thread; it owns its io_context and I/O thread.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "acquisition/segmentation/manoeuvre_segmenter.hpp"
#include "acquisition/session/flow_session.hpp"
#include "analysis/core/result.hpp"
#include "drivers/profile/profile.hpp"

namespace odyo::station {

struct SpirometryCaptureOptions {
  std::string uri;  // serial:PATH (pty or tty)
  profile::FlowStreamProfile device_profile;
  std::filesystem::path journal_file;  // raw journal (SQLite)
  acquisition::SessionMeta meta;
  double seconds = 10;                                 // capture length
  std::function<void(const std::string&)> log;         // status lines for the technician
  std::function<bool(std::size_t manoeuvres)> enough;  // optional: stop early
};

struct SpirometryCaptureOutcome {
  std::vector<acquisition::Manoeuvre> manoeuvres;
  acquisition::SessionCounters counters;
  std::int64_t journal_session = 0;
  std::uint64_t samples = 0;
};

Result<SpirometryCaptureOutcome> capture_spirometry(const SpirometryCaptureOptions& o);

}  // namespace odyo::station
