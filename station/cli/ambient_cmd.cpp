// odyospiro audio ambient — the ambient-noise check of the PC audiometer's test room: a WAV from
// the measurement microphone (--input) or a recording from an ALSA capture PCM (--device pc:PCM)
// in octave bands against the permissible ambient levels ([audiometry].ambient_limits or
// --limits). Exit 0: quiet enough; 4: a band exceeds its limit; 1: bad input; 2: configuration.
// Single-threaded (the command line's thread).
#include <CLI/CLI.hpp>
#include <iomanip>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>

#include "station/cli/audio_group.hpp"
#include "station/cli/context.hpp"
#include "station/pcaudio/ambient.hpp"

namespace odyo::station {
namespace {

// Exit code when the room is too loud (documented in the README's exit codes).
constexpr int kExitTooLoud = 4;

struct AmbientOptions {
  std::string input;
  std::string device;
  double seconds = 0;
  bool seconds_given = false;
  double mic_calibration_db = 0;
  std::string limits;
};

int run_ambient(CliContext& ctx, const AmbientOptions& o) {
  auto cfg = ctx.config();
  if (!cfg) return ctx.fail(cfg.error(), 2);
  if (o.input.empty() == o.device.empty())
    return ctx.fail(make_error("ambient_bad_source",
                               "give exactly one recording: --input FILE.wav or --device pc:PCM"));
  if (!o.device.empty() && o.device.rfind("pc:", 0) != 0)
    return ctx.fail(make_errorf(
        "ambient_bad_source",
        "--device must be pc:PCM (an ALSA capture device, e.g. pc:plughw:1), not \"{}\"",
        o.device));
  pcaudio::AmbientRequest rq;
  rq.source = o.input.empty() ? o.device : o.input;
  if (o.seconds_given) rq.seconds = o.seconds;
  rq.mic_calibration_db = o.mic_calibration_db;
  rq.limits = o.limits;
  auto check = pcaudio::run_ambient_check(**cfg, rq);
  if (!check) return ctx.fail(check.error());
  const auto& c = *check;
  if (ctx.json()) {
    ctx.out() << pcaudio::ambient_json(c).dump(2) << "\n";
  } else {
    std::ostringstream seconds;
    seconds << c.frames / c.sample_rate_hz;
    ctx.out() << ctx.trf("Ambient noise: {} ({} s, {} Hz), limits {}", c.source, seconds.str(),
                         c.sample_rate_hz, c.limits.name())
              << "\n";
    ctx.out() << std::fixed << std::setprecision(1);
    for (const auto& b : c.verdict.bands) {
      ctx.out() << "  " << std::setw(5) << b.centre_hz << " Hz  " << std::setw(6) << b.level_db_spl
                << " dB SPL";
      if (b.limit_db_spl)
        ctx.out() << "  " << ctx.tr("limit") << " " << std::setw(5) << *b.limit_db_spl << "  "
                  << ctx.tr("margin") << " " << std::setw(6) << *b.margin_db << "  "
                  << (b.pass ? ctx.tr("ok") : ctx.tr("EXCEEDED"));
      else
        ctx.out() << "  " << ctx.tr("(no limit in the table)");
      ctx.out() << "\n";
    }
    if (!c.verdict.not_compared_hz.empty()) {
      ctx.out() << "  " << ctx.tr("not compared (not an octave centre measured):") << " ";
      for (std::size_t i = 0; i < c.verdict.not_compared_hz.size(); ++i)
        ctx.out() << (i ? ", " : "") << c.verdict.not_compared_hz[i] << " Hz";
      ctx.out() << "\n";
    }
    if (c.verdict.pass)
      ctx.out() << ctx.tr("Verdict: quiet enough for testing") << "\n";
    else
      ctx.out() << ctx.trf("Verdict: too loud for testing — {}", pcaudio::describe_exceeded(c))
                << "\n";
  }
  return c.verdict.pass ? 0 : kExitTooLoud;
}

}  // namespace

void register_ambient_commands(CLI::App& app, CliContext& ctx) {
  CLI::App* audio = audio_command_group(app);
  auto o = std::make_shared<AmbientOptions>();
  auto* ac = audio->add_subcommand(
      "ambient",
      "Ambient-noise check: octave-band levels from the measurement microphone against the "
      "permissible ambient levels (exit 0 quiet enough, 4 too loud, 1 bad input)");
  ac->add_option("--input", o->input, "the microphone's recording (WAV; first channel used)");
  ac->add_option("--device", o->device, "pc:PCM, an ALSA capture device (48 kHz mono)");
  ac->add_option("--seconds", o->seconds,
                 "seconds to record (default 5); with --input, analyse only the first S s")
      ->each([o](const std::string&) { o->seconds_given = true; });
  ac->add_option("--mic-calibration-db", o->mic_calibration_db,
                 "dB SPL that a full-scale sine reads on this microphone (from its calibrator)")
      ->required();
  ac->add_option("--limits", o->limits,
                 "osha-d1 | ansi-s3.1-1977-ears-covered (default: [audiometry].ambient_limits)");
  ac->callback([&ctx, o] { ctx.exit_code = run_ambient(ctx, *o); });
}

}  // namespace odyo::station
