#pragma once
// JSON forms of spirometry results, shared by `odyospiro spiro analyze` and the stored exam
// results (station/exams): every index, flag and reason of every manoeuvre, the session's grades
// and reported values, and reference values with z and % predicted.
// Thread-safety: pure functions.
#include <nlohmann/json.hpp>
#include <optional>

#include "analysis/spirometry/spirometry.hpp"

namespace odyo::station {

nlohmann::json reason_json(const spirometry::Reason& r);
// Manoeuvres (1-based numbers) and the session, with the software version, rate and BTPS factor.
nlohmann::json session_json(const spirometry::SessionResult& s, const spirometry::SignalSpec& spec);
// Predicted, LLN, ULN (and L/M/S or RSD); with a measured value also z, % predicted, below_lln.
nlohmann::json predicted_json(const spirometry::Predicted& p,
                              const std::optional<double>& measured);

}  // namespace odyo::station
