#pragma once
// Audiogram points as delivered by result-sending devices (TM262 "y" records, GSI 61 state,
// GDT 6310 AUDI01 records). The audiometry room imports these; this type says only what the
// device said — no averaging, no interpretation.
// Thread-safety: plain value types.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace odyo::codec {

enum class Ear { left, right };
enum class Transducer { air, bone, unknown };
enum class PointStatus {
  measured,     // threshold_db_hl holds the threshold
  no_response,  // no response up to the level in threshold_db_hl, or the device maximum if empty
  not_tested,   // the device has a slot for this frequency but did not test it
};
std::string_view to_string(Ear e);
std::string_view to_string(Transducer t);
std::string_view to_string(PointStatus s);

struct AudiogramPoint {
  Ear ear = Ear::right;
  Transducer transducer = Transducer::air;
  bool masked = false;
  int frequency_hz = 0;
  PointStatus status = PointStatus::measured;
  std::optional<double> threshold_db_hl;  // measured: the level; no_response: max level if known
  std::string note;                       // device text for this point (e.g. GDT 8480)
};

struct Audiogram {
  std::vector<AudiogramPoint> points;
  std::string source;  // e.g. "TM262 record y seq 3", "GDT 6310 AUDIO001"
};

}  // namespace odyo::codec
