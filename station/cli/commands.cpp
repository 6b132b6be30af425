// The one list of odyospiro's command groups. Each group lives in its own file in station/cli/.
#include <CLI/CLI.hpp>

#include "station/cli/context.hpp"

namespace odyo::station {

// (new groups: declare here and call below — one line each)

void register_all_commands(CLI::App& app, CliContext& ctx) {
  (void)app;
  (void)ctx;
}

}  // namespace odyo::station
