#include "station/audiometry/audiogram_json.hpp"

#include <cmath>
#include <fstream>
#include <sstream>

#include "analysis/core/error_text.hpp"
#include "station/core/input.hpp"

namespace odyo::station {

namespace au = audiometry;
using nlohmann::json;

namespace {

constexpr int kDefaultNrLevelDbHl = 120;  // "NR" without a level: the usual audiometer maximum

// A level: whole dB HL, "NR" or "NR@<max>".
Result<void> read_level(const json& value, const std::string& where, au::ThresholdPoint& p) {
  if (value.is_number_integer()) {
    // Whole numbers far beyond any audiometer are refused here, before they could wrap around
    // in an int; validate() then checks the device range and step.
    const auto level = json_int_in(value, -1000, 1000);
    if (!level) {
      return make_errorf("level_out_of_range", "{}: {} dB HL is not a hearing level", where,
                         value.dump());
    }
    p.level_db_hl = *level;
    return {};
  }
  if (value.is_number()) {
    const double v = value.get<double>();
    if (std::floor(v) != v || std::abs(v) > 1000.0) {
      return make_errorf("level_off_step", "{}: {} dB HL is not on the 5 dB step of audiometers",
                         where, value.dump());
    }
    p.level_db_hl = static_cast<int>(v);
    return {};
  }
  if (value.is_string() && value.get<std::string>().rfind("NR", 0) == 0) {
    const std::string s = value.get<std::string>();
    p.status = au::PointStatus::no_response;
    p.level_db_hl = kDefaultNrLevelDbHl;
    if (s.size() > 2) {
      std::size_t n = 0;
      int lv = 0;
      const std::string tail = s.substr(2, 1) == "@" ? s.substr(3) : std::string();
      try {
        lv = std::stoi(tail, &n);
      } catch (const std::exception&) {
        n = 0;
      }
      if (tail.empty() || n != tail.size()) {
        return make_errorf("bad_input", "{}: \"{}\" — write \"NR\" or \"NR@<max dB HL>\"", where,
                           s);
      }
      p.level_db_hl = lv;
    }
    return {};
  }
  return make_errorf("bad_input", "{}: {} is not a level; write a number in dB HL or \"NR\"", where,
                     value.dump());
}

Result<au::ThresholdCurve> read_curve(const json& j, const std::string& where,
                                      au::Provenance provenance) {
  if (!j.is_object()) {
    return make_errorf("bad_input",
                       "{} must be an object of frequency → dB HL, e.g. "
                       "{{\"500\": 25, \"1000\": \"NR\"}}",
                       where);
  }
  au::ThresholdCurve c;
  for (const auto& [key, value] : j.items()) {
    std::size_t used = 0;
    int hz = 0;
    try {
      hz = std::stoi(key, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used == 0 || used != key.size()) {
      return make_errorf("unknown_frequency", "{}: \"{}\" is not a frequency in Hz (e.g. \"1000\")",
                         where, key);
    }
    const std::string at = where + " " + key + " Hz";
    au::ThresholdPoint p;
    p.provenance = provenance;
    if (value.is_object()) {
      for (const auto& [k, v] : value.items()) {
        if (k != "level_db_hl" && k != "masking_db_hl") {
          return make_errorf("bad_input",
                             "{}: unknown field \"{}\"; a point object has level_db_hl and "
                             "masking_db_hl",
                             at, k);
        }
      }
      if (!value.contains("level_db_hl")) {
        return make_errorf("bad_input", "{}: a point object needs \"level_db_hl\"", at);
      }
      if (auto r = read_level(value["level_db_hl"], at, p); !r) return r.error();
      if (value.contains("masking_db_hl")) {
        const json& m = value["masking_db_hl"];
        const auto masking = json_int_in(m, -1000, 1000);
        if (!masking) {
          return make_errorf("level_off_step",
                             "{}: masking level {} is not a whole dB HL on the 5 dB step", at,
                             m.dump());
        }
        p.masking_db_hl = *masking;
      }
    } else if (auto r = read_level(value, at, p); !r) {
      return r.error();
    }
    c[hz] = p;
  }
  return c;
}

}  // namespace

Result<TypedAudiogram> parse_typed_audiogram(const json& j, const std::string& who,
                                             au::Provenance provenance) {
  if (!j.is_object()) {
    return make_errorf("bad_input",
                       "{} is not a JSON object; expected {{\"age\":…, \"sex\":\"M\", "
                       "\"right\":{{\"500\":25, …}}, \"left\":{{…}}}}",
                       who);
  }
  for (const auto& [k, v] : j.items()) {
    if (k != "age" && k != "sex" && k != "right" && k != "left" && k != "bone") {
      return make_errorf("bad_input",
                         "{}: unknown field \"{}\"; allowed: age, sex, right, left, bone", who, k);
    }
  }
  TypedAudiogram in;
  for (au::Ear e : {au::Ear::right, au::Ear::left}) {
    const std::string ear(au::to_string(e));
    if (!j.contains(ear)) {
      return make_errorf("missing_ear",
                         "{}: the \"{}\" ear is missing; give both ears' air-conduction thresholds",
                         who, ear);
    }
    auto c = read_curve(j[ear], who + ": " + ear, provenance);
    if (!c) return c.error();
    in.audiogram.ear(e).air = std::move(*c);
  }
  if (j.contains("bone") && !j["bone"].is_null()) {
    const json& b = j["bone"];
    if (!b.is_object()) {
      return make_errorf("bad_input",
                         "{}: \"bone\" must be {{\"right\": {{…}}, \"left\": {{…}}}} (either ear)",
                         who);
    }
    for (const auto& [k, v] : b.items()) {
      if (k != "right" && k != "left") {
        return make_errorf("bad_input", "{}: bone: unknown ear \"{}\"; use right, left", who, k);
      }
      auto c = read_curve(v, who + ": bone " + k, provenance);
      if (!c) return c.error();
      in.audiogram.ear(k == "right" ? au::Ear::right : au::Ear::left).bone = std::move(*c);
    }
  }
  if (j.contains("age") && !j["age"].is_null()) {
    const json& a = j["age"];
    const auto age = json_int_in(a, 0, 120);
    if (!age) {
      return make_errorf("bad_age", "{}: age must be whole years 0…120, not {}", who, a.dump());
    }
    in.age_years = *age;
  }
  if (j.contains("sex") && !j["sex"].is_null()) {
    const json& s = j["sex"];
    if (s == "M") {
      in.sex = au::Sex::male;
    } else if (s == "F") {
      in.sex = au::Sex::female;
    } else {
      return make_errorf("bad_sex", "{}: sex must be \"M\" or \"F\", not {}", who, s.dump());
    }
  }
  // The bone-versus-air margin is configured ([audiometry].max_bone_above_air_db): checked where
  // the audiogram is analysed or stored (record_audiogram_exam), not here.
  if (auto v = au::validate(in.audiogram, {}, {std::nullopt}); !v) {
    return make_errorf(v.error().code, "{}: {}", who, v.error());
  }
  return in;
}

Result<TypedAudiogram> read_typed_audiogram(const std::string& path, const std::string& role,
                                            au::Provenance provenance) {
  auto text = read_input_file(path);
  if (!text) return text.error();
  return parse_typed_audiogram_text(*text, role + " " + path, provenance);
}

Result<TypedAudiogram> parse_typed_audiogram_text(std::string_view text, const std::string& who,
                                                  au::Provenance provenance) {
  auto parsed = parse_json_strict(text, who);
  if (!parsed && parsed.error().code == "json_duplicate_key") return parsed.error();
  json j = parsed ? std::move(*parsed) : json();
  if (!parsed) {
    return make_errorf("bad_input",
                       "{} is not a JSON object; expected {{\"age\":…, \"sex\":\"M\", "
                       "\"right\":{{\"500\":25, …}}, \"left\":{{…}}}}",
                       who);
  }
  return parse_typed_audiogram(j, who, provenance);
}

json stored_curve_json(const au::ThresholdCurve& c) {
  json j = json::object();
  for (const auto& [hz, p] : c) {
    json pt = {{"status", std::string(au::to_string(p.status))},
               {"level_db_hl", p.level_db_hl},
               {"provenance", std::string(au::to_string(p.provenance))}};
    if (p.masking_db_hl) pt["masking_db_hl"] = *p.masking_db_hl;
    if (p.masked()) pt["masked"] = true;
    j[std::to_string(hz)] = pt;
  }
  return j;
}

json stored_audiogram_json(const au::Audiogram& a) {
  json j = {{"right", stored_curve_json(a.right.air)}, {"left", stored_curve_json(a.left.air)}};
  if (!a.right.bone.empty() || !a.left.bone.empty()) {
    j["bone"] = {{"right", stored_curve_json(a.right.bone)},
                 {"left", stored_curve_json(a.left.bone)}};
  }
  return j;
}

namespace {
Result<au::ThresholdCurve> curve_from_stored(const json& j, const std::string& where) {
  au::ThresholdCurve c;
  if (!j.is_object()) return make_errorf("stored_invalid", "{} is not an object", where);
  for (const auto& [key, v] : j.items()) {
    au::ThresholdPoint p;
    int hz = 0;
    try {
      hz = std::stoi(key);
    } catch (const std::exception&) {
      return make_errorf("stored_invalid", "{}: \"{}\" is not a frequency", where, key);
    }
    if (!v.is_object() || !v.contains("level_db_hl") || !v["level_db_hl"].is_number_integer()) {
      return make_errorf("stored_invalid", "{} {} Hz has no level_db_hl", where, key);
    }
    p.level_db_hl = v["level_db_hl"].get<int>();
    const std::string status = v.value("status", std::string("measured"));
    p.status = status == "no_response"  ? au::PointStatus::no_response
               : status == "not_tested" ? au::PointStatus::not_tested
                                        : au::PointStatus::measured;
    const std::string prov = v.value("provenance", std::string("automated"));
    p.provenance = prov == "manual"     ? au::Provenance::manual
                   : prov == "imported" ? au::Provenance::imported
                                        : au::Provenance::automated;
    if (v.contains("masking_db_hl") && v["masking_db_hl"].is_number_integer()) {
      p.masking_db_hl = v["masking_db_hl"].get<int>();
    } else if (v.value("masked", false)) {
      p.masked_level_unknown = true;
    }
    c[hz] = p;
  }
  return c;
}
}  // namespace

Result<au::Audiogram> audiogram_from_stored(const json& j) {
  if (!j.is_object() || !j.contains("right") || !j.contains("left")) {
    return make_error("stored_invalid", "the stored result has no audiogram (right, left)");
  }
  au::Audiogram a;
  for (au::Ear e : {au::Ear::right, au::Ear::left}) {
    const std::string ear(au::to_string(e));
    auto c = curve_from_stored(j[ear], "audiogram " + ear);
    if (!c) return c.error();
    a.ear(e).air = std::move(*c);
    if (j.contains("bone") && j["bone"].contains(ear)) {
      auto b = curve_from_stored(j["bone"][ear], "audiogram bone " + ear);
      if (!b) return b.error();
      a.ear(e).bone = std::move(*b);
    }
  }
  return a;
}

}  // namespace odyo::station
