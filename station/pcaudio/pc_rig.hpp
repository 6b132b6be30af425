#pragma once
// The PC audiometer as the station builds it for a test session: the calibration file loaded
// and checked (not expired, today's listening check passed for this interface + earphone pair),
// the ALSA PCM of the `pc:` device URI opened at the calibrated format, the hidraw response
// button opened, and every presented tone appended to a JSON-lines tone journal (time, ear,
// frequency, dB HL, dBFS, duration, presses with latency) so an audiogram can be re-derived.
// Any refusal is an Error saying what to do; nothing is half-open on error.
// Threading: one thread (the session's).

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <string>

#include "acquisition/pcaudiometer/pc_audiometer.hpp"
#include "analysis/core/result.hpp"
#include "drivers/audio/alsa_sink.hpp"
#include "drivers/hid/button_source.hpp"
#include "station/pcaudio/calibration.hpp"

namespace odyo::station::pcaudio {

// The response button of a device URI "hidraw:/dev/hidrawN", opened and checked (one-button
// HID descriptor). Errors: "bad_device_uri", and HidrawButton's ("device_missing", …).
Result<std::unique_ptr<drivers::hid::ButtonSource>> open_button(const std::string& uri);

// "pc:PCM" → PCM (e.g. pc:hw:1 → hw:1, pc:default → default). Error "bad_device_uri".
Result<std::string> parse_pc_uri(const std::string& uri);

struct PcRigOptions {
  std::string device_uri;                  // pc:PCM
  std::filesystem::path calibration_file;  // [audiometry].calibration_file
  int calibration_valid_months = 12;       // [audiometry].calibration_valid_months
  // Today's listening check of this interface + earphone pair (its calibration's pair id): the
  // station's daily checks in the database (station/qc/daily_checks require_daily_check). Unset:
  // the rig refuses ("listening_check_unknown"); a test is never run without asking.
  std::function<Result<void>(const std::string& pair_id)> require_listening_check;
  std::filesystem::path tone_journal;  // where presented tones are appended (JSON lines)
  std::chrono::year_month_day today{};
  bool allow_example_calibration = false;  // demos and tests only
  audiometry::tone::ToneKind kind = audiometry::tone::ToneKind::continuous;
  // The search's response rule, written into the journal so each press can be classed (and the
  // audiogram re-derived) from the journal alone.
  std::chrono::milliseconds min_reaction{100};
  std::chrono::milliseconds response_window{1500};
  // Written on every journal line, to tell one session's tones from another's in the file.
  std::string session;
  std::string worker;
};

class PcRig {
 public:
  // The button is owned by the caller (HidrawButton on a clinic PC; a test's listener).
  static Result<std::unique_ptr<PcRig>> open(const PcRigOptions& options,
                                             drivers::hid::ButtonSource& button);
  ~PcRig();
  PcRig(const PcRig&) = delete;
  PcRig& operator=(const PcRig&) = delete;

  audiometry::PcAudiometer& audiometer() { return *audiometer_; }
  [[nodiscard]] const Calibration& calibration() const { return calibration_; }
  // Writes the journal entries not yet written (the last tone's presses are complete only
  // after its response window: call at the end of the session).
  void flush();

 private:
  PcRig() = default;
  Calibration calibration_;
  std::unique_ptr<drivers::audio::AlsaSink> sink_;
  std::unique_ptr<audiometry::PcAudiometer> audiometer_;
  std::ofstream journal_;
};

}  // namespace odyo::station::pcaudio
