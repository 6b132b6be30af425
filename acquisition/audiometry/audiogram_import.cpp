#include "acquisition/audiometry/audiogram_import.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <string>
#include <utility>

#include "acquisition/devices/result_records.hpp"
#include "analysis/core/text.hpp"
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
  // Bone versus air (a configured margin) is checked where the station stores it.
  if (auto v = validate(out.audiogram, range, {std::nullopt}); !v) {
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

namespace {

// GDT dates are TTMMJJJJ (GDT 2.1 §4, fields 3103 and 6200) → YYYY-MM-DD; "" for "".
Result<std::string> gdt_date(const codec::gdt::Record& r, int field, const char* what) {
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
  return make_error("bad_record", "GDT file: field " + std::to_string(field) + " (" + what +
                                      ") must be a date TTMMJJJJ, not \"" + s + "\"");
}

std::string trimmed(std::string s) {
  const auto b = s.find_first_not_of(' ');
  if (b == std::string::npos) return {};
  const auto e = s.find_last_not_of(' ');
  return s.substr(b, e - b + 1);
}

std::string describe(const std::string& id, const std::string& surname, const std::string& first,
                     const std::string& birth) {
  std::string s;
  if (!id.empty()) s += "number " + id;
  if (!surname.empty() || !first.empty())
    s += (s.empty() ? "" : ", ") + surname + (first.empty() ? "" : ", " + first);
  if (!birth.empty()) s += (s.empty() ? "born " : ", born ") + birth;
  return s.empty() ? std::string("(no patient fields)") : s;
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
  for (const auto& [value, what] : {std::pair{&record.surname, "field 3101 (surname)"},
                                    std::pair{&record.first_name, "field 3102 (first name)"},
                                    std::pair{&record.patient_id, "field 3000 (patient number)"}}) {
    if (auto t = text::check_free_text(*value, std::string("the record's ") + what,
                                       {text::kMaxNameChars, false});
        !t) {
      return t.error();
    }
  }
  const std::string theirs =
      describe(record.patient_id, record.surname, record.first_name, record.birth_date);
  const std::string ours =
      describe(worker.registry_no, worker.last_name, worker.first_name, worker.birth_date);
  if (record.patient_id.empty() && record.surname.empty() && record.birth_date.empty()) {
    return make_error("patient_unknown",
                      "the record names no patient (no 3000 number, 3101 surname or 3103 birth "
                      "date), so it cannot be told apart from another patient's; export it again "
                      "with the patient fields, or enter the audiogram by hand");
  }
  std::string differ;
  auto add = [&](const char* what) { differ += (differ.empty() ? "" : ", ") + std::string(what); };
  if (!record.patient_id.empty() && record.patient_id != worker.registry_no &&
      record.patient_id != worker.tc_kimlik) {
    add("patient number (3000)");
  }
  if (!record.surname.empty() && identity_fold(record.surname) != identity_fold(worker.last_name))
    add("surname (3101)");
  if (!record.first_name.empty() &&
      identity_fold(record.first_name) != identity_fold(worker.first_name)) {
    add("first name (3102)");
  }
  if (!record.birth_date.empty() && record.birth_date != worker.birth_date)
    add("birth date (3103)");
  if (!differ.empty()) {
    return make_error("patient_mismatch", "the record is of another patient — record: " + theirs +
                                              "; worker " + worker.registry_no + ": " + ours +
                                              " (differs in " + differ +
                                              "); nothing was stored: check --worker, or the file");
  }
  return {};
}

Result<ImportedAudiogram> import_gdt_bytes(const std::vector<std::uint8_t>& bytes) {
  auto rec = codec::gdt::parse(codec::ByteSpan(bytes.data(), bytes.size()));
  if (!rec) return make_error("bad_record", "GDT file: " + rec.error().message);
  auto dev = codec::gdt::audiogram(rec.value());
  if (!dev) return make_error("no_audiogram", "GDT file: " + dev.error().message);
  auto birth = gdt_date(rec.value(), 3103, "birth date");
  if (!birth) return birth.error();
  auto tested = gdt_date(rec.value(), 6200, "date of the examination");
  if (!tested) return tested.error();
  auto out = import_audiogram(dev.value());
  if (!out) return out;
  out->patient = RecordPatient{trimmed(rec.value().get(3000)), trimmed(rec.value().get(3101)),
                               trimmed(rec.value().get(3102)), *birth};
  out->test_date = *tested;
  return out;
}

}  // namespace odyo::audiometry
