#pragma once
// Audiograms as JSON: the form a person types (`odyospiro audio analyze`, `audio enter`) and the
// form stored in an audiometry result (`payload.audiogram`, with per-point provenance), both read
// back into the audiogram model and validated by it. Thread-safety: pure functions.
//
// Typed form:
//   {"age": 41, "sex": "M"|"F",
//    "right": {"500": 25, "1000": 30, …, "8000": "NR"}, "left": {…},       air conduction
//    "bone": {"right": {"1000": 20, …}, "left": {…}}}                      optional
// A point is a level in dB HL, "NR" (no response at 120 dB HL), "NR@100" (no response at the
// audiometer's maximum of 100 dB HL), or {"level_db_hl": 40 | "NR" | "NR@100",
// "masking_db_hl": 60} for a point measured with masking in the other ear.
//
// Stored form: {"right": {"1000": {"status", "level_db_hl", "provenance"[, "masking_db_hl"]
// [, "masked"]}}, "left": {…}[, "bone": {"right": {…}, "left": {…}}]}.

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "analysis/audiometry/audiogram.hpp"
#include "analysis/audiometry/threshold_shift.hpp"
#include "analysis/core/result.hpp"

namespace odyo::station {

struct TypedAudiogram {
  audiometry::Audiogram audiogram;
  std::optional<int> age_years;
  std::optional<audiometry::Sex> sex;
};

// Parses and validates (audiometry::validate: standard frequencies, range, step, both ears).
// `who` starts every message (e.g. "input a.json"); every point gets `provenance`.
Result<TypedAudiogram> parse_typed_audiogram(const nlohmann::json& j, const std::string& who,
                                             audiometry::Provenance provenance);
// Parses the typed form from its text (duplicate keys refused); errors start with `who`.
Result<TypedAudiogram> parse_typed_audiogram_text(std::string_view text, const std::string& who,
                                                  audiometry::Provenance provenance);
// Reads the file and parses it; errors name the file.
Result<TypedAudiogram> read_typed_audiogram(const std::string& path, const std::string& role,
                                            audiometry::Provenance provenance);

nlohmann::json stored_curve_json(const audiometry::ThresholdCurve& c);
nlohmann::json stored_audiogram_json(const audiometry::Audiogram& a);
// Reads payload.audiogram back (no validation beyond the shape).
Result<audiometry::Audiogram> audiogram_from_stored(const nlohmann::json& j);

}  // namespace odyo::station
