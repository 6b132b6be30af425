#pragma once
// Small shared vocabulary of audiometry: ear and transducer. Used by the audiogram model
// (analysis/audiometry/audiogram.hpp), the automated threshold search and the audiometer-control
// interface (acquisition/audiometry/audiometer_control.hpp). Plain value types.

#include <string_view>

#include "analysis/core/result.hpp"

namespace odyo::audiometry {

enum class Ear { right, left };
enum class Transducer { air, bone };

constexpr std::string_view to_string(Ear e) {
  return e == Ear::right ? "right" : "left";
}
constexpr std::string_view to_string(Transducer t) {
  return t == Transducer::air ? "air" : "bone";
}
// The ear or transducer as a word of a message (a make_errorf argument), translated with it.
inline Error word(Ear e) {
  return e == Ear::right ? make_error({}, "right") : make_error({}, "left");
}
inline Error word(Transducer t) {
  return t == Transducer::air ? make_error({}, "air") : make_error({}, "bone");
}
constexpr Ear other(Ear e) {
  return e == Ear::right ? Ear::left : Ear::right;
}

}  // namespace odyo::audiometry
