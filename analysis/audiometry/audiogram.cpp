#include "analysis/audiometry/audiogram.hpp"

#include <algorithm>
#include <array>
#include <string>

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
                            const AudiometerRange& range, std::string_view where) {
  const std::string at(where);
  if (!is_standard_frequency(frequency_hz, t)) {
    return make_error(
        "unknown_frequency",
        at + ": " + std::to_string(frequency_hz) + " Hz is not a standard " +
            std::string(to_string(t)) + "-conduction frequency; use one of " +
            (t == Transducer::air ? list(kAirHz) + ", " + list(kExtendedHz) : list(kBoneHz)) +
            " Hz");
  }
  if (!p.tested()) return {};
  const int max = range.max_at(frequency_hz);
  auto check_level = [&](int level, const std::string& what) -> Result<void> {
    if (level < range.min_db_hl || level > max) {
      return make_error("level_out_of_range",
                        at + ": " + what + " " + std::to_string(level) +
                            " dB HL is beyond the device range " + std::to_string(range.min_db_hl) +
                            "…" + std::to_string(max) + " dB HL at " +
                            std::to_string(frequency_hz) +
                            " Hz; check the value (a no-response is written \"NR\")");
    }
    if (!on_step(level, range.min_db_hl, range.step_db)) {
      return make_error("level_off_step", at + ": " + what + " " + std::to_string(level) +
                                              " dB HL is not on the " +
                                              std::to_string(range.step_db) +
                                              " dB step; audiometers present levels in " +
                                              std::to_string(range.step_db) + " dB steps");
    }
    return {};
  };
  if (auto r = check_level(p.level_db_hl, "threshold"); !r) return r;
  if (p.no_response() && p.level_db_hl <= range.min_db_hl) {
    return make_error("no_response_at_minimum",
                      at + ": \"no response\" at " + std::to_string(p.level_db_hl) +
                          " dB HL, the audiometer's lowest level, is not a result (a no-response "
                          "is recorded at the highest level presented, e.g. \"NR@100\"); check "
                          "the value");
  }
  if (p.masking_db_hl) {
    if (auto r = check_level(*p.masking_db_hl, "masking level"); !r) return r;
  }
  return {};
}

Result<void> validate(const Audiogram& a, const AudiometerRange& range,
                      const AudiogramChecks& checks) {
  if (range.step_db <= 0 || range.min_db_hl > range.max_db_hl) {
    return make_error("bad_range", "the audiometer range is inconsistent (min " +
                                       std::to_string(range.min_db_hl) + ", max " +
                                       std::to_string(range.max_db_hl) + ", step " +
                                       std::to_string(range.step_db) + ")");
  }
  for (Ear e : {Ear::right, Ear::left}) {
    const EarAudiogram& ear = a.ear(e);
    const bool any_air = std::any_of(ear.air.begin(), ear.air.end(),
                                     [](const auto& kv) { return kv.second.tested(); });
    if (!any_air) {
      return make_error("missing_ear", std::string("the ") + std::string(to_string(e)) +
                                           " ear has no air-conduction threshold; test or "
                                           "enter both ears");
    }
    for (Transducer t : {Transducer::air, Transducer::bone}) {
      for (const auto& [hz, p] : ear.curve(t)) {
        const std::string where = std::string(to_string(e)) + " " + std::string(to_string(t)) +
                                  " " + std::to_string(hz) + " Hz";
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
        return make_error(
            "bone_worse_than_air",
            std::string(to_string(e)) + " " + std::to_string(hz) + " Hz: bone conduction " +
                std::to_string(bone.level_db_hl) + " dB HL is " + std::to_string(gap) +
                " dB worse than air conduction " + std::to_string(air->second.level_db_hl) +
                " dB HL; bone is never worse than air by more than " + std::to_string(margin) +
                " dB (test-retest), so check the entry or the bone vibrator's placement and "
                "re-test");
      }
    }
  }
  return {};
}

}  // namespace odyo::audiometry
