// The modified Hughson-Westlake state machine, driven directly (it has no I/O) by scripted
// listeners whose answers are known, so every expected threshold is worked out by hand.
#include "acquisition/audiometry/threshold_search.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <set>
#include <vector>

namespace odyo::audiometry {
namespace {

// A deterministic listener: hears a tone iff level ≥ threshold (per ear and frequency).
using Hears = std::function<bool(const Presentation&)>;

SearchParams no_catch(std::optional<Ear> first = Ear::right) {
  SearchParams p;
  p.first_ear = first;
  p.catch_trial_probability = 0.0;
  return p;
}

// Runs the search to the end with `hears`; returns the presentations made, in order.
std::vector<Presentation> drive(ThresholdSearch& s, const Hears& hears, int limit = 100000) {
  std::vector<Presentation> log;
  while (auto p = s.next()) {
    if (static_cast<int>(log.size()) >= limit) break;
    log.push_back(*p);
    s.record_gap(0);
    s.record_response(!p->catch_trial && hears(*p));
  }
  return log;
}

Hears step_listener(std::map<Ear, std::map<int, int>> t) {
  return [t](const Presentation& p) { return p.level_db_hl >= t.at(p.ear).at(p.frequency_hz); };
}

std::map<int, int> flat(int level) {
  return {{250, level},  {500, level},  {1000, level}, {2000, level},
          {3000, level}, {4000, level}, {6000, level}, {8000, level}};
}

TEST(ThresholdSearch, FamiliarisationAndBracketingAt1kHzByHand) {
  // Listener hears from 22 dB HL, i.e. from 25 on the 5 dB grid. Expected run at 1 kHz:
  // 30 heard (familiarisation) → 20 missed → 25 heard (ascending 1/1) → 15 missed →
  // 20 missed (ascending 0/1) → 25 heard (ascending 2/2) → threshold 25.
  ThresholdSearch s(no_catch(), 1);
  std::vector<int> levels;
  while (auto p = s.next()) {
    if (p->frequency_hz != 1000 || p->ear != Ear::right || !s.result().outcomes.empty()) break;
    levels.push_back(p->level_db_hl);
    s.record_gap(0);
    s.record_response(p->level_db_hl >= 22);
  }
  EXPECT_EQ(levels, (std::vector<int>{30, 20, 25, 15, 20, 25}));
  ASSERT_EQ(s.result().outcomes.size(), 1u);
  EXPECT_EQ(s.result().outcomes[0].level_db_hl, 25);
  EXPECT_FALSE(s.result().outcomes[0].no_response);
}

TEST(ThresholdSearch, OrderOfFrequenciesAndEarsWithRetest) {
  ThresholdSearch s(no_catch(Ear::left), 1);
  drive(s, step_listener({{Ear::right, flat(20)}, {Ear::left, flat(10)}}));
  ASSERT_EQ(s.state(), ThresholdSearch::State::finished);
  std::vector<std::pair<Ear, int>> order;
  for (const auto& o : s.result().outcomes) order.emplace_back(o.ear, o.frequency_hz);
  const std::vector<int> per_ear{1000, 2000, 3000, 4000, 6000, 8000, 1000, 500, 250};
  std::vector<std::pair<Ear, int>> expected;
  for (Ear e : {Ear::left, Ear::right}) {
    for (int hz : per_ear) expected.emplace_back(e, hz);
  }
  EXPECT_EQ(order, expected);
  // Every threshold exact for a step listener on the grid.
  for (const auto& [hz, p] : s.result().audiogram.right.air) {
    EXPECT_EQ(p.level_db_hl, 20) << hz;
    EXPECT_EQ(p.provenance, Provenance::automated);
  }
  for (const auto& [hz, p] : s.result().audiogram.left.air) EXPECT_EQ(p.level_db_hl, 10) << hz;
  EXPECT_TRUE(s.result().complete);
  EXPECT_FALSE(s.result().retest_1k.at(Ear::left).mismatch);
}

TEST(ThresholdSearch, BetterEarFoundAt1kHzWhenNotGiven) {
  // Right 40 dB at 1 kHz, left 15 dB → after R 1k and L 1k the left (better) ear continues.
  auto right = flat(40);
  auto left = flat(15);
  ThresholdSearch s(no_catch(std::nullopt), 1);
  drive(s, step_listener({{Ear::right, right}, {Ear::left, left}}));
  const auto& o = s.result().outcomes;
  ASSERT_GE(o.size(), 4u);
  EXPECT_EQ(o[0].ear, Ear::right);
  EXPECT_EQ(o[0].frequency_hz, 1000);
  EXPECT_EQ(o[1].ear, Ear::left);
  EXPECT_EQ(o[1].frequency_hz, 1000);
  EXPECT_EQ(o[2].ear, Ear::left);
  EXPECT_EQ(o[2].frequency_hz, 2000);
  EXPECT_EQ(s.result().audiogram.right.air.at(1000).level_db_hl, 40);
  EXPECT_EQ(s.result().audiogram.left.air.size(), 8u);
  EXPECT_EQ(s.result().audiogram.right.air.size(), 8u);
}

TEST(ThresholdSearch, NoResponseAtTheMaximum) {
  SearchParams p = no_catch();
  p.ears = {Ear::right};
  p.range_at_hz[8000] = LevelRange{-10, 100, 5};  // TDH-39 maximum at 8 kHz
  ThresholdSearch s(p, 1);
  auto t = flat(30);
  t[8000] = 1000;  // never heard
  drive(s, step_listener({{Ear::right, t}}));
  const ThresholdPoint& nr = s.result().audiogram.right.air.at(8000);
  EXPECT_TRUE(nr.no_response());
  EXPECT_EQ(nr.level_db_hl, 100);
  EXPECT_TRUE(s.result().complete);
}

TEST(ThresholdSearch, HeardAtTheLowestLevel) {
  SearchParams p = no_catch();
  p.ears = {Ear::right};
  ThresholdSearch s(p, 1);
  drive(s, step_listener({{Ear::right, flat(-40)}}));
  EXPECT_EQ(s.result().audiogram.right.air.at(2000).level_db_hl, -10);
  EXPECT_EQ(s.result().audiogram.right.air.at(2000).status, PointStatus::measured);
}

TEST(ThresholdSearch, RetestMoreThan5dBApartIsFlaggedAndMeasuredAgain) {
  // 1 kHz: first search at 20, retest at 40 (20 dB apart → flag), third at 25 → median 25.
  SearchParams p = no_catch();
  p.ears = {Ear::right};
  ThresholdSearch s(p, 1);
  int k1_runs = 0;
  int last_outcomes = 0;
  const int k1_threshold[] = {20, 40, 25};
  drive(s, [&](const Presentation& pr) {
    const int n = static_cast<int>(s.result().outcomes.size());
    if (n != last_outcomes) last_outcomes = n;
    if (pr.frequency_hz != 1000) return pr.level_db_hl >= 10;
    k1_runs = 0;
    for (const auto& o : s.result().outcomes) k1_runs += o.frequency_hz == 1000;
    return pr.level_db_hl >= k1_threshold[std::min(k1_runs, 2)];
  });
  const RetestCheck& rc = s.result().retest_1k.at(Ear::right);
  EXPECT_EQ(rc.first_db_hl, 20);
  EXPECT_EQ(rc.retest_db_hl, 40);
  EXPECT_TRUE(rc.mismatch);
  ASSERT_TRUE(rc.third_db_hl);
  EXPECT_EQ(*rc.third_db_hl, 25);
  EXPECT_EQ(rc.kept_db_hl, 25);
  EXPECT_EQ(s.result().audiogram.right.air.at(1000).level_db_hl, 25);
}

TEST(ThresholdSearch, RetestWithin5dBKeepsTheBetter) {
  SearchParams p = no_catch();
  p.ears = {Ear::right};
  ThresholdSearch s(p, 1);
  drive(s, [&](const Presentation& pr) {
    if (pr.frequency_hz != 1000) return pr.level_db_hl >= 10;
    const bool first = s.result().outcomes.empty();
    return pr.level_db_hl >= (first ? 20 : 25);
  });
  const RetestCheck& rc = s.result().retest_1k.at(Ear::right);
  EXPECT_FALSE(rc.mismatch);
  EXPECT_FALSE(rc.third_db_hl.has_value());
  EXPECT_EQ(rc.kept_db_hl, 20);
}

TEST(ThresholdSearch, CatchTrialsDoNotMoveTheLevelAndCountFalseAlarms) {
  SearchParams p = no_catch();
  p.catch_trial_probability = 0.3;
  ThresholdSearch s(p, 7);
  int catches = 0;
  while (auto pr = s.next()) {
    s.record_gap(0);
    if (pr->catch_trial) {
      ++catches;
      const int level = pr->level_db_hl;
      s.record_response(true);  // a false alarm
      ASSERT_TRUE(s.next());
      EXPECT_EQ(s.next()->level_db_hl, level);  // same level after a catch trial
      EXPECT_EQ(s.next()->frequency_hz, pr->frequency_hz);
    } else {
      s.record_response(pr->level_db_hl >= 20);
    }
  }
  ASSERT_GT(catches, 20);
  EXPECT_EQ(s.result().listener.catch_trials, catches);
  EXPECT_EQ(s.result().listener.catch_false_alarms, catches);
  EXPECT_TRUE(s.result().any_unreliable());  // every catch trial answered
  // Thresholds are still right: catch trials carry no information about the level.
  EXPECT_EQ(s.result().audiogram.left.air.at(4000).level_db_hl, 20);
}

TEST(ThresholdSearch, FalseAlarmLimitBoundary) {
  // 2 false alarms in 20 silent windows = 10 % = the limit → not flagged; 3 in 20 → flagged.
  auto run = [](int presses_every) {
    SearchParams p = no_catch();
    p.ears = {Ear::right};
    ThresholdSearch s(p, 1);
    int gaps = 0;
    while (auto pr = s.next()) {
      if (gaps == 20) break;
      ++gaps;
      s.record_gap(gaps % presses_every == 0 ? 1 : 0);
      s.record_response(pr->level_db_hl >= 20);
    }
    return s.result().listener;
  };
  const EarReliability at_limit = run(10);  // gaps 10 and 20
  EXPECT_EQ(at_limit.silent_windows(), 20);
  EXPECT_DOUBLE_EQ(at_limit.false_alarm_rate(), 0.10);
  EXPECT_FALSE(at_limit.unreliable);
  const EarReliability three = run(6);  // gaps 6, 12 and 18 → 3 / 20 = 15 %
  EXPECT_DOUBLE_EQ(three.false_alarm_rate(), 0.15);
  EXPECT_TRUE(three.unreliable);
}

TEST(ThresholdSearch, PauseRestartsTheFrequencyAndKeepsFinishedOnes) {
  SearchParams p = no_catch();
  p.ears = {Ear::right};
  ThresholdSearch s(p, 1);
  // Finish 1 kHz and 2 kHz, then pause in the middle of 3 kHz.
  while (s.result().outcomes.size() < 2) {
    auto pr = s.next();
    s.record_gap(0);
    s.record_response(pr->level_db_hl >= 20);
  }
  s.record_gap(0);
  s.record_response(true);  // one presentation into 3 kHz
  s.pause();
  EXPECT_EQ(s.state(), ThresholdSearch::State::paused);
  EXPECT_FALSE(s.next().has_value());
  s.record_response(true);  // ignored while paused
  EXPECT_EQ(s.result().audiogram.right.air.size(), 2u);
  s.resume();
  ASSERT_TRUE(s.next());
  EXPECT_EQ(s.next()->frequency_hz, 3000);
  EXPECT_EQ(s.next()->level_db_hl, 30);  // restarted: 10 above the 2 kHz threshold of 20
  drive(s, [](const Presentation& pr) { return pr.level_db_hl >= 20; });
  EXPECT_TRUE(s.result().complete);
  EXPECT_EQ(s.result().audiogram.right.air.size(), 8u);
}

TEST(ThresholdSearch, AbortKeepsWhatWasMeasured) {
  SearchParams p = no_catch();
  ThresholdSearch s(p, 1);
  while (s.result().outcomes.size() < 3) {
    auto pr = s.next();
    s.record_gap(0);
    s.record_response(pr->level_db_hl >= 20);
  }
  s.abort();
  EXPECT_EQ(s.state(), ThresholdSearch::State::aborted);
  EXPECT_FALSE(s.next().has_value());
  EXPECT_TRUE(s.result().aborted);
  EXPECT_FALSE(s.result().complete);
  EXPECT_EQ(s.result().audiogram.right.air.size(), 3u);  // 1, 2, 3 kHz
  EXPECT_TRUE(s.result().audiogram.left.air.empty());
  s.resume();  // an aborted search stays aborted
  EXPECT_EQ(s.state(), ThresholdSearch::State::aborted);
}

TEST(ThresholdSearch, DeterministicForASeedAndGapsRandomised) {
  SearchParams p;
  p.first_ear = Ear::right;
  auto hears = [](const Presentation& pr) { return pr.level_db_hl >= 25; };
  ThresholdSearch a(p, 99), b(p, 99), c(p, 100);
  const auto la = drive(a, hears), lb = drive(b, hears), lc = drive(c, hears);
  ASSERT_EQ(la.size(), lb.size());
  for (std::size_t i = 0; i < la.size(); ++i) {
    EXPECT_EQ(la[i].gap_before, lb[i].gap_before);
    EXPECT_EQ(la[i].catch_trial, lb[i].catch_trial);
  }
  bool differs = la.size() != lc.size();
  for (std::size_t i = 0; !differs && i < la.size(); ++i) {
    differs = la[i].gap_before != lc[i].gap_before;
  }
  EXPECT_TRUE(differs);
  // Gaps within [1, 3] s, never shorter than the tone, and not all equal.
  std::set<long long> distinct;
  for (const auto& pr : la) {
    EXPECT_GE(pr.gap_before.count(), 1000);
    EXPECT_LE(pr.gap_before.count(), 3000);
    EXPECT_GE(pr.gap_before, pr.tone_duration);
    distinct.insert(pr.gap_before.count());
  }
  EXPECT_GT(distinct.size(), 10u);
}

}  // namespace
}  // namespace odyo::audiometry
