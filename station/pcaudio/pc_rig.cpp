#include "station/pcaudio/pc_rig.hpp"

#include <nlohmann/json.hpp>

#include "analysis/core/error_text.hpp"
#include "drivers/hid/hidraw_button.hpp"

namespace odyo::station::pcaudio {

Result<std::string> parse_pc_uri(const std::string& uri) {
  if (uri.rfind("pc:", 0) != 0 || uri.size() <= 3)
    return make_errorf("bad_device_uri",
                       "\"{}\" is not a PC-audiometer device: write pc:PCM, e.g. pc:hw:1 (the "
                       "ALSA name of the USB audio interface)",
                       uri);
  return uri.substr(3);
}

Result<std::unique_ptr<drivers::hid::ButtonSource>> open_button(const std::string& uri) {
  if (uri.rfind("hidraw:", 0) != 0 || uri.size() <= 7)
    return make_errorf("bad_device_uri",
                       "\"{}\" is not a response button: write hidraw:/dev/hidrawN", uri);
  auto b = std::make_unique<drivers::hid::HidrawButton>(uri.substr(7));
  if (auto st = b->open(); !st) return Error{st.error().code, st.error().message};
  return std::unique_ptr<drivers::hid::ButtonSource>(std::move(b));
}

PcRig::~PcRig() {
  flush();
  if (sink_) sink_->close();
}

void PcRig::flush() {
  if (audiometer_) audiometer_->flush_journal();
  if (journal_.is_open()) journal_.flush();
}

Result<std::unique_ptr<PcRig>> PcRig::open(const PcRigOptions& o,
                                           drivers::hid::ButtonSource& button) {
  auto pcm = parse_pc_uri(o.device_uri);
  if (!pcm) return pcm.error();
  auto cal = load_calibration(o.calibration_file, o.today);
  if (!cal) return cal.error();
  if (cal->example && !o.allow_example_calibration)
    return make_errorf("calibration_example",
                       "{} is an example calibration, not a measurement: calibrate this interface "
                       "and earphones with `odyospiro audio calibrate` first",
                       o.calibration_file.string());
  if (auto e = check_expiry(*cal, o.today, o.calibration_valid_months); !e) return e.error();
  if (!o.require_listening_check)
    return make_error("listening_check_unknown",
                      "the station did not say where today's listening check is recorded; no "
                      "test without it");
  if (auto c = o.require_listening_check(cal->pair_id()); !c) return c.error();

  std::unique_ptr<PcRig> rig(new PcRig());
  rig->calibration_ = std::move(*cal);
  if (!o.tone_journal.empty()) {
    if (o.tone_journal.has_parent_path()) {
      std::error_code ec;
      std::filesystem::create_directories(o.tone_journal.parent_path(), ec);
    }
    rig->journal_.open(o.tone_journal, std::ios::app);
    if (!rig->journal_)
      return make_errorf("journal_unwritable",
                         "cannot append to the tone journal {}: check the folder's permissions",
                         o.tone_journal.string());
  }
  rig->sink_ = std::make_unique<drivers::audio::AlsaSink>(*pcm);
  audiometry::PcAudiometerConfig pc;
  pc.levels = rig->calibration_.levels();
  pc.shape = rig->calibration_.tone_shape;
  pc.kind = o.kind;
  pc.sample_rate_hz = rig->calibration_.sample_rate_hz;
  pc.bits = rig->calibration_.bits;
  pc.pace_to_clock = true;     // one clock with the button even on a non-real-time PCM
  pc.clock_write_time = true;  // onsets = steady_clock at the write + the output latency
  pc.min_reaction = o.min_reaction;
  pc.response_window = o.response_window;
  rig->audiometer_ = std::make_unique<audiometry::PcAudiometer>(pc, *rig->sink_, button);
  if (auto r = rig->audiometer_->open(); !r) return r.error();
  const std::string pair = rig->calibration_.pair_id();
  const std::string pcm_name = *pcm;
  std::ofstream* out = rig->journal_.is_open() ? &rig->journal_ : nullptr;
  const std::string session = o.session;
  const std::string worker = o.worker;
  const auto ns = [](audiometry::AudioTime t) {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
  };
  const long long min_reaction_ms = o.min_reaction.count();
  const long long window_ms = o.response_window.count();
  rig->audiometer_->on_tone([=](const audiometry::ToneRecord& t) {
    if (out == nullptr) return;
    nlohmann::json presses = nlohmann::json::array();
    for (const auto& r : t.responses)
      presses.push_back(
          {{"pressed_steady_ns", ns(r.pressed)},
           {"released_steady_ns", r.released ? nlohmann::json(ns(*r.released)) : nlohmann::json()},
           {"latency_ms", r.latency.count()},
           {"held_ms", r.released ? std::chrono::duration_cast<std::chrono::milliseconds>(
                                        *r.released - r.pressed)
                                        .count()
                                  : -1},
           {"verdict", std::string(audiometry::to_string(r.verdict))}});
    nlohmann::json j{
        {"session", session},
        {"worker", worker},
        {"index", t.index},
        {"onset_steady_ns", ns(t.onset)},
        // The same instant on the wall clock (ms since 1970, UTC), for people.
        {"onset_utc_ms", std::chrono::duration_cast<std::chrono::milliseconds>(
                             (std::chrono::system_clock::now() +
                              std::chrono::duration_cast<std::chrono::system_clock::duration>(
                                  t.onset - audiometry::AudioClock::now()))
                                 .time_since_epoch())
                             .count()},
        {"onset_frame", t.onset_frame},
        {"output_latency_frames", t.output_latency_frames},
        {"ear", std::string(audiometry::to_string(t.ear))},
        {"frequency_hz", t.frequency_hz},
        {"level_db_hl", t.level_db_hl},
        {"digital_level_dbfs", t.digital_level_dbfs},
        {"duration_ms", t.duration.count()},
        {"presses", presses},
        {"responded", t.responded()},
        {"min_reaction_ms", min_reaction_ms},
        {"response_window_ms", window_ms},
        {"calibration", pair},
        {"pcm", pcm_name}};
    *out << j.dump() << '\n';
    out->flush();  // a crash loses no presented tone
  });
  return rig;
}

}  // namespace odyo::station::pcaudio
