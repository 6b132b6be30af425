#pragma once
// The ambient-noise check of the PC audiometer's test room (issue 8, item 5): a recording from
// the measurement microphone — a WAV file, or a capture from an ALSA PCM ("pc:PCM") — analysed
// into octave-band levels (analysis/audiometry/ambient) and compared with the permissible
// ambient levels of [audiometry].ambient_limits (config/audiometry/ambient_limits.csv; neither
// table there is ISO 8253-1). Used by `odyospiro audio ambient` and, before the first tone, by
// `acquire audio --device pc:… --ambient …`, which stores ambient_json() with the exam.
// Thread-safety: the command line's thread (reads files, may record from ALSA).

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "analysis/audiometry/ambient/ambient_limits.hpp"
#include "analysis/core/result.hpp"
#include "station/config/config.hpp"

namespace odyo::station::pcaudio {

struct AmbientRequest {
  std::string source;             // FILE.wav, or pc:PCM (an ALSA capture device)
  std::optional<double> seconds;  // capture length (default 5 s); for a WAV, the first S s
  double mic_calibration_db = 0;  // dB SPL that a full-scale sine reads
  std::string limits;             // table name; empty: [audiometry].ambient_limits
  int capture_rate_hz = 48000;    // for pc: sources
};

struct AmbientCheck {
  std::string source;
  double sample_rate_hz = 0;
  std::int64_t frames = 0;
  double mic_calibration_db = 0;
  audiometry::ambient::AmbientLimits limits;
  audiometry::ambient::AmbientVerdict verdict;
};

// Default capture length when --seconds is not given.
inline constexpr double kDefaultAmbientSeconds = 5.0;

Result<audiometry::ambient::AmbientLimits> load_ambient_limits(const StationConfig& cfg,
                                                               const std::string& table);

// Records or reads, analyses and compares. Errors: bad input (file, samples, table) or the
// capture device's error (codes from drivers/audio).
Result<AmbientCheck> run_ambient_check(const StationConfig& cfg, const AmbientRequest& request);

// {"source","sample_rate_hz","frames","seconds","mic_calibration_db","level_convention",
//  "limits":{"table","citation","url"},"bands":[{"centre_hz","level_db_spl","limit_db_spl",
//  "margin_db","pass"}],"not_compared_hz":[…],"pass"}
nlohmann::json ambient_json(const AmbientCheck& check);

// "2000 Hz band: 52.3 dB SPL, limit 47 dB SPL (osha-d1)" for the first band over its limit (a
// message translated where shown; empty when no band is over).
Error describe_exceeded(const AmbientCheck& check);

}  // namespace odyo::station::pcaudio
