// devsim: run a simulated device on a pty for demos, training and manual tests.
//   devsim spiro --profile config/devices/sfm3000-serial.toml --link /tmp/odyo-spiro
//                [--script quiet:2,normal,quiet:3,cough] [--loop]
//   devsim audio --profile config/devices/frye-fa12.toml --link /tmp/odyo-audio
//                [--thresholds right:1000=25,left:4000=55,...] [--reaction-ms 250]
//     a FIPP audiometer with a simulated listener (default: the demo worker's 4 kHz notch).
//   devsim results --driver tm262|gsi61|vitalograph --link /tmp/odyo-tm262 [--delay-ms 300]
//     sends the device's result records once (the demo audiogram, or one good Vitalograph blow).
// Prints the port to give the station (serial:<link>) and runs until interrupted.
// `odyospiro acquire … --device sim:NAME` and `odyospiro demo` start it themselves.
#include <unistd.h>

#include <CLI/CLI.hpp>

#include <csignal>
#include <cstring>
#include <iostream>
#include <string>
#include <thread>

#include "tools/devsim/fipp_sim.hpp"
#include "tools/devsim/record_sender.hpp"
#include "tools/devsim/result_records.hpp"
#include "tools/devsim/spiro_sim.hpp"

namespace {
volatile std::sig_atomic_t g_stop = 0;  // set by the signal handler only
void on_signal(int) {
  g_stop = 1;
}
// --exit-with-parent: the parent's pid at start (0: off). A station that starts devsim passes it,
// so a station killed with SIGKILL leaves no simulator (and no pty link) behind.
pid_t g_parent = 0;

void wait_for_signal() {
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  while (!g_stop && (g_parent == 0 || ::getppid() == g_parent))
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
}

// "right:1000=25,left:4000=55" → the listener's true thresholds.
bool parse_thresholds(const std::string& text, odyo::devsim::ListenerModel& l, std::string* why) {
  std::size_t p = 0;
  while (p < text.size()) {
    auto comma = text.find(',', p);
    const std::string item = text.substr(p, comma == std::string::npos ? comma : comma - p);
    const auto colon = item.find(':'), eq = item.find('=');
    if (colon == std::string::npos || eq == std::string::npos || eq < colon) {
      *why = "threshold '" + item + "' is not EAR:HZ=DB (e.g. right:1000=25)";
      return false;
    }
    const std::string ear = item.substr(0, colon);
    if (ear != "right" && ear != "left") {
      *why = "threshold '" + item + "': the ear is right or left";
      return false;
    }
    try {
      l.threshold_db_hl[{ear, std::stoi(item.substr(colon + 1, eq - colon - 1))}] =
          std::stoi(item.substr(eq + 1));
    } catch (const std::exception&) {
      *why = "threshold '" + item + "': frequency and level are whole numbers";
      return false;
    }
    if (comma == std::string::npos) break;
    p = comma + 1;
  }
  return true;
}

int run_spiro(const std::string& profile_path, const std::string& link, const std::string& script,
              bool loop) {
  std::string why;
  auto prof = odyo::devsim::load_flow_stream_profile(profile_path, &why);
  if (!prof) {
    std::cerr << "devsim: " << why << "\n";
    return 1;
  }
  auto s = odyo::devsim::FlowScript::parse(script, prof->sample_rate_hz, loop, &why);
  if (!s) {
    std::cerr << "devsim: " << why << "\n";
    return 1;
  }
  odyo::devsim::SpiroSimulator sim(*prof, *s, link);
  if (!sim.start(&why)) {
    std::cerr << "devsim: " << why << "\n";
    return 1;
  }
  std::cout << "serial:" << link << std::endl;
  wait_for_signal();
  sim.stop();
  std::cout << "frames sent: " << sim.frames_generated() << "\n";
  return 0;
}

int run_audio(const std::string& profile_path, const std::string& link,
              const std::string& thresholds, int reaction_ms) {
  std::string why;
  auto prof = odyo::devsim::load_fipp_profile(profile_path, &why);
  if (!prof) {
    std::cerr << "devsim: " << why << "\n";
    return 1;
  }
  odyo::devsim::ListenerModel l;
  if (thresholds.empty()) {
    for (const auto& e : odyo::devsim::demo_audiogram())
      for (const auto& [hz, db] : e.hz_db_hl) l.threshold_db_hl[{e.ear, hz}] = db;
  } else if (!parse_thresholds(thresholds, l, &why)) {
    std::cerr << "devsim: " << why << "\n";
    return 1;
  }
  l.reaction = std::chrono::milliseconds(reaction_ms);
  odyo::devsim::FippSimulator sim(*prof, l, link);
  if (!sim.start(&why)) {
    std::cerr << "devsim: " << why << "\n";
    return 1;
  }
  std::cout << "serial:" << link << std::endl;
  wait_for_signal();
  sim.stop();
  std::cout << "presentations: " << sim.presentations().size() << "\n";
  return 0;
}

int run_results(const std::string& driver, const std::string& link, int delay_ms) {
  auto records = odyo::devsim::sample_records(driver);
  if (records.empty()) {
    std::cerr << "devsim: no result records for driver '" << driver
              << "': use tm262, gsi61 or vitalograph\n";
    return 1;
  }
  odyo::devsim::RecordSender dev(link);
  std::string why;
  if (!dev.plug(&why)) {
    std::cerr << "devsim: " << why << "\n";
    return 1;
  }
  std::cout << "serial:" << link << std::endl;
  std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
  const auto sent = dev.send(records, std::chrono::milliseconds(50));
  std::cout << records.size() << " record(s), " << sent.size() << " bytes sent" << std::endl;
  wait_for_signal();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"devsim: a simulated device on a pseudo-terminal (demos, training, tests)"};
  app.require_subcommand(1);
  std::string profile_path, link, thresholds, driver,
      script = "quiet:2,normal,quiet:3,cough,quiet:3,early_stop,quiet:3,leak,quiet:3";
  bool loop = false;
  bool exit_with_parent = false;
  int reaction_ms = 250;
  int delay_ms = 300;
  const auto common = [&](CLI::App* mode, bool needs_profile) {
    auto* profile = mode->add_option("--profile", profile_path, "Device profile (TOML)");
    if (needs_profile) profile->required();
    mode->add_option("--link", link, "Path of the pty link the station opens")->required();
    mode->add_flag("--exit-with-parent", exit_with_parent,
                   "Stop when the process that started devsim ends");
  };
  auto* spiro = app.add_subcommand("spiro", "A spirometer streaming flow frames");
  common(spiro, true);
  spiro->add_option("--script", script, "The blows: quiet:S,normal,cough,early_stop,leak,…")
      ->capture_default_str();
  spiro->add_flag("--loop", loop, "Repeat the script until stopped");
  auto* audio = app.add_subcommand("audio", "A FIPP audiometer with a simulated listener");
  common(audio, true);
  audio->add_option("--thresholds", thresholds,
                    "The listener's true thresholds: right:1000=25,left:4000=55,… (default: the "
                    "demo worker's 4 kHz notch)");
  audio->add_option("--reaction-ms", reaction_ms, "The listener's reaction time")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  auto* results = app.add_subcommand("results", "Sends a device's result records once");
  common(results, false);
  results->add_option("--driver", driver, "The device")
      ->required()
      ->check(CLI::IsMember({"tm262", "gsi61", "vitalograph"}));
  results->add_option("--delay-ms", delay_ms, "Wait before sending")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;  // 2: a usage error, as before
  }
  if (exit_with_parent) g_parent = ::getppid();
  if (spiro->parsed()) return run_spiro(profile_path, link, script, loop);
  if (audio->parsed()) return run_audio(profile_path, link, thresholds, reaction_ms);
  return run_results(driver, link, delay_ms);
}
