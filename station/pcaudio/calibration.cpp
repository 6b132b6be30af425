#include "station/pcaudio/calibration.hpp"

#include <toml++/toml.h>
#include <cmath>
#include <ctime>
#include <set>
#include <sstream>

#include "analysis/core/error_text.hpp"
#include "station/core/input.hpp"

namespace odyo::station::pcaudio {
namespace {

using namespace std::chrono;

// Reads keys of one table, keeping the first problem (with file and key) in `err`.
class Keys {
 public:
  Keys(const toml::table* t, std::string where, std::string file, std::optional<Error>& err)
      : t_(t), where_(std::move(where)), file_(std::move(file)), err_(err) {}

  std::string str(const std::string& key, bool required = true) {
    const toml::node* n = get(key, required);
    if (n == nullptr) return {};
    auto v = n->value<std::string>();
    if (!v) return fail(key, make_error("", "must be a string")), std::string{};
    if (required && v->empty())
      return fail(key, make_error("", "must not be empty")), std::string{};
    return *v;
  }
  std::optional<double> num(const std::string& key, bool required, double lo, double hi) {
    const toml::node* n = get(key, required);
    if (n == nullptr) return std::nullopt;
    auto v = n->value<double>();
    if (!v) return fail(key, make_error("", "must be a number")), std::nullopt;
    if (!(*v >= lo && *v <= hi)) {
      std::ostringstream value;
      value << *v;
      return fail(key, make_errorf("", "is {}, allowed {} … {}", value.str(), lo, hi)),
             std::nullopt;
    }
    return v;
  }
  std::optional<std::int64_t> integer(const std::string& key, bool required) {
    const toml::node* n = get(key, required);
    if (n == nullptr) return std::nullopt;
    auto v = n->value_exact<std::int64_t>();
    if (!v) return fail(key, make_error("", "must be an integer")), std::nullopt;
    return v;
  }
  const toml::table* table(const std::string& key) {
    const toml::node* n = get(key, true);
    if (n == nullptr) return nullptr;
    if (n->as_table() == nullptr) return fail(key, make_error("", "must be a table")), nullptr;
    return n->as_table();
  }
  const toml::node* get(const std::string& key, bool required) {
    if (t_ == nullptr) return nullptr;
    const toml::node* n = t_->get(key);
    if (n == nullptr && required) fail(key, make_error("", "is missing"));
    return n;
  }
  // `what` follows the key's name: "is missing", "must be a number", …
  void fail(const std::string& key, const Error& what,
            const std::string& code = "calibration_invalid") {
    if (err_) return;
    const std::string name = where_.empty() ? key : where_ + "." + key;
    err_ = make_errorf(
        code, "{}: {} {}; correct the calibration file (or re-run `odyospiro audio calibrate`)",
        file_, name, what);
  }

 private:
  const toml::table* t_;
  std::string where_;
  std::string file_;
  std::optional<Error>& err_;
};

year_month_day ymd_of(const toml::date& d) {
  return year_month_day{year{d.year}, month{d.month}, day{d.day}};
}

std::string hz_list(const std::vector<int>& v) {
  std::string s;
  for (int f : v) s += (s.empty() ? "" : ", ") + std::to_string(f);
  return s;
}

}  // namespace

std::string to_iso(year_month_day d) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(d.year()),
                static_cast<unsigned>(d.month()), static_cast<unsigned>(d.day()));
  return buf;
}

year_month_day today_local() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  localtime_r(&t, &tm);
  return year_month_day{year{tm.tm_year + 1900}, month{static_cast<unsigned>(tm.tm_mon + 1)},
                        day{static_cast<unsigned>(tm.tm_mday)}};
}

const CalibrationPoint* Calibration::point(Ear channel, int frequency_hz) const {
  for (const auto& p : points)
    if (p.channel == channel && p.frequency_hz == frequency_hz) return &p;
  return nullptr;
}

std::vector<int> Calibration::frequencies(Ear channel) const {
  std::set<int> s;
  for (const auto& p : points)
    if (p.channel == channel) s.insert(p.frequency_hz);
  return {s.begin(), s.end()};
}

std::vector<audiometry::tone::CalibratedFrequency> Calibration::levels() const {
  std::vector<audiometry::tone::CalibratedFrequency> v;
  v.reserve(points.size());
  for (const auto& p : points)
    v.push_back({p.channel, p.frequency_hz, p.sensitivity_db, p.retspl_db, p.max_undistorted_dbfs});
  return v;
}

std::string Calibration::pair_id() const {
  return interface_serial + "/" + left.serial + "/" + right.serial;
}

Result<Calibration> load_calibration(const std::filesystem::path& file, year_month_day today) {
  const std::string fname = file.string();
  toml::table root;
  try {
    if (!std::filesystem::exists(file))
      return make_errorf(
          "calibration_missing",
          "calibration file {} does not exist: give the file made by `odyospiro audio calibrate`",
          fname);
    auto text = read_input_file(file);
    if (!text) {
      Error e = text.error();
      e.code = "calibration_invalid";
      return e;
    }
    root = toml::parse(*text, fname);
  } catch (const toml::parse_error& e) {
    return make_errorf("calibration_invalid", "{}:{}: not valid TOML ({}); correct the file", fname,
                       e.source().begin.line, verbatim(e.description()));
  }
  std::optional<Error> err;
  Calibration c;
  c.file = file;
  Keys top(&root, "", fname, err);
  const auto schema = top.integer("schema_version", true);
  if (schema && *schema != 1)
    top.fail("schema_version", make_errorf("", "is {}; this station reads version 1", *schema));
  if (const toml::node* ex = top.get("example", false)) {
    if (auto b = ex->value<bool>())
      c.example = *b;
    else
      top.fail("example", make_error("", "must be true or false"));
  }
  c.example_note = top.str("example_note", false);
  const std::string retspl_file = top.str("retspl_file");

  const toml::table* cal_t = top.table("calibration");
  Keys cal(cal_t, "calibration", fname, err);
  if (const toml::node* d = cal.get("date", true)) {
    if (auto v = d->value<toml::date>()) {
      c.date = ymd_of(*v);
      if (!c.date.ok()) cal.fail("date", make_error("", "is not a calendar date"));
    } else {
      cal.fail("date", make_error("", "must be a TOML date (YYYY-MM-DD, no quotes)"));
    }
  }
  c.technician = cal.str("technician");
  c.software_version = cal.str("software_version", false);
  if (const std::string ref = cal.str("reference_level"); !err && ref != "peak")
    cal.fail("reference_level",
             make_errorf("", "is \"{}\"; digital levels must be stated as \"peak\" dBFS", ref));

  const toml::table* if_t = top.table("interface");
  Keys itf(if_t, "interface", fname, err);
  c.interface_model = itf.str("model");
  c.interface_serial = itf.str("serial");
  c.usb_id = itf.str("usb_id", false);
  c.alsa_pcm = itf.str("alsa_pcm");
  c.mixer_state = itf.str("mixer_state");
  if (auto v = itf.integer("sample_rate_hz", true)) {
    c.sample_rate_hz = static_cast<int>(*v);
    if (!err && c.sample_rate_hz != 48000)
      itf.fail("sample_rate_hz", make_errorf("", "is {}; the station plays at 48000 Hz", *v));
  }
  if (auto v = itf.integer("bits", true)) {
    c.bits = static_cast<int>(*v);
    if (!err && c.bits != 24 && c.bits != 32)
      itf.fail("bits",
               make_errorf("", "is {}; use 24 or 32 (16 bits is too coarse near 0 dB HL)", *v));
  }
  if (auto v = itf.integer("channels", true)) {
    c.channels = static_cast<int>(*v);
    if (!err && c.channels != 2)
      itf.fail("channels",
               make_errorf("",
                           "is {}; an audiometer calibration has exactly 2 channels (left and "
                           "right earphone)",
                           *v),
               "calibration_channel_count");
  }

  const toml::table* ear_t = top.table("earphones");
  Keys ears(ear_t, "earphones", fname, err);
  for (Ear e : {Ear::left, Ear::right}) {
    const std::string side{audiometry::to_string(e)};
    Keys k(ears.table(side), "earphones." + side, fname, err);
    EarphoneInfo info{k.str("model"), k.str("serial"), k.str("transducer"), k.str("coupler")};
    (e == Ear::left ? c.left : c.right) = info;
  }
  if (const toml::node* eq = top.get("equipment", true); eq != nullptr && eq->as_table()) {
    Keys k(eq->as_table(), "equipment", fname, err);
    c.artificial_ear = k.str("artificial_ear");
    c.sound_level_meter = k.str("sound_level_meter");
    c.acoustic_calibrator = k.str("acoustic_calibrator");
  }
  if (const toml::node* env = top.get("environment", false); env != nullptr) {
    Keys k(env->as_table(), "environment", fname, err);
    c.temperature_c = k.num("temperature_c", false, 15.0, 35.0);
    c.humidity_percent = k.num("humidity_percent", false, 30.0, 90.0);
    c.pressure_kpa = k.num("pressure_kpa", false, 98.0, 104.0);
  }
  if (const toml::node* tone = top.get("tone", false); tone != nullptr) {
    Keys k(tone->as_table(), "tone", fname, err);
    auto& s = c.tone_shape;
    s.ramp_ms = k.num("ramp_ms", false, audiometry::tone::kMinRampMs, audiometry::tone::kMaxRampMs)
                    .value_or(s.ramp_ms);
    s.pulse_plateau_ms = k.num("pulse_plateau_ms", false, 0.0, 1000.0).value_or(s.pulse_plateau_ms);
    s.pulse_gap_ms = k.num("pulse_gap_ms", false, 0.0, 1000.0).value_or(s.pulse_gap_ms);
    s.warble_deviation =
        k.num("warble_deviation_percent", false, 0.1, 10.0).value_or(s.warble_deviation * 100.0) /
        100.0;
    s.warble_rate_hz = k.num("warble_rate_hz", false, 2.0, 20.0).value_or(s.warble_rate_hz);
  }
  if (err) return *err;

  // RETSPL table named by the file, relative to the calibration file's folder.
  std::filesystem::path rp = retspl_file;
  if (rp.is_relative()) rp = file.parent_path() / rp;
  auto table = RetsplTable::load(rp);
  if (!table) return table.error();
  c.retspl = std::move(*table);
  for (Ear e : {Ear::left, Ear::right}) {
    const auto& ep = c.earphone(e);
    if (!c.retspl.has_transducer(ep.transducer, ep.coupler))
      return make_errorf("unknown_transducer",
                         "{}: earphones.{} names transducer \"{}\" on coupler \"{}\", which has no "
                         "reference levels in {}; use a transducer/coupler pair listed there",
                         fname, std::string(audiometry::to_string(e)), ep.transducer, ep.coupler,
                         rp.string());
  }

  const toml::node* pts = top.get("points", true);
  const toml::array* arr = pts != nullptr ? pts->as_array() : nullptr;
  if (arr == nullptr || arr->empty())
    return make_errorf(
        "calibration_invalid",
        "{}: [[points]] is missing: a calibration needs one point per channel and frequency",
        fname);
  std::size_t i = 0;
  for (const auto& el : *arr) {
    ++i;
    const std::string where = "points[" + std::to_string(i) + "]";
    Keys k(el.as_table(), where, fname, err);
    if (el.as_table() == nullptr) {
      k.fail("", make_error("", "must be a table"));
      break;
    }
    CalibrationPoint p;
    const std::string ch = k.str("channel");
    if (ch == "left")
      p.channel = Ear::left;
    else if (ch == "right")
      p.channel = Ear::right;
    else if (!err)
      k.fail("channel",
             make_errorf("", "is \"{}\"; a stereo interface has only \"left\" and \"right\"", ch),
             "calibration_channel_count");
    p.frequency_hz = static_cast<int>(k.integer("frequency_hz", true).value_or(0));
    p.digital_level_dbfs = k.num("digital_level_dbfs", true, -140.0, 0.0).value_or(0);
    p.measured_spl_db = k.num("measured_spl_db", true, -20.0, 160.0).value_or(0);
    p.max_undistorted_dbfs = k.num("max_undistorted_dbfs", true, -140.0, 0.0).value_or(0);
    p.measured_hz = k.num("measured_hz", false, 1.0, 30000.0);
    p.thd_percent = k.num("thd_percent", false, 0.0, 100.0);
    p.noise_floor_db_spl = k.num("noise_floor_db_spl", false, -40.0, 160.0);
    if (err) return *err;
    if (p.frequency_hz < audiometry::tone::kMinFrequencyHz ||
        p.frequency_hz > audiometry::tone::kMaxFrequencyHz)
      return make_errorf("calibration_invalid", "{}: {}.frequency_hz {} is outside 125–16000 Hz",
                         fname, where, p.frequency_hz);
    if (c.point(p.channel, p.frequency_hz) != nullptr)
      return make_errorf("calibration_invalid",
                         "{}: {} repeats {} {} Hz; keep one point per channel and frequency", fname,
                         where, ch, p.frequency_hz);
    if (p.measured_hz && std::abs(*p.measured_hz - p.frequency_hz) > 0.01 * p.frequency_hz)
      return make_errorf("calibration_frequency_error",
                         "{}: {} measured {} Hz for {} Hz, outside ±1 % (ANSI S3.6 type 1); have "
                         "the interface checked",
                         fname, where, std::to_string(*p.measured_hz), p.frequency_hz);
    if (p.thd_percent && *p.thd_percent > 2.5)
      return make_errorf(
          "calibration_distortion",
          "{}: {} THD {} % exceeds 2.5 % (air conduction); lower the gain or repair the chain",
          fname, where, std::to_string(*p.thd_percent));
    const auto& ep = c.earphone(p.channel);
    auto r = c.retspl.lookup(ep.transducer, ep.coupler, p.frequency_hz);
    if (!r)
      return make_errorf("retspl_missing_frequency",
                         "{}: no RETSPL for {} on {} at {} Hz in {}; add the value from the "
                         "purchased standard or remove the point",
                         fname, ep.transducer, ep.coupler, p.frequency_hz, rp.string());
    p.retspl_db = *r;
    p.sensitivity_db = audiometry::tone::sensitivity_db(p.measured_spl_db, p.digital_level_dbfs);
    c.points.push_back(p);
  }
  for (Ear e : {Ear::left, Ear::right}) {
    std::vector<int> missing;
    for (int f : kRequiredFrequenciesHz)
      if (c.point(e, f) == nullptr) missing.push_back(f);
    for (int f : c.frequencies(audiometry::other(e)))
      if (c.point(e, f) == nullptr && std::find(missing.begin(), missing.end(), f) == missing.end())
        missing.push_back(f);
    if (!missing.empty())
      return make_errorf("calibration_missing_frequency",
                         "{}: the {} channel has no calibration point at {} Hz (required on both "
                         "channels: 250–8000 Hz test frequencies and any frequency calibrated on "
                         "the other channel); recalibrate",
                         fname, std::string(audiometry::to_string(e)), hz_list(missing));
  }
  if (sys_days{c.date} > sys_days{today})
    return make_errorf(
        "calibration_in_future",
        "{}: calibration date {} is after today ({}); check the date in the file and the station "
        "clock",
        fname, to_iso(c.date), to_iso(today));
  return c;
}

year_month_day expiry_date(const Calibration& cal, int valid_months) {
  year_month_day d = cal.date + months{valid_months};
  if (!d.ok()) d = year_month_day{year_month_day_last{d.year(), month_day_last{d.month()}}};
  return d;
}

Result<void> check_expiry(const Calibration& cal, year_month_day today, int valid_months) {
  const auto due = expiry_date(cal, valid_months);
  if (sys_days{today} > sys_days{due})
    return make_errorf("calibration_expired",
                       "{}: calibration of {} expired on {} (valid {} months); recalibrate the "
                       "earphones with `odyospiro audio calibrate`",
                       cal.file.string(), to_iso(cal.date), to_iso(due), valid_months);
  return {};
}

}  // namespace odyo::station::pcaudio
