// `odyospiro audio pc-search`: the refusals that come before any tone is played (a running
// search needs a real-time button; the search itself is tested end to end in
// tests/acquisition/pcaudiometer).
#include <gtest/gtest.h>

#include <cstdlib>

#include "tests/station/pcaudio/pcaudio_test_files.hpp"

namespace odyo::station::pcaudio {
namespace {

using namespace testing;

int run(const TempDir& dir, const std::string& args) {
  const std::string cmd = std::string("'") + ODYOSPIRO_EXE + "' --lang en audio pc-search " + args +
                          " >'" + (dir.path() / "out.txt").string() + "' 2>'" +
                          (dir.path() / "err.txt").string() + "'";
  const int rc = std::system(cmd.c_str());
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

TEST(PcaudioSearchCli, ButtonMustBeAHidrawDeviceThatIsThere) {
  TempDir dir;
  const std::string cal = "--calibration '" + example_calibration().string() + "' --allow-example";
  EXPECT_EQ(run(dir, "--device pc:default --button usb:1209:0001 " + cal), 2);
  EXPECT_NE(read_text(dir.path() / "err.txt").find("hidraw:/dev/hidrawN"), std::string::npos);
  EXPECT_EQ(run(dir, "--device pc:default --button hidraw:/dev/hidraw-none " + cal), 2);
  EXPECT_NE(read_text(dir.path() / "err.txt").find("plug the USB button in"), std::string::npos)
      << read_text(dir.path() / "err.txt");
}

}  // namespace
}  // namespace odyo::station::pcaudio
