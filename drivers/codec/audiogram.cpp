#include "drivers/codec/audiogram.hpp"

namespace odyo::codec {

std::string_view to_string(Ear e) {
  return e == Ear::left ? "left" : "right";
}

std::string_view to_string(Transducer t) {
  switch (t) {
    case Transducer::air:
      return "air";
    case Transducer::bone:
      return "bone";
    case Transducer::unknown:
      return "unknown";
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

}  // namespace odyo::codec
