#pragma once
// Small shared vocabulary of audiometry: ear and transducer. Used by the audiogram model
// (analysis/audiometry/audiogram.hpp), the automated threshold search and the audiometer-control
// interface (acquisition/audiometry/audiometer_control.hpp). Plain value types.

#include <string_view>

namespace odyo::audiometry {

enum class Ear { right, left };
enum class Transducer { air, bone };

constexpr std::string_view to_string(Ear e) {
  return e == Ear::right ? "right" : "left";
}
constexpr std::string_view to_string(Transducer t) {
  return t == Transducer::air ? "air" : "bone";
}
constexpr Ear other(Ear e) {
  return e == Ear::right ? Ear::left : Ear::right;
}

}  // namespace odyo::audiometry
