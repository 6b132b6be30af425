// The loop that runs the search against an AudiometerControl: timing of responses, device
// failure mid-test (pause, nothing lost, resume), stop requests, and the simulated audiometer.
#include "acquisition/audiometry/search_runner.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <deque>
#include <stop_token>

#include "acquisition/audiometry/simulated_listener.hpp"
#include "acquisition/audiometry/simulated_session.hpp"

namespace odyo::audiometry {
namespace {

using namespace std::chrono_literals;

// A scripted audiometer: for each tone, the press delay after onset (or none); silent otherwise.
class ScriptedAudiometer final : public AudiometerControl {
 public:
  std::deque<std::optional<std::chrono::milliseconds>> script;
  std::vector<AudioTime> onsets;
  int stop_calls = 0;

  Result<void> set_ear(Ear) override { return {}; }
  Result<void> set_frequency(int) override { return {}; }
  Result<void> set_level(int) override { return {}; }
  [[nodiscard]] Result<LevelRange> level_range(int, Transducer) const override {
    return LevelRange{};
  }
  Result<AudioTime> present(std::chrono::milliseconds) override {
    onsets.push_back(now_);
    if (!script.empty()) {
      if (script.front()) presses_.push_back(now_ + *script.front());
      script.pop_front();
    }
    return now_;
  }
  Result<void> stop_tone() override {
    ++stop_calls;
    return {};
  }
  Result<std::vector<ResponseEvent>> collect_responses(AudioTime until) override {
    std::vector<ResponseEvent> out;
    std::vector<AudioTime> keep;
    for (AudioTime t : presses_) {
      if (t < until) {
        out.push_back({t, t + 100ms});
      } else {
        keep.push_back(t);
      }
    }
    presses_ = keep;
    now_ = std::max(now_, until);
    return out;
  }
  [[nodiscard]] AudioTime now() const override { return now_; }

 private:
  AudioTime now_ = AudioTime{} + 1h;
  std::vector<AudioTime> presses_;
};

SearchParams one_ear() {
  SearchParams p;
  p.ears = {Ear::right};
  p.catch_trial_probability = 0.0;
  return p;
}

TEST(SearchRunner, ResponseTimingDecidesWhatCounts) {
  // Familiarisation at 30 dB: a press 50 ms after onset is an anticipation (< 100 ms), so the
  // tone counts as missed and the next level is 30 + 20 = 50. A press at 400 ms counts → 40.
  // A press 1600 ms after onset falls after the 1500 ms window: missed, and it is then a press
  // in the next gap (a false alarm) → 45.
  ScriptedAudiometer dev;
  dev.script = {50ms, 400ms, 1600ms};
  ThresholdSearch s(one_ear(), 1);
  std::vector<int> levels;
  for (int i = 0; i < 4; ++i) {
    levels.push_back(s.next()->level_db_hl);
    auto p = s.next();
    auto gap = dev.collect_responses(dev.now() + p->gap_before);
    s.record_gap(static_cast<int>(gap->size()));
    auto onset = dev.present(p->tone_duration);
    auto ev = dev.collect_responses(*onset + p->response_window);
    int anticip = 0;
    bool responded = false;
    for (auto& e : *ev) {
      if (e.pressed < *onset + s.params().min_reaction) {
        ++anticip;
      } else {
        responded = true;
      }
    }
    s.record_response(responded, anticip);
  }
  EXPECT_EQ(levels, (std::vector<int>{30, 50, 40, 45}));
  EXPECT_EQ(s.result().reliability.at(Ear::right).anticipations, 1);
  EXPECT_EQ(s.result().reliability.at(Ear::right).gaps_with_presses, 1);
}

TEST(SearchRunner, RunSearchUsesTheSameRules) {
  // Same script through run_search; after the script ends the device is silent, so the search
  // climbs to the maximum and records no response at every frequency.
  ScriptedAudiometer dev;
  dev.script = {50ms, 400ms, 1600ms};
  ThresholdSearch s(one_ear(), 1);
  ASSERT_TRUE(run_search(s, dev).ok());
  EXPECT_EQ(s.state(), ThresholdSearch::State::finished);
  EXPECT_EQ(s.result().reliability.at(Ear::right).anticipations, 1);
  EXPECT_EQ(s.result().reliability.at(Ear::right).gaps_with_presses, 1);
  for (const auto& [hz, p] : s.result().audiogram.right.air) {
    EXPECT_TRUE(p.no_response()) << hz;
    EXPECT_EQ(p.level_db_hl, 120);
  }
  // Inter-stimulus time: onset-to-onset ≥ response window + 1 s gap.
  for (std::size_t i = 1; i < dev.onsets.size(); ++i) {
    EXPECT_GE(dev.onsets[i] - dev.onsets[i - 1], 2500ms);
  }
}

ListenerModel ideal_listener(double level) {
  ListenerModel m;
  for (Ear e : {Ear::right, Ear::left}) {
    for (int hz : {250, 500, 1000, 2000, 3000, 4000, 6000, 8000}) {
      m.true_threshold_db_hl[e][hz] = level;
    }
  }
  m.slope_per_db = 20.0;  // a step: always heard 0.5 dB above α, never 0.5 dB below
  m.false_alarm_rate = 0.0;
  m.lapse_rate = 0.0;
  return m;
}

TEST(SearchRunner, DeviceDisconnectPausesKeepsResultsAndResumes) {
  SimulatedAudiometer dev(ideal_listener(22.0), 5);
  dev.disconnect_at_presentation(40);
  SearchParams p;
  p.first_ear = Ear::right;
  ThresholdSearch s(p, 5);
  auto r = run_search(s, dev);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "device_disconnected");
  EXPECT_EQ(s.state(), ThresholdSearch::State::paused);
  EXPECT_FALSE(dev.tone_on());  // the runner switched the tone off
  const std::size_t kept = s.result().audiogram.right.air.size();
  EXPECT_GE(kept, 2u);
  const auto before = s.result().audiogram.right.air;
  dev.reconnect();
  s.resume();
  ASSERT_TRUE(run_search(s, dev).ok());
  EXPECT_TRUE(s.result().complete);
  for (const auto& [hz, pt] : before) {
    EXPECT_EQ(s.result().audiogram.right.air.at(hz).level_db_hl, pt.level_db_hl);
  }
  // An ideal listener at 22 dB HL: every threshold is 25 (the lowest grid level ≥ 22).
  for (Ear e : {Ear::right, Ear::left}) {
    ASSERT_EQ(s.result().audiogram.ear(e).air.size(), 8u);
    for (const auto& [hz, pt] : s.result().audiogram.ear(e).air) EXPECT_EQ(pt.level_db_hl, 25);
  }
  EXPECT_FALSE(s.result().any_unreliable());
}

TEST(SearchRunner, StopRequestPauses) {
  SimulatedAudiometer dev(ideal_listener(10.0), 5);
  ThresholdSearch s(SearchParams{}, 5);
  std::stop_source stop;
  stop.request_stop();
  ASSERT_TRUE(run_search(s, dev, stop.get_token()).ok());
  EXPECT_EQ(s.state(), ThresholdSearch::State::paused);
  EXPECT_EQ(dev.tones_presented(), 0);
}

TEST(SearchRunner, DeviceLimitsAreApplied) {
  SimulatedAudiometer dev(ideal_listener(200.0), 5);  // hears nothing
  dev.set_max_at(8000, 100);
  SearchParams p;
  p.ears = {Ear::left};
  ASSERT_TRUE(apply_device_limits(p, dev).ok());
  EXPECT_EQ(p.range_at_hz.at(8000).max_db_hl, 100);
  ThresholdSearch s(p, 5);
  ASSERT_TRUE(run_search(s, dev).ok());
  EXPECT_EQ(s.result().audiogram.left.air.at(8000).level_db_hl, 100);
  EXPECT_TRUE(s.result().audiogram.left.air.at(8000).no_response());
  EXPECT_EQ(s.result().audiogram.left.air.at(4000).level_db_hl, 120);
}

TEST(SearchRunner, UnreliableListenerIsFlagged) {
  ListenerModel m = ideal_listener(30.0);
  m.false_alarm_rate = 0.3;
  SimulatedAudiometer dev(m, 11);
  ThresholdSearch s(SearchParams{}, 11);
  ASSERT_TRUE(run_search(s, dev).ok());
  EXPECT_TRUE(s.result().any_unreliable());
  EXPECT_GT(s.result().listener.false_alarm_rate(), 0.10);
}

}  // namespace
}  // namespace odyo::audiometry

namespace odyo::audiometry {
namespace {

TEST(SimulatedSession, DemoListenerGivesItsAudiogram) {
  // True thresholds 2 dB below the grid levels of the right ear (and 7 below for the left):
  // the search should land on the grid level or one step from it at every frequency.
  auto s = run_simulated_session(demo_listener(), 2026);
  ASSERT_TRUE(s.ok()) << s.error().message;
  ASSERT_TRUE(s->result.complete);
  EXPECT_FALSE(s->result.any_unreliable());
  for (Ear e : {Ear::right, Ear::left}) {
    ASSERT_EQ(s->result.audiogram.ear(e).air.size(), 8u);
    for (const auto& [hz, p] : s->result.audiogram.ear(e).air) {
      const double grid_truth = 5.0 * std::ceil(s->listener.true_threshold(e, hz) / 5.0);
      EXPECT_LE(std::abs(p.level_db_hl - grid_truth), 5.0) << to_string(e) << " " << hz;
    }
  }
  EXPECT_GT(s->minutes, 5.0);
  EXPECT_LT(s->minutes, 30.0);
}

}  // namespace
}  // namespace odyo::audiometry
