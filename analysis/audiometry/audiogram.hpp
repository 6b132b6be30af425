#pragma once
// The audiogram model: per ear, per transducer (air, bone), per frequency a threshold in dB HL
// with how it was obtained and its flags (no response at the maximum level, masked with the
// masking level, not tested). Validation against the standard frequencies and the device's
// range and step. Pure; plain value types (thread-safe to share read-only).
//
// Frequencies (DOMAIN.md §3.1, ASHA 2005 via reference/audiometry/README.md §6):
//   air   125 250 500 750 1000 1500 2000 3000 4000 6000 8000 Hz, extended 9000–16000 Hz
//   bone  250 500 750 1000 1500 2000 3000 4000 Hz
// Levels: −10…120 dB HL in 5 dB steps unless the device says otherwise (AudiometerRange).

#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "analysis/audiometry/types.hpp"
#include "analysis/core/result.hpp"

namespace odyo::audiometry {

// How a point was obtained.
enum class Provenance { automated, manual, imported };
std::string_view to_string(Provenance p);

enum class PointStatus {
  measured,     // threshold at level_db_hl
  no_response,  // no response at level_db_hl, the highest level presented (true threshold above)
  not_tested,   // recorded as not tested (level_db_hl is meaningless)
};
std::string_view to_string(PointStatus s);

struct ThresholdPoint {
  int level_db_hl = 0;
  PointStatus status = PointStatus::measured;
  std::optional<int> masking_db_hl;   // set when the other ear was masked, with the masking level
  bool masked_level_unknown = false;  // masked, but the record did not give the masking level
  Provenance provenance = Provenance::manual;

  [[nodiscard]] bool tested() const { return status != PointStatus::not_tested; }
  [[nodiscard]] bool no_response() const { return status == PointStatus::no_response; }
  [[nodiscard]] bool masked() const { return masking_db_hl.has_value() || masked_level_unknown; }
};

// Threshold points of one ear with one transducer, keyed by frequency in Hz.
using ThresholdCurve = std::map<int, ThresholdPoint>;

struct EarAudiogram {
  ThresholdCurve air;
  ThresholdCurve bone;

  [[nodiscard]] const ThresholdCurve& curve(Transducer t) const {
    return t == Transducer::air ? air : bone;
  }
  ThresholdCurve& curve(Transducer t) { return t == Transducer::air ? air : bone; }
  [[nodiscard]] bool empty() const { return air.empty() && bone.empty(); }
};

struct Audiogram {
  EarAudiogram right;
  EarAudiogram left;

  [[nodiscard]] const EarAudiogram& ear(Ear e) const { return e == Ear::right ? right : left; }
  EarAudiogram& ear(Ear e) { return e == Ear::right ? right : left; }
};

// Standard frequencies (Hz), ascending.
std::span<const int> standard_air_frequencies_hz();          // 125…8000
std::span<const int> extended_high_frequencies_hz();         // 9000…16000
std::span<const int> standard_bone_frequencies_hz();         // 250…4000
bool is_standard_frequency(int frequency_hz, Transducer t);  // air includes extended HF

// The level range and step a device can produce (the audiogram convention by default).
struct AudiometerRange {
  int min_db_hl = -10;
  int max_db_hl = 120;
  int step_db = 5;
  // Lower maxima at some frequencies (e.g. TDH-39: 125 Hz 80, 250 Hz 100, 6 kHz 115, 8 kHz 100).
  std::map<int, int> max_db_hl_at_hz;
  [[nodiscard]] int max_at(int frequency_hz) const;
};

// Plausibility checks across points. Bone conduction cannot really be worse than air conduction
// (the air path includes the bone path); negative air-bone gaps within test-retest variability
// (±10 dB, the 5 dB step plus transducer variability; e.g. Margolis 2008, Studebaker 1967) are
// normal, a larger one is a typing or transducer-placement error.
inline constexpr int kDefaultMaxBoneAboveAirDb = 10;
struct AudiogramChecks {
  // Bone threshold minus air threshold (both measured, same ear and frequency) beyond this is
  // refused; nullopt: not checked. Configured as [audiometry].max_bone_above_air_db.
  std::optional<int> max_bone_above_air_db = kDefaultMaxBoneAboveAirDb;
};

// Checks one point: standard frequency for the transducer, level within the range and on the
// step (masking level too); a no-response must be above the range's minimum (no response at the
// lowest level an audiometer presents says nothing: "NR@-10" is refused, never averaged as
// −10 dB). `where` names the point in the message (e.g. "right air 1000 Hz", a message itself
// so that it is translated with it).
Result<void> validate_point(int frequency_hz, Transducer t, const ThresholdPoint& p,
                            const AudiometerRange& range, const Error& where);

// Checks every point of both ears; each ear must have at least one tested air-conduction point
// ("missing ear" otherwise); then `checks` (bone not worse than air beyond the margin). The first
// problem found is returned.
Result<void> validate(const Audiogram& a, const AudiometerRange& range = {},
                      const AudiogramChecks& checks = {});

}  // namespace odyo::audiometry
