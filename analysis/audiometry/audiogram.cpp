#include "analysis/audiometry/audiogram.hpp"

#include <algorithm>
#include <array>
#include <string>

#include "analysis/core/error_text.hpp"

namespace odyo::audiometry {

namespace {
constexpr std::array<int, 11> kAirHz{125, 250, 500, 750, 1000, 1500, 2000, 3000, 4000, 6000, 8000};
constexpr std::array<int, 6> kExtendedHz{9000, 10000, 11200, 12500, 14000, 16000};
constexpr std::array<int, 8> kBoneHz{250, 500, 750, 1000, 1500, 2000, 3000, 4000};

std::string list(std::span<const int> hz) {
  std::string s;
  for (int f : hz) {
    if (!s.empty()) s += ", ";
    s += std::to_string(f);
  }
  return s;
}

// Floor-safe modulo for negative levels (−10 dB HL is on the 5 dB grid).
bool on_step(int level, int min, int step) {
  const int d = level - min;
  return ((d % step) + step) % step == 0;
}
}  // namespace

std::string_view to_string(Provenance p) {
  switch (p) {
    case Provenance::automated:
      return "automated";
    case Provenance::manual:
      return "manual";
    case Provenance::imported:
      return "imported";
  }
  return "?";
}

std::string_view to_string(PointStatus s) {
  switch (s) {
    case PointStatus::measured:
      return "measured";
    case PointStatus::no_response:
      return "no_response";
    case PointStatus::not_tested:
      return "not_tested";
  }
  return "?";
}

std::span<const int> standard_air_frequencies_hz() {
  return kAirHz;
}
std::span<const int> extended_high_frequencies_hz() {
  return kExtendedHz;
}
std::span<const int> standard_bone_frequencies_hz() {
  return kBoneHz;
}

bool is_standard_frequency(int frequency_hz, Transducer t) {
  auto has = [frequency_hz](std::span<const int> s) {
    return std::find(s.begin(), s.end(), frequency_hz) != s.end();
  };
  if (t == Transducer::bone) return has(kBoneHz);
  return has(kAirHz) || has(kExtendedHz);
}

int AudiometerRange::max_at(int frequency_hz) const {
  auto it = max_db_hl_at_hz.find(frequency_hz);
  return it == max_db_hl_at_hz.end() ? max_db_hl : std::min(max_db_hl, it->second);
}

Result<void> validate_point(int frequency_hz, Transducer t, const ThresholdPoint& p,
                            const AudiometerRange& range, const Error& where) {
  const Error& at = where;
  if (!is_standard_frequency(frequency_hz, t)) {
    return make_errorf(
        "unknown_frequency",
        "{}: {} Hz is not a standard {}-conduction frequency; use one of {} Hz", at, frequency_hz,
        word(t), t == Transducer::air ? list(kAirHz) + ", " + list(kExtendedHz) : list(kBoneHz));
  }
  if (!p.tested()) return {};
  const int max = range.max_at(frequency_hz);
  auto check_level = [&](int level, const Error& what) -> Result<void> {
    if (level < range.min_db_hl || level > max) {
      return make_errorf("level_out_of_range",
                         "{}: {} {} dB HL is beyond the device range {}…{} dB HL at {} Hz; check "
                         "the value (a no-response is written \"NR\")",
                         at, what, level, range.min_db_hl, max, frequency_hz);
    }
    if (!on_step(level, range.min_db_hl, range.step_db)) {
      return make_errorf("level_off_step",
                         "{}: {} {} dB HL is not on the {} dB step; audiometers present levels in "
                         "{} dB steps",
                         at, what, level, range.step_db, range.step_db);
    }
    return {};
  };
  if (auto r = check_level(p.level_db_hl, make_error({}, "threshold")); !r) return r;
  if (p.no_response() && p.level_db_hl <= range.min_db_hl) {
    return make_errorf("no_response_at_minimum",
                       "{}: \"no response\" at {} dB HL, the audiometer's lowest level, is not a "
                       "result (a no-response is recorded at the highest level presented, e.g. "
                       "\"NR@100\"); check the value",
                       at, p.level_db_hl);
  }
  if (p.masking_db_hl) {
    if (auto r = check_level(*p.masking_db_hl, make_error({}, "masking level")); !r) return r;
  }
  return {};
}

Result<void> validate(const Audiogram& a, const AudiometerRange& range,
                      const AudiogramChecks& checks) {
  if (range.step_db <= 0 || range.min_db_hl > range.max_db_hl) {
    return make_errorf("bad_range",
                       "the audiometer range is inconsistent (min {}, max {}, step {})",
                       range.min_db_hl, range.max_db_hl, range.step_db);
  }
  for (Ear e : {Ear::right, Ear::left}) {
    const EarAudiogram& ear = a.ear(e);
    const bool any_air = std::any_of(ear.air.begin(), ear.air.end(),
                                     [](const auto& kv) { return kv.second.tested(); });
    if (!any_air) {
      return make_errorf("missing_ear",
                         "the {} ear has no air-conduction threshold; test or enter both ears",
                         word(e));
    }
    for (Transducer t : {Transducer::air, Transducer::bone}) {
      for (const auto& [hz, p] : ear.curve(t)) {
        const Error where = make_errorf({}, "{} {} {} Hz", word(e), word(t), hz);
        if (auto r = validate_point(hz, t, p, range, where); !r) return r;
      }
    }
  }
  if (!checks.max_bone_above_air_db) return {};
  const int margin = *checks.max_bone_above_air_db;
  for (Ear e : {Ear::right, Ear::left}) {
    const EarAudiogram& ear = a.ear(e);
    for (const auto& [hz, bone] : ear.bone) {
      const auto air = ear.air.find(hz);
      if (air == ear.air.end() || bone.status != PointStatus::measured ||
          air->second.status != PointStatus::measured) {
        continue;
      }
      const int gap = bone.level_db_hl - air->second.level_db_hl;
      if (gap > margin) {
        return make_errorf(
            "bone_worse_than_air",
            "{} {} Hz: bone conduction {} dB HL is {} dB worse than air conduction {} dB HL; bone "
            "is never worse than air by more than {} dB (test-retest), so check the entry or the "
            "bone vibrator's placement and re-test",
            word(e), hz, bone.level_db_hl, gap, air->second.level_db_hl, margin);
      }
    }
  }
  return {};
}

}  // namespace odyo::audiometry
