#include "acquisition/audiometry/audiogram_import.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <optional>
#include <string>
#include <utility>

#include "acquisition/devices/result_records.hpp"
#include "analysis/core/error_text.hpp"
#include "analysis/core/text.hpp"
#include "drivers/codec/gdt.hpp"
#include "drivers/codec/gsi61.hpp"
#include "drivers/codec/tm262.hpp"

namespace odyo::audiometry {
namespace {

// The device's ear and transducer as words of a message, translated with it.
Error word_of(codec::Ear e) {
  return word(e == codec::Ear::right ? Ear::right : Ear::left);
}
Error word_of(codec::Transducer t) {
  if (t == codec::Transducer::air) return word(Transducer::air);
  if (t == codec::Transducer::bone) return word(Transducer::bone);
  return error_text::arg(codec::to_string(t));
}

}  // namespace

Result<ImportedAudiogram> import_audiogram(const codec::Audiogram& in,
                                           const AudiometerRange& range) {
  ImportedAudiogram out;
  out.source = in.source;
  const Error from =
      in.source.empty() ? make_error({}, "imported audiogram") : error_text::arg(in.source);
  for (const codec::AudiogramPoint& p : in.points) {
    const Ear ear = p.ear == codec::Ear::right ? Ear::right : Ear::left;
    const Error where =
        make_errorf({}, "{}: {} {} {} Hz", from, word(ear), word_of(p.transducer), p.frequency_hz);
    if (p.transducer == codec::Transducer::unknown) {
      return make_errorf("unknown_transducer",
                         "{}: the record does not say air or bone conduction; map the partner's "
                         "test idents in the device profile",
                         where);
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
      return make_errorf("bad_input", "{}: a measured point without a level", where);
    }
    if (tp.status == PointStatus::no_response && !p.threshold_db_hl) {
      tp.level_db_hl = range.max_at(p.frequency_hz);
    } else if (p.threshold_db_hl) {
      const double v = *p.threshold_db_hl;
      if (std::floor(v) != v || std::abs(v) > 1000.0) {
        return make_errorf("level_off_step",
                           "{}: {} dB HL is not a whole level on the audiometer's 5 dB step", where,
                           std::to_string(v));
      }
      tp.level_db_hl = static_cast<int>(v);
    }
    ThresholdCurve& curve = out.audiogram.ear(ear).curve(t);
    if (curve.count(p.frequency_hz) != 0) {
      return make_errorf("duplicate_point",
                         "{} appears twice in the record; the station keeps one value per ear, "
                         "transducer and frequency",
                         where);
    }
    curve[p.frequency_hz] = tp;
  }
  // Bone versus air (a configured margin) is checked where the station stores it.
  if (auto v = validate(out.audiogram, range, {std::nullopt}); !v) {
    return make_errorf(v.error().code, "{}: {}", from, v.error());
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
    return make_errorf("bad_record",
                       "TM262 data, byte {}: {} ({} problem(s) in the file; nothing imported)",
                       e.offset, e.message, batch.errors.size());
  }
  codec::Audiogram merged;
  std::map<codec::Ear, std::string> seen;  // ear → record text
  std::string sources;
  for (const auto& rec : batch.frames) {
    if (rec.type != 'y' || rec.duplicate) continue;
    const codec::Ear ear = *rec.ear;
    if (auto it = seen.find(ear); it != seen.end()) {
      if (it->second == rec.text) continue;
      return make_errorf("duplicate_point",
                         "TM262 data holds two different audiometry records for the {} ear; "
                         "export one test (one record per ear)",
                         word_of(ear));
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
    return make_errorf("bad_record",
                       "GSI 61 data, byte {}: {} ({} problem(s) in the file; nothing imported)",
                       e.offset, e.message, batch.errors.size());
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

namespace {

// GDT dates are TTMMJJJJ (GDT 2.1 §4, fields 3103 and 6200) → YYYY-MM-DD; "" for "".
Result<std::string> gdt_date(const codec::gdt::Record& r, int field, const Error& what) {
  std::string s = r.get(field);
  while (!s.empty() && s.back() == ' ') s.pop_back();
  if (s.empty()) return std::string();
  const bool digits =
      s.size() == 8 && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (digits) {
    const int d = std::stoi(s.substr(0, 2));
    const unsigned m = static_cast<unsigned>(std::stoi(s.substr(2, 2)));
    const int y = std::stoi(s.substr(4, 4));
    const std::chrono::year_month_day ymd{std::chrono::year(y), std::chrono::month(m),
                                          std::chrono::day(static_cast<unsigned>(d))};
    if (ymd.ok() && y >= 1900) return s.substr(4, 4) + "-" + s.substr(2, 2) + "-" + s.substr(0, 2);
  }
  return make_errorf("bad_record", "GDT file: field {} ({}) must be a date TTMMJJJJ, not \"{}\"",
                     field, what, s);
}

std::string trimmed(std::string s) {
  const auto b = s.find_first_not_of(' ');
  if (b == std::string::npos) return {};
  const auto e = s.find_last_not_of(' ');
  return s.substr(b, e - b + 1);
}

// "A, B" of two parts of a message (an empty first part: the second alone).
Error joined(const std::optional<Error>& a, const Error& b) {
  return a ? make_errorf({}, "{}, {}", *a, b) : b;
}

// "number 1234, SURNAME, First, born 1980-01-31" (the fields there are), as a message.
Error describe(const std::string& id, const std::string& surname, const std::string& first,
               const std::string& birth) {
  std::optional<Error> s;
  if (!id.empty()) s = make_errorf({}, "number {}", id);
  if (!surname.empty() || !first.empty())
    s = joined(s, error_text::arg(surname + (first.empty() ? "" : ", " + first)));
  if (!birth.empty()) s = joined(s, make_errorf({}, "born {}", birth));
  return s ? *s : make_error({}, "(no patient fields)");
}

}  // namespace

std::string identity_fold(std::string_view name) {
  static const std::pair<std::string_view, char> kFold[] = {
      {"ç", 'c'}, {"Ç", 'c'}, {"ğ", 'g'}, {"Ğ", 'g'}, {"ı", 'i'}, {"İ", 'i'},
      {"ö", 'o'}, {"Ö", 'o'}, {"ş", 's'}, {"Ş", 's'}, {"ü", 'u'}, {"Ü", 'u'},
      {"â", 'a'}, {"Â", 'a'}, {"î", 'i'}, {"Î", 'i'}, {"û", 'u'}, {"Û", 'u'}};
  std::string out;
  bool space = false;
  for (std::size_t i = 0; i < name.size();) {
    bool folded = false;
    for (const auto& [from, to] : kFold) {
      if (name.substr(i, from.size()) == from) {
        if (space) out += ' ';
        out += to;
        i += from.size();
        folded = true;
        break;
      }
    }
    if (folded) {
      space = false;
      continue;
    }
    const char c = name[i++];
    if (c == ' ' || c == '\t') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  return out;
}

Result<void> check_record_patient(const RecordPatient& record, const WorkerIdentity& worker) {
  for (const auto& [value, what] :
       {std::pair{&record.surname, make_error({}, "the record's field 3101 (surname)")},
        std::pair{&record.first_name, make_error({}, "the record's field 3102 (first name)")},
        std::pair{&record.patient_id,
                  make_error({}, "the record's field 3000 (patient number)")}}) {
    if (auto t = text::check_free_text(*value, what.message, {text::kMaxNameChars, false}); !t) {
      return t.error();
    }
  }
  const Error theirs =
      describe(record.patient_id, record.surname, record.first_name, record.birth_date);
  const Error ours =
      describe(worker.registry_no, worker.last_name, worker.first_name, worker.birth_date);
  if (record.patient_id.empty() && record.surname.empty() && record.birth_date.empty()) {
    return make_error("patient_unknown",
                      "the record names no patient (no 3000 number, 3101 surname or 3103 birth "
                      "date), so it cannot be told apart from another patient's; export it again "
                      "with the patient fields, or enter the audiogram by hand");
  }
  std::optional<Error> differ;
  auto add = [&](const Error& what) { differ = joined(differ, what); };
  if (!record.patient_id.empty() && record.patient_id != worker.registry_no &&
      record.patient_id != worker.tc_kimlik) {
    add(make_error({}, "patient number (3000)"));
  }
  if (!record.surname.empty() && identity_fold(record.surname) != identity_fold(worker.last_name))
    add(make_error({}, "surname (3101)"));
  if (!record.first_name.empty() &&
      identity_fold(record.first_name) != identity_fold(worker.first_name)) {
    add(make_error({}, "first name (3102)"));
  }
  if (!record.birth_date.empty() && record.birth_date != worker.birth_date)
    add(make_error({}, "birth date (3103)"));
  if (differ) {
    return make_errorf("patient_mismatch",
                       "the record is of another patient — record: {}; worker {}: {} (differs in "
                       "{}); nothing was stored: check --worker, or the file",
                       theirs, worker.registry_no, ours, *differ);
  }
  return {};
}

Result<ImportedAudiogram> import_gdt_bytes(const std::vector<std::uint8_t>& bytes) {
  auto rec = codec::gdt::parse(codec::ByteSpan(bytes.data(), bytes.size()));
  if (!rec) return make_errorf("bad_record", "GDT file: {}", rec.error().message);
  auto dev = codec::gdt::audiogram(rec.value());
  if (!dev) return make_errorf("no_audiogram", "GDT file: {}", dev.error().message);
  auto birth = gdt_date(rec.value(), 3103, make_error({}, "birth date"));
  if (!birth) return birth.error();
  auto tested = gdt_date(rec.value(), 6200, make_error({}, "date of the examination"));
  if (!tested) return tested.error();
  auto out = import_audiogram(dev.value());
  if (!out) return out;
  out->patient = RecordPatient{trimmed(rec.value().get(3000)), trimmed(rec.value().get(3101)),
                               trimmed(rec.value().get(3102)), *birth};
  out->test_date = *tested;
  return out;
}

}  // namespace odyo::audiometry
