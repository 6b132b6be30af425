#pragma once
// JSON helpers shared by the station's reports (spirometry, audiometry) and commands.
// Thread-safety: pure functions.
#include <nlohmann/json.hpp>
#include <optional>

namespace odyo::station {

// The value, or JSON null when there is none (a measurement that could not be made).
template <typename T>
nlohmann::json json_or_null(const std::optional<T>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

}  // namespace odyo::station
