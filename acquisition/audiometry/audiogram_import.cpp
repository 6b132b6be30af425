#include "acquisition/audiometry/audiogram_import.hpp"

#include <cmath>
#include <string>

namespace odyo::audiometry {

Result<ImportedAudiogram> import_audiogram(const codec::Audiogram& in,
                                           const AudiometerRange& range) {
  ImportedAudiogram out;
  out.source = in.source;
  const std::string from = in.source.empty() ? std::string("imported audiogram") : in.source;
  for (const codec::AudiogramPoint& p : in.points) {
    const Ear ear = p.ear == codec::Ear::right ? Ear::right : Ear::left;
    const std::string where = from + ": " + std::string(to_string(ear)) + " " +
                              std::string(codec::to_string(p.transducer)) + " " +
                              std::to_string(p.frequency_hz) + " Hz";
    if (p.transducer == codec::Transducer::unknown) {
      return make_error("unknown_transducer",
                        where +
                            ": the record does not say air or bone conduction; map the "
                            "partner's test idents in the device profile");
    }
    const Transducer t =
        p.transducer == codec::Transducer::air ? Transducer::air : Transducer::bone;
    ThresholdPoint tp;
    tp.provenance = Provenance::imported;
    tp.masked_level_unknown = p.masked;
    switch (p.status) {
      case codec::PointStatus::measured:
        tp.status = PointStatus::measured;
        break;
      case codec::PointStatus::no_response:
        tp.status = PointStatus::no_response;
        break;
      case codec::PointStatus::not_tested:
        tp.status = PointStatus::not_tested;
        break;
    }
    if (tp.status == PointStatus::measured && !p.threshold_db_hl) {
      return make_error("bad_input", where + ": a measured point without a level");
    }
    if (tp.status == PointStatus::no_response && !p.threshold_db_hl) {
      tp.level_db_hl = range.max_at(p.frequency_hz);
    } else if (p.threshold_db_hl) {
      const double v = *p.threshold_db_hl;
      if (std::floor(v) != v || std::abs(v) > 1000.0) {
        return make_error("level_off_step",
                          where + ": " + std::to_string(v) +
                              " dB HL is not a whole level on the audiometer's 5 dB step");
      }
      tp.level_db_hl = static_cast<int>(v);
    }
    ThresholdCurve& curve = out.audiogram.ear(ear).curve(t);
    if (curve.count(p.frequency_hz) != 0) {
      return make_error("duplicate_point",
                        where +
                            " appears twice in the record; the station keeps one value per "
                            "ear, transducer and frequency");
    }
    curve[p.frequency_hz] = tp;
  }
  if (auto v = validate(out.audiogram, range); !v) {
    return make_error(v.error().code, from + ": " + v.error().message);
  }
  return out;
}

}  // namespace odyo::audiometry
