#include "station/config/config.hpp"
#include "analysis/core/error_text.hpp"
#include "station/config/outbox_settings.hpp"
#include "station/core/local_time.hpp"

#include "analysis/core/text.hpp"
#include "station/core/input.hpp"
#include "station/core/with_code.hpp"

#include <toml++/toml.h>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <set>
#include <sstream>

namespace odyo::station {
namespace {

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
}

// Reads one table of the file; remembers which keys it was asked for so that any other key is
// reported as unknown. The first problem found is kept (later ones are usually consequences).
class Reader {
 public:
  Reader(const toml::table* table, std::string where, std::string file, std::optional<Error>& err)
      : t_(table), where_(std::move(where)), file_(std::move(file)), err_(err) {}

  std::string str(const std::string& key, std::string def,
                  const std::vector<std::string>& allowed = {}, bool required = false) {
    const toml::node* n = node(key, required);
    if (n == nullptr) return def;
    auto v = n->value<std::string>();
    if (!v) return fail_type(key, *n, make_error({}, "a string")), def;
    if (auto t = text::check_free_text(*v, "the value", {text::kMaxReasonChars, false}); !t) {
      fail(key, *n, t.error());
      return def;
    }
    if (!allowed.empty() && std::find(allowed.begin(), allowed.end(), *v) == allowed.end()) {
      fail(key, *n, make_errorf({}, "\"{}\" is not allowed; allowed: {}", *v, join(allowed)));
      return def;
    }
    return *v;
  }

  int integer(const std::string& key, int def, int lo, int hi) {
    const toml::node* n = node(key, false);
    if (n == nullptr) return def;
    auto v = n->value_exact<int64_t>();
    if (!v) return fail_type(key, *n, make_error({}, "an integer")), def;
    if (*v < lo || *v > hi) {
      fail(key, *n, make_errorf({}, "{} is out of range; allowed {}..{}", *v, lo, hi));
      return def;
    }
    return static_cast<int>(*v);
  }

  double real(const std::string& key, double def, double lo, double hi) {
    const toml::node* n = node(key, false);
    if (n == nullptr) return def;
    auto v = n->value<double>();  // integers are accepted as reals
    if (!v) return fail_type(key, *n, make_error({}, "a number")), def;
    // TOML has nan and inf; a comparison with NaN is false, so test "inside" rather than
    // "outside" the range: NaN and ±inf are refused like any other value out of range.
    if (!std::isfinite(*v) || !(*v >= lo && *v <= hi)) {
      const auto shown = [](double x) {  // as a stream shows it (6 significant digits)
        std::ostringstream os;
        os << x;
        return os.str();
      };
      fail(key, *n,
           make_errorf({}, "{} is out of range; allowed {}..{}", shown(*v), shown(lo), shown(hi)));
      return def;
    }
    return *v;
  }

  bool boolean(const std::string& key, bool def) {
    const toml::node* n = node(key, false);
    if (n == nullptr) return def;
    auto v = n->value_exact<bool>();
    if (!v) return fail_type(key, *n, make_error({}, "true or false")), def;
    return *v;
  }

  std::vector<int> int_array(const std::string& key, std::vector<int> def,
                             const std::set<int>& allowed) {
    const toml::node* n = node(key, false);
    if (n == nullptr) return def;
    const auto* arr = n->as_array();
    if (arr == nullptr || arr->empty())
      return fail_type(key, *n, make_error({}, "a non-empty array of integers")), def;
    std::vector<int> out;
    for (const auto& el : *arr) {
      auto v = el.value_exact<int64_t>();
      if (!v) return fail_type(key, el, make_error({}, "an array of integers")), def;
      // Compare as 64-bit before any narrowing: 2^32 + 500 must not become 500.
      if (*v < INT32_MIN || *v > INT32_MAX || allowed.count(static_cast<int>(*v)) == 0) {
        std::string a;
        for (int x : allowed) a += (a.empty() ? "" : ", ") + std::to_string(x);
        fail(key, el, make_errorf({}, "{} is not allowed; allowed: {}", *v, a));
        return def;
      }
      out.push_back(static_cast<int>(*v));
    }
    return out;
  }

  std::vector<std::string> str_array(const std::string& key, std::vector<std::string> def) {
    const toml::node* n = node(key, false);
    if (n == nullptr) return def;
    const auto* arr = n->as_array();
    if (arr == nullptr || arr->empty())
      return fail_type(key, *n, make_error({}, "a non-empty array of strings")), def;
    std::vector<std::string> out;
    for (const auto& el : *arr) {
      auto v = el.value<std::string>();
      if (!v) return fail_type(key, el, make_error({}, "an array of strings")), def;
      if (auto t = text::check_free_text(*v, "an entry", {text::kMaxNameChars, true}); !t) {
        fail(key, el, t.error());
        return def;
      }
      out.push_back(*v);
    }
    return out;
  }

  // A key read by other code (e.g. a sub-table): not reported as unknown.
  void known(const std::string& key) { known_.insert(key); }

  // Reports every key of the table that nobody asked for.
  void finish() {
    if (t_ == nullptr) return;
    for (const auto& [k, v] : *t_) {
      if (known_.count(std::string(k.str())) == 0) {
        std::set<std::string> sorted(known_.begin(), known_.end());
        fail(std::string(k.str()), v,
             make_errorf({}, "unknown key; allowed keys here: {}",
                         join(std::vector<std::string>(sorted.begin(), sorted.end()))));
        return;
      }
    }
  }

  void fail(const std::string& key, const toml::node& n, const Error& what) {
    if (err_) return;
    const std::string place = where_ + (where_.empty() ? "" : ".") + key;
    err_ = make_errorf("config_invalid", "{}:{}: {}: {}", file_,
                       static_cast<std::int64_t>(n.source().begin.line), place, what);
  }

 private:
  const toml::node* node(const std::string& key, bool required) {
    known_.insert(key);
    if (t_ == nullptr) return nullptr;
    const toml::node* n = t_->get(key);
    if (n == nullptr && required && !err_) {
      err_ = make_errorf("config_invalid", "{}: {}.{}: missing (this key is required)", file_,
                         where_, key);
    }
    return n;
  }
  void fail_type(const std::string& key, const toml::node& n, const Error& expected) {
    std::ostringstream type_name;  // toml++'s public name of the node type ("string", ...)
    type_name << n.type();
    fail(key, n, make_errorf({}, "wrong type ({}); expected {}", type_name.str(), expected));
  }

  const toml::table* t_;
  std::string where_;
  std::string file_;
  std::optional<Error>& err_;
  std::set<std::string> known_;
};

// [export]'s outbox keys and [[export.destination]] (station/config/outbox_settings.hpp).
void read_outbox_settings(const toml::table& root, const std::string& fname,
                          std::optional<Error>& err, Reader& ex, OutboxSettings& x) {
  x.retry_initial_s = ex.real("retry_initial_s", 10.0, 0.01, 86400.0);
  x.retry_max_s = ex.real("retry_max_s", 3600.0, 0.01, 7.0 * 86400.0);
  ex.known("destination");
  if (!err && x.retry_max_s < x.retry_initial_s) {
    err = make_errorf("config_invalid",
                      "{}: [export].retry_max_s ({}) is below retry_initial_s ({}); the cap must "
                      "be at least the first delay",
                      fname, x.retry_max_s, x.retry_initial_s);
  }
  const auto* exp = root["export"].as_table();
  const toml::node* dn = exp != nullptr ? exp->get("destination") : nullptr;
  if (dn == nullptr) return;
  const auto* arr = dn->as_array();
  if (arr == nullptr) {
    ex.fail("destination", *dn,
            make_error({}, "must be an array of tables [[export.destination]]"));
    return;
  }
  std::set<std::string> ids;
  for (size_t i = 0; i < arr->size(); ++i) {
    const auto* t = (*arr)[i].as_table();
    if (t == nullptr) {
      ex.fail("destination", (*arr)[i],
              make_error({}, "each entry must be a table [[export.destination]]"));
      return;
    }
    Reader d(t, "[[export.destination]][" + std::to_string(i) + "]", fname, err);
    ExportDestination dest;
    dest.id = d.str("id", "", {}, true);
    dest.kind = d.str("kind", "", {"postgresql", "fhir", "hl7"}, true);
    dest.url = d.str("url", "", {}, true);
    if (dest.kind == "fhir" || dest.kind == "hl7") {
      dest.timeout_s = d.real("timeout_s", 30.0, 0.1, 3600.0);
      if (dest.kind == "hl7") dest.tls = d.boolean("tls", false);
      dest.ca_file = d.str("ca_file", "");
      if (auto e = destination_endpoint(dest); !e && !err) d.fail("url", *t->get("url"), e.error());
      // The CA file is only read for a TLS link; given for a plain one, it is a mistake to say.
      if (!dest.ca_file.empty() && !err) {
        auto e = destination_endpoint(dest);
        if (e && !e->tls) {
          d.fail("ca_file", *t->get("ca_file"),
                 dest.kind == "fhir"
                     ? make_error({}, "a CA file is for an https:// URL; this one is http://")
                     : make_error({}, "a CA file is for a TLS link; add tls = true"));
        }
        std::filesystem::path ca(dest.ca_file);
        if (ca.is_relative()) ca = std::filesystem::path(fname).parent_path() / ca;
        std::error_code ec;
        if (!err && !std::filesystem::is_regular_file(ca, ec)) {
          d.fail("ca_file", *t->get("ca_file"),
                 make_errorf({}, "{} is not a file", verbatim(ca.string())));
        }
        dest.ca_file = ca.string();
      }
    }
    d.finish();
    if (!err && !ids.insert(dest.id).second) {
      d.fail("id", *t->get("id"),
             make_errorf({}, "duplicate destination id \"{}\"; each needs its own id", dest.id));
    }
    x.destinations.push_back(std::move(dest));
  }
}

}  // namespace

Result<OutboxSettings> load_outbox_settings(const std::filesystem::path& file) {
  auto c = load_config(file);  // the whole file valid, the station's zone set, as for any command
  if (!c) return c.error();
  OutboxSettings out;
  if (!c->exports) return out;
  auto text = read_input_file(file);
  if (!text) return text.error();
  toml::table root;
  try {
    root = toml::parse(*text, file.string());
  } catch (const toml::parse_error&) {
    return out;  // load_config above parsed it
  }
  std::optional<Error> err;
  Reader ex(root["export"].as_table(), "[export]", file.string(), err);
  read_outbox_settings(root, file.string(), err, ex, out);
  if (err) return *err;
  return out;
}

Result<StationConfig> load_config(const std::filesystem::path& file) {
  const std::string fname = file.string();
  std::error_code ec;
  if (!std::filesystem::exists(file, ec) || std::filesystem::is_directory(file, ec)) {
    return make_errorf("config_missing",
                       "{}: configuration file not found; pass --config FILE or set "
                       "ODYOSPIRO_CONFIG",
                       fname);
  }
  auto text = read_input_file(file);
  if (!text) {
    return with_code(text.error(),
                     text.error().code == "input_missing" ? "config_missing" : "config_invalid");
  }
  toml::table root;
  try {
    root = toml::parse(*text, fname);
  } catch (const toml::parse_error& e) {
    return make_errorf("config_syntax", "{}:{}:{}: not valid TOML: {}", fname,
                       static_cast<std::int64_t>(e.source().begin.line),
                       static_cast<std::int64_t>(e.source().begin.column),
                       verbatim(e.description()));
  }

  StationConfig c;
  c.file = std::filesystem::absolute(file);
  c.config_dir = c.file.parent_path();
  std::optional<Error> err;
  // A relative data path is looked up next to the config file first, then in the read-only data
  // folder of an installation (ODYO_INSTALL_DATADIR, e.g. /usr/share/odyospiro): the same
  // station.toml works in the source tree (config/) and installed (/etc/odyospiro/).
  const auto resolve = [&](const std::string& p) {
    std::filesystem::path path(p);
    if (path.is_absolute()) return path;
    const auto beside = c.config_dir / path;
#ifdef ODYO_INSTALL_DATADIR
    std::error_code exists_ec;
    const auto shared = std::filesystem::path(ODYO_INSTALL_DATADIR) / path;
    if (!std::filesystem::exists(beside, exists_ec) && std::filesystem::exists(shared, exists_ec))
      return shared;
#endif
    return beside;
  };

  Reader top(&root, "", fname, err);
  for (const char* section :
       {"station", "spirometry", "audiometry", "rules", "security", "acquisition", "export"}) {
    const toml::node* n = root.get(section);
    if (n != nullptr && !n->is_table())
      top.fail(section, *n, make_errorf({}, "must be a table [{}]", section));
  }

  Reader st(root["station"].as_table(), "[station]", fname, err);
  c.station_name = st.str("name", "", {}, true);
  c.establishments =
      st.str_array("establishments", {"Amasra", "Armutçuk", "Kozlu", "Karadon", "Üzülmez"});
  c.establishment = st.str("establishment", "", c.establishments, true);
  c.language = st.str("language", "tr", {"tr", "en"});
  {  // relative to the config file's folder, never to the working directory
    const std::filesystem::path db = st.str("database", "odyospiro.db");
    c.database = db.is_absolute() ? db : c.config_dir / db;
  }
  c.data_group = st.str("data_group", "");
  // The zone of shown times and of "today" (storage stays UTC): checked against the tz
  // database and made the process's zone here, when the configuration is read
  // (station/core/local_time).
  const std::string zone_name = st.str("timezone", kDefaultTimeZone);
  st.finish();
  if (auto tz = set_station_time_zone(zone_name); !tz && !err)
    err = make_errorf("config_invalid", "{}: [station].timezone: {}", fname, tz.error());

  Reader sp(root["spirometry"].as_table(), "[spirometry]", fname, err);
  c.reference_equation =
      sp.str("reference_equation", "gli-global-2022", {"gli2012", "gli-global-2022", "eccs1993"});
  c.gli2012_default_ethnicity = sp.integer("gli2012_default_ethnicity", 1, 1, 5);
  c.reference_dir = resolve(sp.str("reference_dir", "reference"));
  c.min_sample_rate_hz = sp.real("min_sample_rate_hz", 100.0, 100.0, 100000.0);
  sp.finish();

  Reader au(root["audiometry"].as_table(), "[audiometry]", fname, err);
  c.speech_frequencies_hz = au.int_array("speech_frequencies_hz", {500, 1000, 2000},
                                         {250, 500, 1000, 2000, 3000, 4000, 6000, 8000});
  c.age_correction_table = au.str("age_correction_table", "osha", {"osha", "msha"});
  c.audiometry_dir = resolve(au.str("audiometry_dir", "audiometry"));
  c.calibration_file =
      resolve(au.str("calibration_file", "calibration/example-dd45-calibration.toml"));
  c.calibration_valid_months = au.integer("calibration_valid_months", 12, 1, 36);
  c.max_bone_above_air_db = au.integer("max_bone_above_air_db", 10, 0, 40);
  c.ambient_limits =
      au.str("ambient_limits", "osha-d1", {"osha-d1", "ansi-s3.1-1977-ears-covered"});
  au.finish();

  Reader ru(root["rules"].as_table(), "[rules]", fname, err);
  c.rules_dir = resolve(ru.str("dir", "rules"));
  ru.finish();

  Reader aq(root["acquisition"].as_table(), "[acquisition]", fname, err);
  c.store_retry_limit_s = aq.real("store_retry_limit_s", 60.0, 0.0, 3600.0);
  c.device_return_timeout_s = aq.real("device_return_timeout_s", 10.0, 0.5, 600.0);
  aq.finish();

  Reader se(root["security"].as_table(), "[security]", fname, err);
  c.password_min_length = se.integer("password_min_length", 10, 8, 128);
  c.pbkdf2_iterations = se.integer("pbkdf2_iterations", 200000, 10000, 10000000);
  c.max_failed_logins = se.integer("max_failed_logins", 5, 1, 100);
  c.lockout_minutes = se.integer("lockout_minutes", 15, 1, 1440);
  c.session_idle_minutes = se.real("session_idle_minutes", 15.0, 0.01, 1440.0);
  se.finish();

  if (root.get("export") != nullptr && root["export"].as_table() != nullptr) {
    Reader ex(root["export"].as_table(), "[export]", fname, err);
    ExportConfig x;
    x.station_id = ex.str("station_id", "", {}, true);
    x.identifier_system = ex.str("identifier_system", "", {}, true);
    x.patient_identifier_system = ex.str("patient_identifier_system", "", {}, true);
    x.registry_identifier_system = ex.str("registry_identifier_system", "", {}, true);
    x.practitioner_identifier_system = ex.str("practitioner_identifier_system", "", {}, true);
    x.code_system = ex.str("code_system", "", {}, true);
    x.hl7_sending_application = ex.str("hl7_sending_application", "", {}, true);
    x.hl7_sending_facility = ex.str("hl7_sending_facility", "", {}, true);
    x.hl7_receiving_application = ex.str("hl7_receiving_application", "", {}, true);
    x.hl7_receiving_facility = ex.str("hl7_receiving_facility", "", {}, true);
    x.hl7_local_coding_system = ex.str("hl7_local_coding_system", "", {}, true);
    x.hl7_patient_id_authority = ex.str("hl7_patient_id_authority", "", {}, true);
    OutboxSettings outbox;  // validated here with the rest; load_outbox_settings returns it
    read_outbox_settings(root, fname, err, ex, outbox);
    ex.finish();
    c.exports = std::move(x);
  }

  if (const toml::node* devs = root.get("devices"); devs != nullptr) {
    const auto* arr = devs->as_array();
    if (arr == nullptr) {
      top.fail("devices", *devs, make_error({}, "must be an array of tables [[devices]]"));
    } else {
      std::set<std::string> ids;
      for (size_t i = 0; i < arr->size(); ++i) {
        const auto* t = (*arr)[i].as_table();
        if (t == nullptr) {
          top.fail("devices", (*arr)[i], make_error({}, "each entry must be a table [[devices]]"));
          break;
        }
        Reader d(t, "[[devices]][" + std::to_string(i) + "]", fname, err);
        DeviceConfig dc;
        dc.id = d.str("id", "", {}, true);
        dc.kind =
            d.str("kind", "",
                  {"spirometer", "audiometer", "pc-audiometer", "response-button", "gdt"}, true);
        dc.driver = d.str("driver", "", {}, true);
        dc.uri = d.str("uri", "", {}, true);
        dc.profile = d.str("profile", "");
        d.finish();
        if (!err && !ids.insert(dc.id).second) {
          d.fail(
              "id", *t->get("id"),
              make_errorf({}, "duplicate device id \"{}\"; each device needs its own id", dc.id));
        }
        c.devices.push_back(std::move(dc));
      }
    }
  }
  for (const auto& [k, v] : root) {
    static const std::set<std::string> sections{"station",  "spirometry", "audiometry",  "rules",
                                                "security", "devices",    "acquisition", "export"};
    if (sections.count(std::string(k.str())) == 0) {
      top.fail(std::string(k.str()), v,
               make_error({},
                          "unknown section; allowed: station, spirometry, audiometry, rules, "
                          "security, acquisition, export, devices"));
      break;
    }
  }
  if (err) return *err;
  return c;
}

std::filesystem::path resolve_config_path(const std::string& explicit_path) {
  if (!explicit_path.empty()) return explicit_path;
  if (const char* env = std::getenv("ODYOSPIRO_CONFIG"); env != nullptr && *env != '\0') return env;
  return default_config_path();
}

std::filesystem::path default_config_path() {
#ifdef ODYO_INSTALL_SYSCONFDIR
  return std::filesystem::path(ODYO_INSTALL_SYSCONFDIR) / "station.toml";
#else
  return "/etc/odyospiro/station.toml";
#endif
}

}  // namespace odyo::station
