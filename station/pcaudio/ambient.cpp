#include "station/pcaudio/ambient.hpp"

#include <cmath>
#include <fstream>
#include <iomanip>
#include <sstream>
#include <vector>

#include "analysis/audiometry/ambient/octave_bands.hpp"
#include "analysis/core/error_text.hpp"
#include "drivers/audio/alsa_capture.hpp"
#include "drivers/audio/wav_file.hpp"
#include "station/core/input.hpp"

namespace odyo::station::pcaudio {
namespace {

namespace amb = audiometry::ambient;

std::string fixed1(double v) {
  std::ostringstream s;
  s << std::fixed << std::setprecision(1) << v;
  return s.str();
}

double round2(double v) {
  return std::round(v * 100.0) / 100.0;
}

}  // namespace

Result<amb::AmbientLimits> load_ambient_limits(const StationConfig& cfg, const std::string& table) {
  const auto path = cfg.audiometry_dir / "ambient_limits.csv";
  auto text = read_input_file(path);
  if (!text)
    return make_errorf("ambient_table_missing",
                       "{} (the ambient-noise limits; check [audiometry].audiometry_dir)",
                       text.error());
  return amb::AmbientLimits::parse_csv(*text, table);
}

Result<AmbientCheck> run_ambient_check(const StationConfig& cfg, const AmbientRequest& rq) {
  if (!std::isfinite(rq.mic_calibration_db))
    return make_error("ambient_bad_calibration",
                      "--mic-calibration-db must be a number: the dB SPL a full-scale sine reads");
  if (rq.seconds && (!std::isfinite(*rq.seconds) || *rq.seconds <= 0 || *rq.seconds > 600))
    return make_error("ambient_bad_seconds", "--seconds must be above 0 and at most 600");
  const std::string table = rq.limits.empty() ? cfg.ambient_limits : rq.limits;
  auto limits = load_ambient_limits(cfg, table);
  if (!limits) return limits.error();

  AmbientCheck c;
  c.source = rq.source;
  c.mic_calibration_db = rq.mic_calibration_db;
  Eigen::VectorXd samples;
  constexpr double kFullScale = 2147483648.0;  // left-justified 32-bit words
  if (rq.source.rfind("pc:", 0) == 0) {
    const std::string pcm = rq.source.substr(3);
    if (pcm.empty())
      return make_error("ambient_bad_source", "pc: needs an ALSA capture device, e.g. pc:plughw:1");
    const double seconds = rq.seconds.value_or(kDefaultAmbientSeconds);
    const auto frames = static_cast<std::int64_t>(std::llround(seconds * rq.capture_rate_hz));
    std::vector<std::int32_t> words;
    if (auto s = drivers::audio::capture_pcm(pcm, rq.capture_rate_hz, frames, words); !s)
      return Error{s.error().code, s.error().message};  // drivers' text, not (yet) translated
    c.sample_rate_hz = rq.capture_rate_hz;
    samples.resize(static_cast<Eigen::Index>(words.size()));
    for (std::size_t i = 0; i < words.size(); ++i)
      samples[static_cast<Eigen::Index>(i)] = words[i] / kFullScale;
  } else {
    if (rq.source.empty())
      return make_error("ambient_bad_source",
                        "give the recording: --input FILE.wav or --device pc:PCM");
    drivers::audio::WavData wav;
    if (auto s = drivers::audio::read_wav(rq.source, wav); !s) {
      if (s.error().code == "device_missing")
        return make_errorf(
            "ambient_no_file",
            "cannot read the recording {}: check the file name (a WAV from the measurement "
            "microphone)",
            rq.source);
      const auto& m = s.error().message;
      if (m.find(rq.source) != std::string::npos) return Error{s.error().code, m};
      return make_errorf(s.error().code, "{}: {}", rq.source, m);
    }
    if (wav.channels < 1 || wav.sample_rate_hz <= 0)
      return make_errorf("ambient_bad_wav", "{}: no channels or no sample rate", rq.source);
    c.sample_rate_hz = wav.sample_rate_hz;
    std::int64_t frames = wav.frames();
    if (rq.seconds)
      frames = std::min<std::int64_t>(
          frames, static_cast<std::int64_t>(std::llround(*rq.seconds * wav.sample_rate_hz)));
    samples.resize(static_cast<Eigen::Index>(frames));
    // A multi-channel file: the first channel is the microphone's.
    for (std::int64_t i = 0; i < frames; ++i)
      samples[static_cast<Eigen::Index>(i)] =
          wav.samples[static_cast<std::size_t>(i * wav.channels)] / kFullScale;
  }
  c.frames = samples.size();
  auto bands = amb::octave_band_levels(samples, c.sample_rate_hz, rq.mic_calibration_db);
  if (!bands) {
    return make_errorf(bands.error().code, "{}: {}", c.source, bands.error());
  }
  c.limits = std::move(*limits);
  c.verdict = amb::compare_with_limits(*bands, c.limits);
  return c;
}

nlohmann::json ambient_json(const AmbientCheck& c) {
  nlohmann::json j{{"source", c.source},
                   {"sample_rate_hz", c.sample_rate_hz},
                   {"frames", c.frames},
                   {"seconds", c.sample_rate_hz > 0 ? c.frames / c.sample_rate_hz : 0.0},
                   {"mic_calibration_db", c.mic_calibration_db},
                   {"level_convention",
                    "octave bands at IEC 61260 nominal centres (edges fc/sqrt2..fc*sqrt2); RMS "
                    "level with a full-scale sine = 0 dBFS; dB SPL = dBFS + mic_calibration_db"}};
  const auto& rows = c.limits.rows();
  j["limits"] = {{"table", c.limits.name()},
                 {"citation", rows.empty() ? "" : rows.front().citation},
                 {"url", rows.empty() ? "" : rows.front().url}};
  j["bands"] = nlohmann::json::array();
  for (const auto& b : c.verdict.bands)
    j["bands"].push_back(
        {{"centre_hz", b.centre_hz},
         {"level_db_spl", round2(b.level_db_spl)},
         {"limit_db_spl", b.limit_db_spl ? nlohmann::json(*b.limit_db_spl) : nlohmann::json()},
         {"margin_db", b.margin_db ? nlohmann::json(round2(*b.margin_db)) : nlohmann::json()},
         {"pass", b.pass}});
  j["not_compared_hz"] = c.verdict.not_compared_hz;
  j["pass"] = c.verdict.pass;
  return j;
}

Error describe_exceeded(const AmbientCheck& c) {
  const auto* b = c.verdict.first_exceeded();
  if (b == nullptr) return {};
  int more = 0;
  for (const auto& x : c.verdict.bands)
    if (!x.pass && &x != b) ++more;
  if (more > 0)
    return make_errorf("",
                       "{} Hz band: {} dB SPL, limit {} dB SPL ({}) and {} more band(s) over the "
                       "limit",
                       b->centre_hz, fixed1(b->level_db_spl), fixed1(*b->limit_db_spl),
                       c.limits.name(), more);
  return make_errorf("", "{} Hz band: {} dB SPL, limit {} dB SPL ({})", b->centre_hz,
                     fixed1(b->level_db_spl), fixed1(*b->limit_db_spl), c.limits.name());
}

}  // namespace odyo::station::pcaudio
