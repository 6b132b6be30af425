#include "analysis/audiometry/hearing_numbers.hpp"

#include <algorithm>
#include <array>
#include <set>
#include <string>

#include "analysis/core/error_text.hpp"

namespace odyo::audiometry {

namespace {
constexpr std::array<int, 4> kAao1979Hz{500, 1000, 2000, 3000};
constexpr std::array<int, 3> k234Hz{2000, 3000, 4000};
constexpr std::array<int, 3> k346Hz{3000, 4000, 6000};

const ThresholdPoint* tested_at(const ThresholdCurve& c, int hz) {
  auto it = c.find(hz);
  if (it == c.end() || !it->second.tested()) return nullptr;
  return &it->second;
}
// A point usable as a reference that the notch must be worse than: measured, not NR.
const ThresholdPoint* measured_at(const ThresholdCurve& c, int hz) {
  const ThresholdPoint* p = tested_at(c, hz);
  return (p && !p->no_response()) ? p : nullptr;
}

void keep_max(std::optional<PeakDb>& peak, int hz, const ThresholdPoint& p) {
  // Ties: keep the lower frequency, except that a NR beats a measured point at the same level.
  if (!peak || p.level_db_hl > peak->level_db_hl ||
      (p.level_db_hl == peak->level_db_hl && p.no_response() && !peak->no_response)) {
    peak = PeakDb{p.level_db_hl, hz, p.no_response()};
  }
}

std::optional<double> pick(const std::vector<double>& v, NotchReference r) {
  if (v.empty()) return std::nullopt;
  return r == NotchReference::better ? *std::min_element(v.begin(), v.end())
                                     : *std::max_element(v.begin(), v.end());
}
}  // namespace

Result<AverageDb> air_average(const ThresholdCurve& air, std::span<const int> frequencies_hz) {
  if (frequencies_hz.empty()) {
    return make_error("no_frequencies", "an average needs at least one frequency");
  }
  AverageDb avg;
  double sum = 0.0;
  for (int hz : frequencies_hz) {
    const ThresholdPoint* p = tested_at(air, hz);
    if (!p) {
      return make_errorf("frequency_not_tested",
                         "{} Hz has no air-conduction threshold, so the average cannot be "
                         "computed; test or enter that frequency",
                         hz);
    }
    sum += p->level_db_hl;
    avg.includes_no_response = avg.includes_no_response || p->no_response();
    avg.frequencies_hz.push_back(hz);
  }
  avg.value_db = sum / static_cast<double>(frequencies_hz.size());
  return avg;
}

double monaural_percent(double average_db, const HandicapFormula& f) {
  if (average_db >= f.high_fence_db) return 100.0;
  if (average_db <= f.low_fence_db) return 0.0;
  return std::min(100.0, (average_db - f.low_fence_db) * f.percent_per_db);
}

double binaural_percent(double percent_a, double percent_b) {
  const double better = std::min(percent_a, percent_b);
  const double worse = std::max(percent_a, percent_b);
  return (5.0 * better + worse) / 6.0;
}

std::span<const int> aao1979_frequencies_hz() {
  return kAao1979Hz;
}

HighFrequencyFindings high_frequency_findings(const ThresholdCurve& air, double loss_fence_db) {
  HighFrequencyFindings h;
  for (const auto& [hz, p] : air) {
    if (!p.tested()) continue;
    keep_max(h.max_any, hz, p);
    if (hz >= 3000) keep_max(h.max_hf, hz, p);
    if (hz >= 500 && hz < 3000) keep_max(h.max_below_3k, hz, p);
  }
  h.spreads_below_3k = h.max_below_3k && h.max_below_3k->level_db_hl > loss_fence_db;
  return h;
}

NotchResult coles2000_notch(const ThresholdCurve& air, const ColesNotchParams& prm) {
  NotchResult best;
  best.criterion = "coles2000";
  std::vector<double> low;
  for (int hz : {1000, 2000}) {
    if (const ThresholdPoint* p = measured_at(air, hz)) low.push_back(p->level_db_hl);
  }
  const std::optional<double> low_ref = pick(low, prm.low_reference);
  bool have_best = false;
  for (int hz : {3000, 4000, 6000}) {
    const ThresholdPoint* p = tested_at(air, hz);
    if (!p || !low_ref) continue;
    std::vector<double> high;
    for (int hhz : {6000, 8000}) {
      if (hhz <= hz) continue;
      if (const ThresholdPoint* q = measured_at(air, hhz)) high.push_back(q->level_db_hl);
    }
    const std::optional<double> high_ref = pick(high, prm.high_reference);
    if (!high_ref) continue;
    NotchResult r;
    r.criterion = best.criterion;
    r.evaluable = true;
    r.frequency_hz = hz;
    r.depth_db = p->level_db_hl - *low_ref;
    r.recovery_db = p->level_db_hl - *high_ref;
    r.present = r.depth_db >= prm.min_depth_db && r.recovery_db >= prm.min_recovery_db;
    // Report a notch that meets the rule if any; among equals, the deepest one.
    const bool better_candidate =
        !have_best || (r.present && !best.present) ||
        (r.present == best.present &&
         std::min(r.depth_db, r.recovery_db) > std::min(best.depth_db, best.recovery_db));
    if (better_candidate) {
      best = r;
      have_best = true;
    }
  }
  return best;
}

NotchResult niskar2001_notch(const ThresholdCurve& air, const NiskarNotchParams& prm) {
  NotchResult r;
  r.criterion = "niskar2001";
  const ThresholdPoint* p500 = tested_at(air, 500);
  const ThresholdPoint* p1k = tested_at(air, 1000);
  const ThresholdPoint* p8k = tested_at(air, 8000);
  std::optional<PeakDb> worst;
  for (int hz : {3000, 4000, 6000}) {
    if (const ThresholdPoint* p = tested_at(air, hz)) keep_max(worst, hz, *p);
  }
  if (!p500 || !p1k || !p8k || !worst) return r;
  r.evaluable = true;
  r.frequency_hz = worst->frequency_hz;
  const double low_worse = std::max(p500->level_db_hl, p1k->level_db_hl);
  r.depth_db = worst->level_db_hl - low_worse;
  r.recovery_db = worst->level_db_hl - p8k->level_db_hl;
  const bool low_ok = !p500->no_response() && !p1k->no_response() &&
                      p500->level_db_hl <= prm.max_low_db_hl &&
                      p1k->level_db_hl <= prm.max_low_db_hl;
  // A NR at 8 kHz cannot show recovery (its true threshold is above the level presented).
  const bool recovers = !p8k->no_response() && r.recovery_db >= prm.min_recovery_db;
  r.present = low_ok && r.depth_db >= prm.min_depth_db && recovers;
  return r;
}

Result<void> validate_speech_frequencies(std::span<const int> frequencies_hz) {
  if (frequencies_hz.empty()) {
    return make_error("bad_speech_frequencies",
                      "the speech-frequency set is empty; use e.g. [500, 1000, 2000]");
  }
  std::set<int> seen;
  for (int hz : frequencies_hz) {
    if (!is_standard_frequency(hz, Transducer::air) || hz > 8000) {
      return make_errorf("bad_speech_frequencies",
                         "speech frequency {} Hz is not a standard audiometric frequency "
                         "(125–8000 Hz)",
                         hz);
    }
    if (!seen.insert(hz).second) {
      return make_errorf("bad_speech_frequencies", "speech frequency {} Hz is listed twice", hz);
    }
  }
  return {};
}

Result<EarNumbers> ear_numbers(const ThresholdCurve& air, std::span<const int> speech_hz,
                               const ColesNotchParams& coles, const NiskarNotchParams& niskar) {
  if (auto v = validate_speech_frequencies(speech_hz); !v) return v.error();
  auto speech = air_average(air, speech_hz);
  if (!speech) {
    return make_errorf(speech.error().code, "speech-frequency average: {}", speech.error());
  }
  EarNumbers n;
  n.speech = std::move(speech).value();
  n.percent_loss = monaural_percent(n.speech.value_db);
  if (auto a = air_average(air, kAao1979Hz)) {
    n.aao1979 = a.value();
    n.aao1979_percent = monaural_percent(a->value_db);
  }
  if (auto a = air_average(air, k234Hz)) n.avg_2k3k4k = a.value();
  if (auto a = air_average(air, k346Hz)) n.avg_3k4k6k = a.value();
  n.hf = high_frequency_findings(air);
  n.notch = coles2000_notch(air, coles);
  n.notch_niskar = niskar2001_notch(air, niskar);
  return n;
}

Result<HearingNumbers> hearing_numbers(const Audiogram& a, std::span<const int> speech_hz,
                                       const ColesNotchParams& coles,
                                       const NiskarNotchParams& niskar) {
  HearingNumbers h;
  for (Ear e : {Ear::right, Ear::left}) {
    auto n = ear_numbers(a.ear(e).air, speech_hz, coles, niskar);
    if (!n) {
      return make_errorf(n.error().code, "{} ear: {}", word(e), n.error());
    }
    (e == Ear::right ? h.right : h.left) = std::move(n).value();
  }
  h.speech_frequencies_hz.assign(speech_hz.begin(), speech_hz.end());
  h.binaural_percent = binaural_percent(h.right.percent_loss, h.left.percent_loss);
  if (h.right.aao1979_percent && h.left.aao1979_percent) {
    h.aao1979_binaural_percent =
        binaural_percent(*h.right.aao1979_percent, *h.left.aao1979_percent);
  }
  return h;
}

}  // namespace odyo::audiometry
