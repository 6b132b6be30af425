#include "station/cli/app.hpp"

#include <CLI/CLI.hpp>

namespace odyo::station {
int run_cli(int argc, char** argv) {
  CLI::App app{"odyospiro — hearing and lung-function test station"};
  app.require_subcommand(1);
  CLI11_PARSE(app, argc, argv);
  return 0;
}
}  // namespace odyo::station
