// `odyospiro devices` and `odyospiro acquire spiro|audio` run as the built program, against
// simulated devices on ptys (tools/devsim).
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "tools/devsim/fipp_sim.hpp"
#include "tools/devsim/spiro_sim.hpp"

using namespace odyo;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

struct Run {
  int exit_code = -1;
  std::string out;
};

Run run(const std::string& args) {
  const std::string cmd = std::string(ODYOSPIRO_EXE) + " --config " + ODYO_SOURCE_DIR +
                          "/config/station.toml --lang en " + args + " 2>/dev/null";
  Run r;
  FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) return r;
  std::array<char, 4096> buf{};
  std::size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
  const int st = ::pclose(p);
  r.exit_code = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return r;
}

fs::path temp_dir() {
  std::string t = (fs::temp_directory_path() / "odyo-cli-XXXXXX").string();
  return ::mkdtemp(t.data()) ? fs::path(t) : fs::path();
}

}  // namespace

TEST(DevicesCli, ListsTheRegistryWithCapabilities) {
  auto r = run("devices --json");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  auto j = json::parse(r.out, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << r.out;
  bool flow = false, fipp = false, gdt = false;
  for (const auto& d : j["drivers"]) {
    const auto name = d["name"].get<std::string>();
    const auto caps = d["capabilities"].get<std::string>();
    if (name == "flowstream") flow = caps.find("streams raw flow") != std::string::npos;
    if (name == "fipp") fipp = caps.find("controls tones") != std::string::npos;
    if (name == "gdt") gdt = caps.find("delivers results") != std::string::npos;
  }
  EXPECT_TRUE(flow && fipp && gdt) << r.out;
  EXPECT_TRUE(j.contains("discovered"));
}

// A simulated serial head: quiet 0.3 s, a blow stopped early (flow cut 1.2 s into the
// expiration), quiet: the command records ~5 s, finds one manoeuvre ended on the plateau rule,
// no gaps, and journals the raw bytes.
TEST(DevicesCli, AcquireSpiroRecordsAndSegments) {
  const auto dir = temp_dir();
  std::string why;
  auto prof = devsim::load_flow_stream_profile(
      fs::path(ODYO_SOURCE_DIR) / "config/devices/sfm3000-serial.toml", &why);
  ASSERT_TRUE(prof) << why;
  auto script =
      devsim::FlowScript::parse("quiet:0.3,early_stop,quiet:3", prof->sample_rate_hz, false, &why);
  ASSERT_TRUE(script) << why;
  devsim::SpiroSimulator sim(*prof, *script, dir / "tty");
  ASSERT_TRUE(sim.start(&why)) << why;
  auto r = run("--json acquire spiro --device serial:" + (dir / "tty").string() +
               " --worker W-7 --seconds 5 --no-store --journal " + (dir / "j.db").string());
  sim.stop();
  ASSERT_EQ(r.exit_code, 0) << r.out;
  auto j = json::parse(r.out, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << r.out;
  EXPECT_GT(j["samples"].get<int>(), 4000);
  EXPECT_EQ(j["gap_samples"].get<int>(), 0);
  EXPECT_EQ(j["frame_errors"].get<int>(), 0);
  ASSERT_EQ(j["manoeuvres"].size(), 1u) << r.out;
  EXPECT_EQ(j["manoeuvres"][0]["end"].get<std::string>(), "plateau");
  EXPECT_TRUE(fs::exists(dir / "j.db"));
  fs::remove_all(dir);
}

TEST(DevicesCli, AcquireWithABadUriSaysWhatToWrite) {
  auto r = run("--json acquire spiro --device /dev/ttyUSB0 --worker W-7 --seconds 1");
  EXPECT_EQ(r.exit_code, 1);
  auto j = json::parse(r.out, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << r.out;
  EXPECT_EQ(j["error"]["code"].get<std::string>(), "bad_uri");
  EXPECT_NE(j["error"]["message"].get<std::string>().find("serial:/dev/ttyUSB0"),
            std::string::npos);
}

// The automated search on the simulated FA12 for one ear and 1 kHz: the listener's threshold.
TEST(DevicesCli, AcquireAudioRunsTheSearchOnTheFippAudiometer) {
  const auto dir = temp_dir();
  std::string why;
  auto prof =
      devsim::load_fipp_profile(fs::path(ODYO_SOURCE_DIR) / "config/devices/frye-fa12.toml", &why);
  ASSERT_TRUE(prof) << why;
  devsim::ListenerModel l;
  l.threshold_db_hl[{"right", 1000}] = 20;
  devsim::FippSimulator sim(*prof, l, dir / "tty");
  ASSERT_TRUE(sim.start(&why)) << why;
  auto r = run("--json acquire audio --device serial:" + (dir / "tty").string() +
               " --worker W-7 --ears right --frequencies 1000 --tone-ms 300 --gap-ms 150 "
               "--no-retest --no-store --journal " +
               (dir / "j.db").string());
  sim.stop();
  ASSERT_EQ(r.exit_code, 0) << r.out;
  auto j = json::parse(r.out, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << r.out;
  EXPECT_EQ(j["model"].get<std::string>(), "FA12");
  bool found = false;
  for (const auto& t : j["thresholds"])
    if (t["frequency_hz"].get<int>() == 1000 && !t["retest"].get<bool>()) {
      EXPECT_EQ(t["level_db_hl"].get<int>(), 20);
      found = true;
    }
  EXPECT_TRUE(found) << r.out;
  fs::remove_all(dir);
}
