#include "analysis/audiometry/tone/levels.hpp"

#include <cmath>
#include <set>
#include <sstream>

#include "analysis/core/error_text.hpp"

namespace odyo::audiometry::tone {
namespace {

std::string hz_list(const std::vector<int>& v) {
  std::string s;
  for (int f : v) s += (s.empty() ? "" : ", ") + std::to_string(f);
  return s;
}

std::string num(double x) {
  std::ostringstream os;
  os << x;
  return os.str();
}

}  // namespace

double amplitude_from_dbfs(double dbfs) {
  return std::pow(10.0, dbfs / 20.0);
}

double dbfs_from_amplitude(double amplitude) {
  return 20.0 * std::log10(amplitude);
}

const CalibratedFrequency* find_calibrated(std::span<const CalibratedFrequency> table, Ear ear,
                                           int frequency_hz) {
  for (const auto& p : table)
    if (p.ear == ear && p.frequency_hz == frequency_hz) return &p;
  return nullptr;
}

std::vector<int> calibrated_frequencies(std::span<const CalibratedFrequency> table, Ear ear) {
  std::set<int> s;
  for (const auto& p : table)
    if (p.ear == ear) s.insert(p.frequency_hz);
  return {s.begin(), s.end()};
}

Result<LevelLimits> level_limits(std::span<const CalibratedFrequency> table, Ear ear,
                                 int frequency_hz) {
  const CalibratedFrequency* p = find_calibrated(table, ear, frequency_hz);
  if (p == nullptr)
    return make_errorf("unsupported_frequency",
                       "{} Hz is not calibrated on the {} earphone (calibrated: {} Hz); choose one "
                       "of those or calibrate it",
                       frequency_hz, word(ear), hz_list(calibrated_frequencies(table, ear)));
  // L = D − RETSPL + S
  const double hi = p->max_undistorted_dbfs - p->retspl_db + p->sensitivity_db;
  const double lo = kMinDigitalLevelDbfs - p->retspl_db + p->sensitivity_db;
  LevelLimits l;
  l.max_db_hl = std::min(kMaxLevelDbHl, 5.0 * std::floor(hi / 5.0));
  l.min_db_hl = std::max(kMinLevelDbHl, 5.0 * std::ceil(lo / 5.0));
  return l;
}

Result<TonePlan> plan_tone(std::span<const CalibratedFrequency> table, Ear ear, int frequency_hz,
                           double level_db_hl) {
  auto lim = level_limits(table, ear, frequency_hz);
  if (!lim) return lim.error();
  const Error where = make_errorf({}, "{} Hz, {} ear", frequency_hz, word(ear));
  if (!(level_db_hl >= kMinLevelDbHl))
    return make_errorf("level_out_of_range",
                       "{} dB HL is below −10 dB HL, the lowest audiometric level; use −10 dB HL "
                       "or more",
                       num(level_db_hl));
  if (level_db_hl < lim->min_db_hl)
    return make_errorf("level_out_of_range",
                       "{} dB HL at {} is below this interface's lowest calibrated level of {} dB "
                       "HL (digital floor); raise the analogue gain and recalibrate",
                       num(level_db_hl), where, num(lim->min_db_hl));
  if (!(level_db_hl <= lim->max_db_hl))
    return make_errorf("level_out_of_range",
                       "{} dB HL at {} is above the calibrated maximum of {} dB HL; present a "
                       "lower level",
                       num(level_db_hl), where, num(lim->max_db_hl));
  const CalibratedFrequency* p = find_calibrated(table, ear, frequency_hz);
  TonePlan t;
  t.level_db_hl = level_db_hl;
  t.digital_level_dbfs = digital_level_dbfs(level_db_hl, p->retspl_db, p->sensitivity_db);
  t.peak_amplitude = amplitude_from_dbfs(t.digital_level_dbfs);
  t.needs_warning = level_db_hl > kWarnAboveDbHl;
  return t;
}

}  // namespace odyo::audiometry::tone
