#pragma once
// JSON helpers shared by the station's reports (spirometry, audiometry) and commands.
// Thread-safety: pure functions.
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <optional>

namespace odyo::station {

// The value, or JSON null when there is none (a measurement that could not be made).
template <typename T>
nlohmann::json json_or_null(const std::optional<T>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

// The number at `path` (object keys) in `j`, or nothing when a key is missing or the value is not
// a number.
inline std::optional<double> number_at(const nlohmann::json& j,
                                       std::initializer_list<const char*> path) {
  const nlohmann::json* p = &j;
  for (const char* k : path) {
    if (!p->is_object() || !p->contains(k)) return std::nullopt;
    p = &(*p)[k];
  }
  if (!p->is_number()) return std::nullopt;
  return p->get<double>();
}

}  // namespace odyo::station
