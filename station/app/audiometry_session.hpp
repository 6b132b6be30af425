#pragma once
// One automated audiometry session from the audiometer to the stored exam: the use case that
// `acquire audio` (station/cli/devices_cmd.cpp, pcaudio_cmd.cpp) and the web pages' live
// audiometry (station/web/live_audiometry.cpp) both run, so a threshold search is planned, run,
// paused, aborted and stored the same way whoever starts it.
//
//   search_params_from / unstorable_plan   the plan from the front end's choices, and what it
//                                          lacks for its exam to be stored (refused before the
//                                          first tone);
//   run_audiometry_search                  the search on any AudiometerControl, with progress per
//                                          presentation and per threshold, pause / resume and
//                                          abort (AudioSearchControl, from another thread);
//   capture_fipp_search                    a FIPP audiometer (a `sim:` URI starts the devsim
//                                          simulator): raw journal first, the driver, the search
//                                          — any thread, it blocks for the length of the test;
//   store_fipp_search                      the finished search stored as the worker's exam as
//                                          `acquire audio` always stored it; an aborted one
//                                          stores nothing, is marked in the raw journal (whose
//                                          bytes stay) and audited — the Database's thread.
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "acquisition/audiometry/audiometer_control.hpp"
#include "acquisition/audiometry/threshold_search.hpp"
#include "analysis/core/result.hpp"
#include "drivers/profile/profile.hpp"
#include "station/config/config.hpp"
#include "station/exams/spirometry_exam.hpp"  // RecordedExam
#include "station/records/workers.hpp"

namespace odyo::station {

class Database;

// The threshold search's plan from a front end's choices (every audiometer the same way): the
// ears in order (right | left), the frequencies (the high set must start at 1000 Hz, where the
// search starts; lower ones run after the 1 kHz retest), the tone length (the response window is
// 500 ms longer), the shortest gap (the longest is twice it), and whether to retest 1 kHz.
// 0 / empty keeps the search's defaults. A wrong ear or frequency list is an error value.
Result<audiometry::SearchParams> search_params_from(const std::vector<std::string>& ears,
                                                    const std::vector<int>& frequencies_hz,
                                                    int tone_ms = 0, int gap_ms = 0,
                                                    bool no_retest = false);

// What a plan lacks for its exam to be stored: both ears and every speech frequency
// ([audiometry].speech_frequencies_hz), which the stored hearing numbers need. Checked before the
// first tone, so a technician is not told after a whole test that it cannot be kept.
std::optional<Error> unstorable_plan(const audiometry::SearchParams& plan,
                                     const std::vector<int>& speech_frequencies_hz);

// Pause, resume and abort of a running search, from any thread (the page's buttons, Ctrl-C).
// A pause takes effect once the presentation in progress is over (no tone is cut short); the
// frequency in progress starts again on resume, every finished threshold is kept. Abort ends the
// search (paused or not) with nothing stored.
class AudioSearchControl {
 public:
  void pause();
  void resume();
  void abort();
  [[nodiscard]] bool paused() const;
  [[nodiscard]] bool aborted() const;

 private:
  friend class AudioSearchLoop;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool pause_ = false;
  bool abort_ = false;
  std::stop_source stop_;
};

// What the search reports as it goes, on the thread running it.
struct AudioSearchHooks {
  std::function<void(const std::string&)> log;  // status lines for the technician
  // After each presentation (a catch trial too): what was presented and whether it was heard.
  std::function<void(const audiometry::Presentation&, bool responded,
                     const audiometry::SearchResult&)>
      on_presentation;
  // After each frequency of an ear is concluded (its threshold, or no response at the maximum).
  std::function<void(const audiometry::FrequencyOutcome&, const audiometry::SearchResult&)>
      on_threshold;
  std::function<void(bool paused)> on_paused;  // the search has paused / resumed
  // A `sim:` device: the simulator started (its name and the pty the driver opens).
  std::function<void(const std::string& name, const std::string& pty_uri)> on_simulator;
};

struct AudioSearchRun {
  audiometry::SearchResult result;
  bool aborted = false;
};

// The search on `device` until it finishes or is aborted through `control` (may be null). A
// device error is returned as the error (the search paused, the tone off).
Result<AudioSearchRun> run_audiometry_search(audiometry::AudiometerControl& device,
                                             audiometry::SearchParams params,
                                             AudioSearchControl* control,
                                             const AudioSearchHooks& hooks);

struct FippSearchPlan {
  std::string device_id;  // configured device id, or the URI as given
  std::string uri;        // serial:… or sim:NAME (the simulator is started)
  profile::FippProfile fipp;
  std::filesystem::path profile_file;  // what the simulator loads (sim: only)
  std::filesystem::path devsim;        // the simulator program (empty: next to odyospiro)
  std::filesystem::path journal_file;
  std::string worker;  // registry number, as journaled
  audiometry::SearchParams params;
  bool no_store = false;
  std::vector<int> speech_frequencies_hz;  // what a stored exam needs (unless no_store)
  std::string technician;
};

struct FippSearchCaptured {
  AudioSearchRun run;
  std::string model;  // as the audiometer names itself
  std::string uri;    // what was opened (a simulator: its pty)
  std::int64_t journal_session = 0;
  std::string started_at;
};

// Refuses a plan that could not be stored before anything is opened; then the device, the
// journal, the search.
Result<FippSearchCaptured> capture_fipp_search(const FippSearchPlan& plan,
                                               const AudioSearchHooks& hooks,
                                               AudioSearchControl* control);

struct AudioStoreTarget {
  Database* db = nullptr;
  const StationConfig* cfg = nullptr;
  const Worker* worker = nullptr;
  std::string actor;
};

// The captured search stored as the worker's exam (nothing with plan.no_store: the journal says
// so). Aborted: nothing stored, the journal session marked "aborted" and the abort audited
// (audiometry.aborted). Returns the exam, or nullopt when nothing was to be stored.
Result<std::optional<RecordedExam>> store_fipp_search(const FippSearchPlan& plan,
                                                      const FippSearchCaptured& captured,
                                                      const AudioStoreTarget& target);

}  // namespace odyo::station
