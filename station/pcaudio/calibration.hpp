#pragma once
// Calibration of one audio interface + earphone pair for the computer-driven audiometer
// (reference note pc-audiometer.md §4). A file per pair (TOML, config/calibration/): who, when,
// the interface and its mixer state, both earphones with their transducer and coupler (which
// select the RETSPL rows), the measuring chain, and per channel and frequency the digital peak
// level D (dBFS) that produced the coupler SPL M. From it: S = M − D and, for L dB HL,
// D = L + RETSPL − S, amplitude 10^(D/20).
//
// Loading validates everything that can be checked without a clock (schema, channel count,
// required frequencies on both channels, RETSPL present for each, date not in the future);
// check_expiry() is separate so that a tool can warn where a test must refuse.
// Thread-safety: immutable after load.

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "analysis/audiometry/tone/levels.hpp"
#include "analysis/audiometry/tone/tone.hpp"
#include "analysis/audiometry/types.hpp"
#include "analysis/core/result.hpp"
#include "station/pcaudio/retspl.hpp"

namespace odyo::station::pcaudio {

using audiometry::Ear;

// Frequencies a calibration must cover on both channels: the air-conduction test frequencies of
// ISO 8253-1 / DOMAIN.md §3.1. Others (125, 750, 1500 Hz, extended range) are optional.
inline constexpr int kRequiredFrequenciesHz[] = {250, 500, 1000, 2000, 3000, 4000, 6000, 8000};
struct EarphoneInfo {
  std::string model;
  std::string serial;
  std::string transducer;  // RETSPL table transducer id, e.g. "TDH-39"
  std::string coupler;     // RETSPL table coupler id
};

struct CalibrationPoint {
  Ear channel = Ear::left;
  int frequency_hz = 0;
  double digital_level_dbfs = 0.0;  // D_cal, peak
  double measured_spl_db = 0.0;     // M, read from the sound level meter
  double sensitivity_db = 0.0;      // S = M − D_cal
  double retspl_db = 0.0;           // from the RETSPL table for this channel's earphone
  double max_undistorted_dbfs = 0.0;
  std::optional<double> measured_hz;
  std::optional<double> thd_percent;
  std::optional<double> noise_floor_db_spl;
};

struct Calibration {
  std::filesystem::path file;
  int schema_version = 1;
  bool example = false;  // an example file: usable for demos and tests, never for workers
  std::string example_note;
  std::chrono::year_month_day date{};
  std::string technician;
  std::string software_version;
  // interface
  std::string interface_model;
  std::string interface_serial;
  std::string usb_id;    // VID:PID
  std::string alsa_pcm;  // PCM name the calibration was made on
  int sample_rate_hz = 48000;
  int bits = 24;
  int channels = 2;
  std::string mixer_state;
  EarphoneInfo left;
  EarphoneInfo right;
  std::string artificial_ear;
  std::string sound_level_meter;
  std::string acoustic_calibrator;
  std::optional<double> temperature_c;
  std::optional<double> humidity_percent;
  std::optional<double> pressure_kpa;
  audiometry::tone::ToneShape tone_shape{};
  std::vector<CalibrationPoint> points;
  RetsplTable retspl;

  [[nodiscard]] const EarphoneInfo& earphone(Ear e) const { return e == Ear::left ? left : right; }
  [[nodiscard]] const CalibrationPoint* point(Ear channel, int frequency_hz) const;
  [[nodiscard]] std::vector<int> frequencies(Ear channel) const;
  // The dB HL → digital level table (use with audiometry::tone::plan_tone / level_limits).
  [[nodiscard]] std::vector<audiometry::tone::CalibratedFrequency> levels() const;
  // Identifies the pair for the daily listening check: interface serial + earphone serials.
  [[nodiscard]] std::string pair_id() const;
};

// Loads and validates. `today` is the local date (for the future-date check).
Result<Calibration> load_calibration(const std::filesystem::path& file,
                                     std::chrono::year_month_day today);

// The date the calibration expires: date + valid_months (end of month if the day does not exist).
std::chrono::year_month_day expiry_date(const Calibration& cal, int valid_months);
// Error "calibration_expired" when today is after the expiry date.
Result<void> check_expiry(const Calibration& cal, std::chrono::year_month_day today,
                          int valid_months);

std::chrono::year_month_day today_local();
std::string to_iso(std::chrono::year_month_day d);

}  // namespace odyo::station::pcaudio
