#pragma once
// JSON forms of the hearing numbers, shared by `odyospiro audio analyze` and stored audiometry
// results (station/exams). Thread-safety: pure functions.
#include <nlohmann/json.hpp>
#include <optional>

#include "acquisition/audiometry/threshold_search.hpp"
#include "analysis/audiometry/hearing_numbers.hpp"
#include "analysis/audiometry/threshold_shift.hpp"

namespace odyo::station {

nlohmann::json peak(const std::optional<audiometry::PeakDb>& p);
nlohmann::json notch_json(const audiometry::NotchResult& n);
// pta_db, percent_loss, max_hf_db, spreads_below_3k, max_any_db, notch, … for one ear.
nlohmann::json ear_json(const audiometry::EarNumbers& e);
nlohmann::json shift_json(const audiometry::EarShift& s);
// The automated search's outcome per ear and frequency (level, no response, inconsistent, retest,
// presentations): printed by the acquire commands and kept as the exam's raw search record.
nlohmann::json search_outcomes_json(const audiometry::SearchResult& r);

}  // namespace odyo::station
