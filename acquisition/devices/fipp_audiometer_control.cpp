#include "acquisition/devices/fipp_audiometer_control.hpp"

#include <algorithm>
#include <thread>

#include "analysis/core/error_text.hpp"

namespace odyo::acquisition {

namespace {
// ISO 8253-1 / ANSI S3.6 audiometric frequencies the FA1x offers on its panel (F7: any frequency
// under computer control; the search uses the standard ones).
constexpr int kFrequencies[] = {125, 250, 500, 750, 1000, 1500, 2000, 3000, 4000, 6000, 8000};
constexpr int kMinLevelDbHl = -10;
}  // namespace

Error FippAudiometerControl::translate(const drivers::IoError& e) {
  if (e.code == "device_disconnected" || e.code == "unplugged")
    return make_errorf("device_disconnected", "{}", e.message);
  return make_errorf("device_error", "{}", e.message);
}

Result<std::unique_ptr<FippAudiometerControl>> FippAudiometerControl::connect(
    drivers::FippDriver& driver) {
  std::unique_ptr<FippAudiometerControl> c(new FippAudiometerControl(driver));
  drivers::IoError why;
  auto v = driver.version(&why);
  if (!v) return translate(why);
  c->model_ = v->model();
  if (auto max = v->max_level_db_hl()) c->max_level_db_hl_ = *max;
  auto regs = driver.get_registers(&why);
  if (!regs) return translate(why);
  c->base_ = *regs;
  for (const char* name :
       {"computer_control", "frequency_right_hz", "level_right_db_x10", "tone_right",
        "frequency_left_hz", "level_left_db_x10", "tone_left", "response_switch"})
    if (driver.word(name) < 0)
      return make_errorf("device_error",
                         "the FIPP profile has no register '{}': add it under [registers] in the "
                         "device profile",
                         name);
  return c;
}

Result<void> FippAudiometerControl::set_ear(audiometry::Ear ear) {
  ear_ = ear;
  return {};
}

Result<void> FippAudiometerControl::set_frequency(int frequency_hz) {
  if (std::find(std::begin(kFrequencies), std::end(kFrequencies), frequency_hz) ==
      std::end(kFrequencies))
    return make_errorf("unsupported_frequency", "the {} cannot play {} Hz: use 125 to 8000 Hz",
                       model_, frequency_hz);
  frequency_hz_ = frequency_hz;
  return {};
}

Result<void> FippAudiometerControl::set_level(int level_db_hl) {
  if (level_db_hl < kMinLevelDbHl || level_db_hl > max_level_db_hl_)
    return make_errorf("level_out_of_range", "{} dB HL is outside the {} range ({} to {} dB HL)",
                       level_db_hl, model_, kMinLevelDbHl, max_level_db_hl_);
  level_db_hl_ = level_db_hl;
  return {};
}

Result<audiometry::LevelRange> FippAudiometerControl::level_range(
    int frequency_hz, audiometry::Transducer transducer) const {
  if (transducer != audiometry::Transducer::air)
    return make_error("unsupported",
                      "bone conduction through FIPP is not mapped yet (register map unknown)");
  if (std::find(std::begin(kFrequencies), std::end(kFrequencies), frequency_hz) ==
      std::end(kFrequencies))
    return make_errorf("unsupported_frequency", "{} Hz is not an audiometric frequency of the {}",
                       frequency_hz, model_);
  return audiometry::LevelRange{kMinLevelDbHl, max_level_db_hl_, 5};
}

Result<void> FippAudiometerControl::write(bool tone_on, audiometry::AudioTime* acked) {
  drivers::FippRegisters r = base_;
  const bool right = ear_ == audiometry::Ear::right;
  const std::string side = right ? "right" : "left";
  auto at = [&](const std::string& name) -> std::uint16_t& {
    return r[static_cast<std::size_t>(driver_.word(name))];
  };
  at("computer_control") = right ? 0x1 : 0x2;  // profile: bit 0 right, bit 1 left (placeholder)
  at("frequency_" + side + "_hz") = static_cast<std::uint16_t>(frequency_hz_);
  at("level_" + side + "_db_x10") =
      static_cast<std::uint16_t>(static_cast<std::int16_t>(level_db_hl_ * 10));
  at("tone_right") = 0;
  at("tone_left") = 0;
  at("tone_" + side) = tone_on ? 1 : 0;
  drivers::IoClock::time_point t{};
  auto st = driver_.set_registers(r, &t);
  if (!st) return translate(st.error());
  if (acked) *acked = t;
  tone_on_ = tone_on;
  return {};
}

Result<audiometry::AudioTime> FippAudiometerControl::present(std::chrono::milliseconds duration) {
  audiometry::AudioTime onset{};
  if (auto r = write(true, &onset); !r) return r.error();
  tone_off_at_ = onset + duration;
  return onset;
}

Result<void> FippAudiometerControl::stop_tone() {
  if (!tone_on_) return {};
  return write(false);
}

Result<void> FippAudiometerControl::tone_off_if_due() {
  if (tone_on_ && audiometry::AudioClock::now() >= tone_off_at_) return write(false);
  return {};
}

Result<std::vector<audiometry::ResponseEvent>> FippAudiometerControl::collect_responses(
    audiometry::AudioTime until) {
  for (;;) {
    const auto now_t = audiometry::AudioClock::now();
    if (tone_on_ && now_t >= tone_off_at_) {
      if (auto r = tone_off_if_due(); !r) return r.error();
      continue;
    }
    if (now_t >= until) break;
    const auto wake = tone_on_ ? std::min(until, tone_off_at_) : until;
    std::this_thread::sleep_until(std::min(wake, now_t + std::chrono::milliseconds(20)));
    if (!driver_.connected())
      return make_error("device_disconnected",
                        "the audiometer went away (cable pulled or switched off): reconnect it");
  }
  std::vector<audiometry::ResponseEvent> out;
  auto edges = std::move(later_);
  later_.clear();
  for (const auto& e : driver_.take_response_edges()) edges.push_back(e);
  for (const auto& e : edges) {
    if (e.at > until) {  // belongs to the next call
      later_.push_back(e);
      continue;
    }
    if (e.pressed) {
      open_press_ = e.at;
    } else if (open_press_) {
      out.push_back({*open_press_, e.at});
      open_press_.reset();
    } else if (held_press_) {
      held_press_.reset();  // release of a press already returned as held
    }
  }
  if (open_press_) {  // still held at `until`: returned once, without release
    out.push_back({*open_press_, std::nullopt});
    held_press_ = open_press_;
    open_press_.reset();
  }
  return out;
}

}  // namespace odyo::acquisition
