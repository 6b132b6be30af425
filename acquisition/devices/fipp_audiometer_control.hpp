#pragma once
// FippAudiometerControl: the AudiometerControl (acquisition/audiometry/audiometer_control.hpp)
// of a Frye FA10/FA12 driven over FIPP (drivers/fipp/fipp_driver.hpp), so the automated
// threshold search runs on the real audiometer.
//
// How a presentation is made (frye-fipp.md §5): Set Control Registers with the computer-control
// bit of the test side, the frequency (Hz), the level (0.1 dB units, F7) and the tone bit on;
// the onset is the time the instrument acknowledged it; the tone-off block is sent at the first
// poll after onset + duration (tone timing is quantised to the poll period, which the driver
// measures). Responses come from the response-switch register (location: profile, unverified).
// On close the computer-control bits are cleared (driver).
//
// Threading: like every AudiometerControl, one thread at a time.

#include <optional>

#include "acquisition/audiometry/audiometer_control.hpp"
#include "drivers/fipp/fipp_driver.hpp"

namespace odyo::acquisition {

class FippAudiometerControl final : public audiometry::AudiometerControl {
 public:
  // Reads the version (level ceiling: FA10 110 dB, FA12 120 dB) and the current control block.
  static Result<std::unique_ptr<FippAudiometerControl>> connect(drivers::FippDriver& driver);

  Result<void> set_ear(audiometry::Ear ear) override;
  Result<void> set_frequency(int frequency_hz) override;
  Result<void> set_level(int level_db_hl) override;
  [[nodiscard]] Result<audiometry::LevelRange> level_range(
      int frequency_hz, audiometry::Transducer transducer) const override;
  Result<audiometry::AudioTime> present(std::chrono::milliseconds duration) override;
  Result<void> stop_tone() override;
  Result<std::vector<audiometry::ResponseEvent>> collect_responses(
      audiometry::AudioTime until) override;
  [[nodiscard]] audiometry::AudioTime now() const override { return audiometry::AudioClock::now(); }

  [[nodiscard]] const std::string& model() const { return model_; }

 private:
  explicit FippAudiometerControl(drivers::FippDriver& d) : driver_(d) {}
  Result<void> write(bool tone_on, audiometry::AudioTime* acked = nullptr);
  Result<void> tone_off_if_due();
  static Error translate(const drivers::IoError& e);

  drivers::FippDriver& driver_;
  std::string model_;
  int max_level_db_hl_ = 110;
  drivers::FippRegisters base_{};
  audiometry::Ear ear_ = audiometry::Ear::right;
  int frequency_hz_ = 1000;
  int level_db_hl_ = 0;
  bool tone_on_ = false;
  audiometry::AudioTime tone_off_at_{};
  std::optional<audiometry::AudioTime>
      held_press_;  // pressed, release not seen yet, already returned
  std::optional<audiometry::AudioTime> open_press_;  // pressed, not yet returned
  std::vector<drivers::FippResponseEdge> later_;     // edges stamped after the last `until`
};

}  // namespace odyo::acquisition
