#pragma once
// Audiograms that come from devices and other programs — a Welch Allyn TM262 "y" record, the
// GSI 61's state, a GDT 6310 AUDI01 record — as decoded by drivers/codec into codec::Audiogram,
// turned into the station's audiogram model with provenance "imported" and validated exactly like
// a typed-in one (standard frequencies, the device's range and step, both ears present).
// Thread-safety: pure functions.

#include <string>

#include "analysis/audiometry/audiogram.hpp"
#include "analysis/core/result.hpp"
#include "drivers/codec/audiogram.hpp"

namespace odyo::audiometry {

struct ImportedAudiogram {
  Audiogram audiogram;
  std::string source;  // what the device/record said it was (kept with the result)
};

// Errors: a point with an unknown transducer, a level that is not a whole dB on the step, the
// same ear/transducer/frequency twice, and everything validate() rejects. A no-response point
// without a level is taken at the device maximum for that frequency (`range`).
Result<ImportedAudiogram> import_audiogram(const codec::Audiogram& in,
                                           const AudiometerRange& range = {});

}  // namespace odyo::audiometry
