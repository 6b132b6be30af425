#include "acquisition/audiometry/audiogram_import.hpp"

#include <cmath>
#include <map>
#include <string>

#include "acquisition/devices/result_records.hpp"
#include "drivers/codec/gdt.hpp"
#include "drivers/codec/gsi61.hpp"
#include "drivers/codec/tm262.hpp"

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

AudiometerRange tm262_range() {
  AudiometerRange r;
  r.min_db_hl = -10;
  r.max_db_hl = 100;  // codes −20…200 in half dB (reference/devices/welch-allyn-tm262.md §3)
  return r;
}

Result<ImportedAudiogram> import_tm262_bytes(const std::vector<std::uint8_t>& bytes) {
  codec::tm262::Tm262Decoder decoder;
  auto batch = decoder.feed(codec::ByteSpan(bytes.data(), bytes.size()));
  decoder.finish(batch);
  if (!batch.errors.empty()) {
    const auto& e = batch.errors.front();
    return make_error("bad_record", "TM262 data, byte " + std::to_string(e.offset) + ": " +
                                        e.message + " (" + std::to_string(batch.errors.size()) +
                                        " problem(s) in the file; nothing imported)");
  }
  codec::Audiogram merged;
  std::map<codec::Ear, std::string> seen;  // ear → record text
  std::string sources;
  for (const auto& rec : batch.frames) {
    if (rec.type != 'y' || rec.duplicate) continue;
    const codec::Ear ear = *rec.ear;
    if (auto it = seen.find(ear); it != seen.end()) {
      if (it->second == rec.text) continue;
      return make_error("duplicate_point",
                        std::string("TM262 data holds two different audiometry records for the ") +
                            std::string(codec::to_string(ear)) +
                            " ear; export one test (one record per ear)");
    }
    seen[ear] = rec.text;
    merged.points.insert(merged.points.end(), rec.audiogram.points.begin(),
                         rec.audiogram.points.end());
    sources += (sources.empty() ? "" : ", ") + rec.audiogram.source + " (" +
               std::string(codec::to_string(ear)) + ")";
  }
  if (seen.empty()) {
    return make_error("no_audiogram",
                      "the file holds no TM262 audiometry (\"y\") record; check the file and "
                      "the --format");
  }
  merged.source = sources;
  return import_audiogram(merged, tm262_range());
}

Result<ImportedAudiogram> import_gsi61_bytes(const std::vector<std::uint8_t>& bytes,
                                             const std::vector<Ear>& ear_order) {
  codec::gsi61::Gsi61Decoder decoder;
  auto batch = decoder.feed(codec::ByteSpan(bytes.data(), bytes.size()));
  decoder.finish(batch);
  if (!batch.errors.empty()) {
    const auto& e = batch.errors.front();
    return make_error("bad_record", "GSI 61 data, byte " + std::to_string(e.offset) + ": " +
                                        e.message + " (" + std::to_string(batch.errors.size()) +
                                        " problem(s) in the file; nothing imported)");
  }
  std::vector<codec::Ear> order;
  for (Ear e : ear_order) order.push_back(e == Ear::right ? codec::Ear::right : codec::Ear::left);
  acquisition::Gsi61AudiogramCollector collector(order);
  for (const auto& f : batch.frames) collector.add(f);
  if (collector.records_used() == 0) {
    return make_error("no_audiogram",
                      "the file holds no GSI 61 pure-tone (type 1) record; check the file and "
                      "the --format");
  }
  codec::Audiogram a = collector.audiogram();
  for (const std::string& n : collector.notes()) a.source += "; " + n;
  return import_audiogram(a);
}

Result<ImportedAudiogram> import_gdt_bytes(const std::vector<std::uint8_t>& bytes) {
  auto rec = codec::gdt::parse(codec::ByteSpan(bytes.data(), bytes.size()));
  if (!rec) return make_error("bad_record", "GDT file: " + rec.error().message);
  auto dev = codec::gdt::audiogram(rec.value());
  if (!dev) return make_error("no_audiogram", "GDT file: " + dev.error().message);
  return import_audiogram(dev.value());
}

}  // namespace odyo::audiometry
