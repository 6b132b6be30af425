// devsim: run a simulated device on a pty for demos, training and manual tests.
//   devsim spiro --profile config/devices/sfm3000-serial.toml --link /tmp/odyo-spiro
//                [--script quiet:2,normal,quiet:3,cough] [--loop]
// Prints the port to give the station (serial:<link>) and runs until interrupted.
#include <csignal>
#include <cstring>
#include <iostream>
#include <string>
#include <thread>

#include "tools/devsim/spiro_sim.hpp"

namespace {
volatile std::sig_atomic_t g_stop = 0;  // set by the signal handler only
void on_signal(int) {
  g_stop = 1;
}

int usage() {
  std::cerr << "usage: devsim spiro --profile FILE --link PATH [--script STEPS] [--loop]\n";
  return 2;
}
}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || std::string(argv[1]) != "spiro") return usage();
  std::string profile_path, link,
      script = "quiet:2,normal,quiet:3,cough,quiet:3,early_stop,quiet:3,leak,quiet:3";
  bool loop = false;
  for (int i = 2; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : std::string(); };
    if (a == "--profile")
      profile_path = next();
    else if (a == "--link")
      link = next();
    else if (a == "--script")
      script = next();
    else if (a == "--loop")
      loop = true;
    else
      return usage();
  }
  if (profile_path.empty() || link.empty()) return usage();
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
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  std::cout << "serial:" << link << std::endl;
  while (!g_stop) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  sim.stop();
  std::cout << "frames sent: " << sim.frames_generated() << "\n";
  return 0;
}
