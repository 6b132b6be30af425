#include <utility>  // first: Boost.Asio under GCC 12 -std=c++20

#include "station/app/daily_checks.hpp"

#include <filesystem>

#include "analysis/core/error_text.hpp"
#include "station/core/local_time.hpp"
#include "station/pcaudio/calibration.hpp"
#include "station/storage/database.hpp"

namespace odyo::station {
using nlohmann::json;

std::string daily_check_kind(std::string_view kind) {
  if (kind == "spirometer") return qc::kSyringeCheck;
  if (kind == "audiometer" || kind == "pc-audiometer") return qc::kListeningCheck;
  return "";
}

Result<const DeviceConfig*> device_for_test(Database& db, const StationConfig& cfg,
                                            std::string_view driver, const std::string& device_id,
                                            std::string_view check_kind) {
  const DeviceConfig* device = nullptr;
  for (const auto& d : cfg.devices)
    if (d.driver == driver && (device_id.empty() || d.id == device_id)) {
      device = &d;
      break;
    }
  const bool audiometer = driver == "fipp";
  if (device == nullptr && !device_id.empty()) {
    if (audiometer)
      return make_errorf("unknown_device",
                         "{} is not a configured FIPP audiometer ([[devices]] in station.toml)",
                         device_id);
    return make_errorf("unknown_device",
                       "{} is not a configured flow-stream spirometer ([[devices]] in "
                       "station.toml)",
                       device_id);
  }
  if (device == nullptr) {
    if (audiometer)
      return make_error("no_audiometer",
                        "no FIPP audiometer is configured ([[devices]] in station.toml)");
    return make_error("no_spirometer",
                      "no flow-stream spirometer is configured ([[devices]] in station.toml)");
  }
  if (auto c = require_check_before_test(db, device->id, check_kind); !c) return c.error();
  return device;
}

Result<void> require_check_before_test(Database& db, const std::string& device_id,
                                       std::string_view check_kind, const std::string& pair_id) {
  return qc::require_daily_check(db, device_id, std::string(check_kind), local_today_iso(),
                                 pair_id);
}

Result<SyringeStroke> measure_syringe_stroke(SpiroSessionPlan plan,
                                             const SpiroSessionHooks& hooks) {
  plan.want_manoeuvres = 1;
  plan.worker.clear();
  plan.no_store = true;
  auto cap = capture_spiro_session(plan, hooks);
  if (!cap) return cap.error();
  // Marks the journal session no_store (nothing else: plan.no_store).
  (void)store_spiro_session(plan, *cap, SpiroStoreTarget{}, hooks.log);
  const auto& ms = cap->capture.manoeuvres;
  if (ms.empty())
    return make_errorf("syringe_no_stroke",
                       "no syringe stroke was seen on {} ({}): push the syringe's full 3 L "
                       "through the flow sensor in one steady stroke, then try again",
                       plan.device_id, cap->ended.reason);
  SyringeStroke s;
  s.strokes = ms.size();
  s.journal_session = cap->capture.journal_session;
  const auto& m = ms.front();
  for (std::size_t i = 1; i < m.samples.size(); ++i) {
    s.peak_lps = std::max(s.peak_lps, m.samples[i].flow_lps);
    if (m.samples[i].flow_lps > 0)
      s.volume_l += m.samples[i].flow_lps * (m.samples[i].t_s - m.samples[i - 1].t_s);
  }
  return s;
}

namespace {

std::string reachable(const DeviceConfig& d) {
  if (d.uri.rfind("sim:", 0) == 0) return "simulated";
  std::string path;
  if (d.uri.rfind("serial:", 0) == 0) path = d.uri.substr(7);
  if (d.uri.rfind("hidraw:", 0) == 0) path = d.uri.substr(7);
  if (d.uri.rfind("gdt:", 0) == 0) path = d.uri.substr(4);
  if (path.empty()) return "not_probed";  // usb:, pc: are probed when a test opens them
  if (auto q = path.find('?'); q != std::string::npos) path.resize(q);
  std::error_code ec;
  return std::filesystem::exists(path, ec) ? "connected" : "not_connected";
}

}  // namespace

Result<std::vector<DeviceStatus>> device_status(Database& db, const StationConfig& cfg) {
  std::vector<DeviceStatus> out;
  const std::string today = local_today_iso();
  for (const auto& d : cfg.devices) {
    DeviceStatus s;
    s.device = d;
    s.reachable = reachable(d);
    s.check_kind = daily_check_kind(d.kind);
    if (!s.check_kind.empty()) {
      auto c = qc::latest_check(db, d.id, s.check_kind, today);
      if (!c) return c.error();
      s.today = *c;
    }
    if (d.kind == "pc-audiometer") {
      if (cfg.calibration_file.empty()) {
        s.calibration_problem =
            make_error("calibration_missing", "no [audiometry].calibration_file in station.toml");
      } else {
        auto cal = pcaudio::load_calibration(cfg.calibration_file, pcaudio::today_local());
        if (!cal)
          s.calibration_problem = cal.error();
        else
          s.calibration_due =
              pcaudio::to_iso(pcaudio::expiry_date(*cal, cfg.calibration_valid_months));
      }
    }
    out.push_back(std::move(s));
  }
  return out;
}

json device_status_json(const DeviceStatus& s) {
  json j{{"id", s.device.id},
         {"kind", s.device.kind},
         {"uri", s.device.uri},
         {"reachable", s.reachable},
         {"check_kind", s.check_kind.empty() ? json(nullptr) : json(s.check_kind)},
         {"today", s.today ? qc::check_json(*s.today) : json(nullptr)},
         {"ready", s.check_kind.empty() || (s.today && s.today->passed)},
         {"calibration_due", s.calibration_due ? json(*s.calibration_due) : json(nullptr)},
         {"calibration_problem",
          s.calibration_problem ? json(s.calibration_problem->message) : json(nullptr)}};
  return j;
}

}  // namespace odyo::station
