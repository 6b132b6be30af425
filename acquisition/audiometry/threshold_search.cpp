#include "acquisition/audiometry/threshold_search.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>

namespace odyo::audiometry {

bool SearchResult::any_unreliable() const {
  return listener.unreliable;
}

ThresholdSearch::ThresholdSearch(SearchParams params, std::uint64_t seed)
    : params_(std::move(params)), rng_(seed) {
  assert(!params_.ears.empty() && params_.ears.size() <= 2);
  assert(!params_.high_frequencies_hz.empty() && params_.high_frequencies_hz.front() == 1000);
  assert(params_.step_up_db > 0 && params_.step_down_db > 0 && params_.responses_needed > 0);
  for (Ear e : params_.ears) result_.reliability[e] = EarReliability{};
  if (params_.ears.size() == 1) {
    plan_ear(params_.ears.front(), false);
  } else if (params_.first_ear) {
    plan_ear(*params_.first_ear, false);
    plan_ear(other(*params_.first_ear), false);
  } else {
    // Better ear unknown: 1 kHz in both ears first, then the better ear's remaining frequencies.
    auto_better_ear_ = true;
    jobs_.push_back({Ear::right, 1000, 0});
    jobs_.push_back({Ear::left, 1000, 0});
  }
  start_job();
}

void ThresholdSearch::plan_ear(Ear e, bool skip_first_1k) {
  for (int hz : params_.high_frequencies_hz) {
    if (hz == 1000 && skip_first_1k) continue;
    jobs_.push_back({e, hz, 0});
  }
  if (params_.retest_1k) jobs_.push_back({e, 1000, 1});
  for (int hz : params_.low_frequencies_hz) jobs_.push_back({e, hz, 0});
}

LevelRange ThresholdSearch::range(int hz) const {
  auto it = params_.range_at_hz.find(hz);
  return it == params_.range_at_hz.end() ? params_.default_range : it->second;
}

int ThresholdSearch::clamp_level(int level, int hz) const {
  const LevelRange r = range(hz);
  // Snap to the device grid (downwards), then clamp.
  const int off = level - r.min_db_hl;
  const int snapped =
      r.min_db_hl +
      (off >= 0 ? off / r.step_db : -((-off + r.step_db - 1) / r.step_db)) * r.step_db;
  const int top = r.min_db_hl + (r.max_db_hl - r.min_db_hl) / r.step_db * r.step_db;
  return std::clamp(snapped, r.min_db_hl, top);
}

void ThresholdSearch::start_job() {
  if (job_index_ >= jobs_.size()) {
    state_ = State::finished;
    result_.complete = true;
    return;
  }
  const Job& job = jobs_[job_index_];
  fs_ = FreqState{};
  int start = params_.start_level_db_hl;
  if (!familiarised_) {
    start = params_.familiarisation_level_db_hl;
  } else {
    // The ear's most recent threshold guides the start, so the first tone is audible.
    for (auto it = result_.outcomes.rbegin(); it != result_.outcomes.rend(); ++it) {
      if (it->ear != job.ear) continue;
      start = it->no_response
                  ? std::max(params_.start_level_db_hl, range(job.frequency_hz).max_db_hl - 20)
                  : std::max(params_.start_level_db_hl,
                             it->level_db_hl + params_.start_above_previous_db);
      break;
    }
  }
  fs_.level = clamp_level(start, job.frequency_hz);
  draw_pending();
}

void ThresholdSearch::draw_pending() {
  const Job& job = jobs_[job_index_];
  pending_.ear = job.ear;
  pending_.frequency_hz = job.frequency_hz;
  pending_.level_db_hl = fs_.level;
  // Never a catch trial before the listener has heard anything (familiarisation).
  pending_.catch_trial = familiarised_ && rng_.bernoulli(params_.catch_trial_probability);
  const double gap_ms = rng_.uniform(static_cast<double>(params_.gap_min.count()),
                                     static_cast<double>(params_.gap_max.count()));
  pending_.gap_before = std::chrono::milliseconds(static_cast<long long>(std::lround(gap_ms)));
  pending_.tone_duration = params_.tone_duration;
  pending_.response_window = params_.response_window;
}

std::optional<Presentation> ThresholdSearch::next() const {
  if (state_ != State::running) return std::nullopt;
  return pending_;
}

void ThresholdSearch::update_reliability() {
  auto judge = [this](EarReliability& r) {
    r.unreliable = r.silent_windows() >= params_.min_silent_windows_for_flag &&
                   r.false_alarm_rate() > params_.false_alarm_limit;
  };
  EarReliability pooled;
  for (auto& [ear, r] : result_.reliability) {
    judge(r);
    pooled.catch_trials += r.catch_trials;
    pooled.catch_false_alarms += r.catch_false_alarms;
    pooled.gaps += r.gaps;
    pooled.gaps_with_presses += r.gaps_with_presses;
    pooled.anticipations += r.anticipations;
  }
  judge(pooled);
  result_.listener = pooled;
}

void ThresholdSearch::record_gap(int presses) {
  if (state_ != State::running) return;
  EarReliability& r = result_.reliability[pending_.ear];
  ++r.gaps;
  if (presses > 0) ++r.gaps_with_presses;
  update_reliability();
}

void ThresholdSearch::record_response(bool responded, int anticipations) {
  if (state_ != State::running) return;
  ++result_.presentations;
  EarReliability& rel = result_.reliability[pending_.ear];
  rel.anticipations += anticipations;
  if (pending_.catch_trial) {
    ++rel.catch_trials;
    if (responded) ++rel.catch_false_alarms;
    update_reliability();
    draw_pending();  // same level again, new gap
    return;
  }
  const int hz = pending_.frequency_hz;
  const LevelRange r = range(hz);
  const int level = fs_.level;
  const int top = clamp_level(r.max_db_hl, hz);
  ++fs_.presentations;

  auto miss_at_max = [&]() {
    if (++fs_.misses_at_max >= params_.misses_at_max_for_no_response) {
      finish_job(top, true, false);
      return true;
    }
    return false;
  };

  if (!fs_.found) {  // looking for an audible level
    if (responded) {
      fs_.found = true;
      familiarised_ = true;
      fs_.last_missed = false;
      fs_.level = clamp_level(level - params_.step_down_db, hz);
    } else if (level >= top) {
      if (miss_at_max()) return;
    } else {
      fs_.level = clamp_level(std::min(level + params_.find_step_up_db, top), hz);
    }
  } else {
    const bool ascending = fs_.last_missed;
    if (ascending) {
      LevelTally& t = fs_.ascending[level];
      ++t.presented;
      if (responded) {
        ++t.heard;
        ++fs_.ascending_runs;
      }
      if (auto q = concluded_level()) {
        finish_job(*q, false, false);
        return;
      }
    }
    if (responded) {
      if (level <= r.min_db_hl && ++fs_.hits_at_min >= params_.responses_needed) {
        finish_job(r.min_db_hl, false, false);  // heard at the lowest level the device has
        return;
      }
      fs_.last_missed = false;
      fs_.level = clamp_level(std::max(level - params_.step_down_db, r.min_db_hl), hz);
    } else {
      fs_.last_missed = true;
      if (level >= top) {
        if (miss_at_max()) return;
      } else {
        fs_.level = clamp_level(level + params_.step_up_db, hz);
      }
    }
  }
  if (fs_.ascending_runs >= params_.max_ascending_runs ||
      fs_.presentations >= params_.max_presentations_per_frequency) {
    // No level met the rule: keep the lowest level heard on at least half of its ascending
    // presentations, and flag the frequency.
    int best = level;
    bool have = false;
    for (const auto& [lv, t] : fs_.ascending) {
      if (t.heard >= 1 && 2 * t.heard >= t.presented) {
        best = lv;
        have = true;
        break;
      }
    }
    finish_job(have ? best : level, false, true);
    return;
  }
  draw_pending();
}

std::optional<int> ThresholdSearch::concluded_level() const {
  // Threshold: the lowest level heard on at least `responses_needed` ascending presentations and
  // on at least half of them. A lower level that has been heard and can still meet the rule
  // within three ascending presentations (1 of 1, 1 of 2) is still in play: the search goes on
  // until it meets the rule or drops out, so the level kept really is the lowest.
  const int needed = params_.responses_needed;
  const int max_runs = std::max(needed, params_.max_ascending_per_level);
  std::optional<int> qualified;
  for (const auto& [lv, t] : fs_.ascending) {
    if (t.heard >= needed && 2 * t.heard >= t.presented) {
      qualified = lv;
      break;
    }
  }
  if (!qualified) return std::nullopt;
  for (const auto& [lv, t] : fs_.ascending) {
    if (lv >= *qualified) break;
    const int remaining = max_runs - t.presented;
    if (t.heard >= 1 && remaining > 0 && t.heard + remaining >= needed &&
        2 * (t.heard + remaining) >= max_runs) {
      return std::nullopt;
    }
  }
  return qualified;
}

void ThresholdSearch::finish_job(int level, bool no_response, bool inconsistent) {
  const Job job = jobs_[job_index_];
  FrequencyOutcome o;
  o.ear = job.ear;
  o.frequency_hz = job.frequency_hz;
  o.retest = job.kind != 0;
  o.level_db_hl = level;
  o.no_response = no_response;
  o.inconsistent = inconsistent;
  o.presentations = fs_.presentations;
  o.ascending_runs = fs_.ascending_runs;
  result_.outcomes.push_back(o);

  auto set_point = [&](int lv, bool nr) {
    ThresholdPoint p;
    p.level_db_hl = lv;
    p.status = nr ? PointStatus::no_response : PointStatus::measured;
    p.provenance = Provenance::automated;
    result_.audiogram.ear(job.ear).air[job.frequency_hz] = p;
  };

  if (job.frequency_hz == 1000 && params_.retest_1k) {
    // NR compares as one step above the maximum.
    const int top = clamp_level(range(1000).max_db_hl, 1000);
    const int nr_value = top + params_.step_up_db;
    auto& vals = k1_values_[job.ear];
    vals.push_back(no_response ? nr_value : level);
    auto put = [&](int v) { set_point(v >= nr_value ? top : v, v >= nr_value); };
    if (job.kind == 0) {
      put(vals.back());
    } else if (job.kind == 1 && vals.size() >= 2) {
      RetestCheck& rc = result_.retest_1k[job.ear];
      rc.first_db_hl = vals[0];
      rc.retest_db_hl = vals[1];
      rc.mismatch = std::abs(vals[1] - vals[0]) > params_.retest_tolerance_db;
      if (rc.mismatch) {
        jobs_.insert(jobs_.begin() + static_cast<std::ptrdiff_t>(job_index_ + 1),
                     Job{job.ear, 1000, 2});
      } else {
        rc.kept_db_hl = std::min(vals[0], vals[1]);
        put(rc.kept_db_hl);
      }
    } else if (job.kind == 2 && vals.size() >= 3) {
      RetestCheck& rc = result_.retest_1k[job.ear];
      rc.third_db_hl = vals[2];
      std::vector<int> s{vals[0], vals[1], vals[2]};
      std::sort(s.begin(), s.end());
      rc.kept_db_hl = s[1];
      put(rc.kept_db_hl);
    }
  } else {
    set_point(level, no_response);
  }

  ++job_index_;
  if (auto_better_ear_ && job_index_ == 2) after_1k_pair();
  start_job();
}

void ThresholdSearch::after_1k_pair() {
  auto_better_ear_ = false;
  const int r = k1_values_[Ear::right].empty() ? 1000 : k1_values_[Ear::right].front();
  const int l = k1_values_[Ear::left].empty() ? 1000 : k1_values_[Ear::left].front();
  const Ear better = l < r ? Ear::left : Ear::right;  // ties: right first
  plan_ear(better, true);
  plan_ear(other(better), true);
}

void ThresholdSearch::pause() {
  if (state_ == State::running) state_ = State::paused;
}

void ThresholdSearch::resume() {
  if (state_ != State::paused) return;
  state_ = State::running;
  start_job();  // the interrupted frequency starts again; finished ones are kept
}

void ThresholdSearch::abort() {
  if (state_ == State::finished) return;
  state_ = State::aborted;
  result_.aborted = true;
}

}  // namespace odyo::audiometry
