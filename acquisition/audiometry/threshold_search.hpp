#pragma once
// The automated pure-tone threshold search (modified Hughson-Westlake) as a state machine that
// knows nothing of I/O: ask it for the next presentation, tell it whether the listener responded,
// repeat. search_runner.hpp drives it against an AudiometerControl.
//
// Procedure (DOMAIN.md §3.1; reference/audiometry/README.md §6):
// - Familiarisation at 1 kHz in the first ear: start at 30 dB HL; no response → +20 dB until a
//   response (or no response at the maximum).
// - Each frequency starts audible (30 dB HL, or 10 dB above the ear's previous threshold);
//   no response there → +20 dB until heard. Then 10 dB down after a response, 5 dB up after none.
// - A presentation is "ascending" when the previous one at this frequency was missed. Threshold =
//   the lowest level heard on at least 2 ascending presentations and on at least half of them
//   (2 of 2, 2 of 3, …) — ANSI S3.21's 50 % rule with its minimum of two.
// - Order per ear: 1000, 2000, 3000, 4000, 6000, 8000 Hz, retest 1000 Hz, then 500, 250 Hz. A
//   retest more than 5 dB from the first 1 kHz threshold is flagged and measured a third time
//   (the median of the three is kept); otherwise the better of the two is kept.
// - Better ear first: given by the caller, or found by measuring 1 kHz in both ears first.
// - Two misses at the maximum level → no response at the maximum.
// - Catch trials (no tone) at random, and randomised inter-stimulus gaps. Responses in a catch
//   trial or during a gap are false alarms; a listener whose false-alarm rate (per silent
//   window, both ears pooled) exceeds the limit is flagged unreliable.
// - pause()/resume() restart the frequency in progress and keep every finished threshold;
//   abort() ends the search with what was measured (the rest stays untested).
//
// Deterministic for a seed. Thread-safety: a plain object used by one thread.

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "acquisition/audiometry/audiometer_control.hpp"
#include "acquisition/audiometry/seeded_random.hpp"
#include "analysis/audiometry/audiogram.hpp"
#include "analysis/audiometry/types.hpp"

namespace odyo::audiometry {

struct SearchParams {
  // Which ears, and which first. Empty first_ear: measure 1 kHz in both, continue with the better.
  std::vector<Ear> ears{Ear::right, Ear::left};
  std::optional<Ear> first_ear;
  std::vector<int> high_frequencies_hz{1000, 2000, 3000, 4000, 6000, 8000};  // first must be 1000
  std::vector<int> low_frequencies_hz{500, 250};
  bool retest_1k = true;
  int retest_tolerance_db = 5;

  int familiarisation_level_db_hl = 30;
  int start_level_db_hl = 30;  // lowest first level at a new frequency
  int start_above_previous_db = 10;
  int find_step_up_db = 20;  // while nothing is heard yet at a frequency
  int step_down_db = 10;
  int step_up_db = 5;
  int responses_needed = 2;
  // A level stays in play while it can still reach the rule within this many ascending
  // presentations (3: "2 of 3"; 5: the "3 of 5" variant some audiometers use).
  int max_ascending_per_level = 3;
  int max_ascending_runs = 8;                // then the frequency is flagged inconsistent
  int max_presentations_per_frequency = 40;  // likewise
  int misses_at_max_for_no_response = 2;

  // Device limits per frequency (air conduction); frequencies not listed use `default_range`.
  LevelRange default_range{};
  std::map<int, LevelRange> range_at_hz;

  // Timing.
  std::chrono::milliseconds tone_duration{1000};
  std::chrono::milliseconds response_window{1500};  // from tone onset
  std::chrono::milliseconds min_reaction{100};      // faster presses are anticipations
  std::chrono::milliseconds gap_min{1000};          // silent gap before each presentation
  std::chrono::milliseconds gap_max{3000};

  // Catch trials and reliability.
  double catch_trial_probability = 0.1;
  double false_alarm_limit = 0.10;  // per silent window (catch trials + gaps)
  int min_silent_windows_for_flag = 20;
};

// One stimulus to present (or, for a catch trial, a silent window of the same length).
struct Presentation {
  Ear ear = Ear::right;
  int frequency_hz = 1000;
  int level_db_hl = 30;
  bool catch_trial = false;
  std::chrono::milliseconds gap_before{0};  // silence to leave before the onset
  std::chrono::milliseconds tone_duration{0};
  std::chrono::milliseconds response_window{0};
};

// How one frequency of one ear ended.
struct FrequencyOutcome {
  Ear ear = Ear::right;
  int frequency_hz = 0;
  bool retest = false;  // a 1 kHz retest (or third measurement)
  int level_db_hl = 0;
  bool no_response = false;
  bool inconsistent = false;  // no level reached the 2-of-3 rule within max_ascending_runs
  int presentations = 0;
  int ascending_runs = 0;
};

struct RetestCheck {
  int first_db_hl = 0;
  int retest_db_hl = 0;
  std::optional<int> third_db_hl;
  bool mismatch = false;  // first and retest more than the tolerance apart
  int kept_db_hl = 0;
};

struct EarReliability {
  int catch_trials = 0;
  int catch_false_alarms = 0;
  int gaps = 0;
  int gaps_with_presses = 0;
  int anticipations = 0;  // presses faster than min_reaction after onset
  [[nodiscard]] int silent_windows() const { return catch_trials + gaps; }
  [[nodiscard]] double false_alarm_rate() const {
    return silent_windows() == 0
               ? 0.0
               : static_cast<double>(catch_false_alarms + gaps_with_presses) / silent_windows();
  }
  bool unreliable = false;
};

struct SearchResult {
  Audiogram audiogram;  // air conduction, provenance automated; untested points are absent
  std::vector<FrequencyOutcome> outcomes;
  std::map<Ear, RetestCheck> retest_1k;
  std::map<Ear, EarReliability> reliability;  // per ear (each ear's own flag, informative)
  // Both ears pooled: false alarms are the listener's, not an ear's. This flag is the decision.
  EarReliability listener;
  int presentations = 0;  // including catch trials
  bool complete = false;  // every planned frequency measured
  bool aborted = false;
  [[nodiscard]] bool any_unreliable() const;
};

class ThresholdSearch {
 public:
  enum class State { running, paused, finished, aborted };

  ThresholdSearch(SearchParams params, std::uint64_t seed);

  [[nodiscard]] State state() const { return state_; }
  // The presentation to make now; empty unless running.
  [[nodiscard]] std::optional<Presentation> next() const;

  // What happened in the silent gap before the current presentation: number of presses.
  void record_gap(int presses);
  // The outcome of next(): whether a valid response came in its window (reaction ≥ min_reaction),
  // and how many anticipations (presses faster than min_reaction) there were.
  void record_response(bool responded, int anticipations = 0);

  void pause();  // the frequency in progress restarts on resume
  void resume();
  void abort();

  [[nodiscard]] const SearchResult& result() const { return result_; }
  [[nodiscard]] const SearchParams& params() const { return params_; }

 private:
  struct Job {
    Ear ear;
    int frequency_hz;
    int kind;  // 0 normal, 1 retest, 2 third
  };
  struct LevelTally {
    int presented = 0;
    int heard = 0;
  };
  struct FreqState {
    int level = 0;
    bool found = false;        // heard at least once at this frequency
    bool last_missed = false;  // previous presentation was a miss → this one is ascending
    int misses_at_max = 0;
    int hits_at_min = 0;
    int presentations = 0;
    int ascending_runs = 0;
    std::map<int, LevelTally> ascending;
  };

  void plan_ear(Ear e, bool skip_first_1k);
  void start_job();
  void finish_job(int level, bool no_response, bool inconsistent);
  void after_1k_pair();
  [[nodiscard]] std::optional<int> concluded_level() const;
  void draw_pending();
  [[nodiscard]] LevelRange range(int hz) const;
  [[nodiscard]] int clamp_level(int level, int hz) const;
  void update_reliability();

  SearchParams params_;
  SeededRandom rng_;
  State state_ = State::running;
  std::vector<Job> jobs_;
  std::size_t job_index_ = 0;
  bool auto_better_ear_ = false;
  bool familiarised_ = false;
  FreqState fs_;
  Presentation pending_;
  std::map<Ear, std::vector<int>> k1_values_;  // 1 kHz measurements per ear (NR = max + step)
  SearchResult result_;
};

}  // namespace odyo::audiometry
