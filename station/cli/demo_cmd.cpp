// odyospiro demo — filled in below.
#include "station/cli/context.hpp"

namespace odyo::station {
void register_demo_command(CLI::App& app, CliContext& ctx) {
  auto* demo = app.add_subcommand("demo", "Run the demonstration: sample workers, one spirometry and one audiometry exam");
  demo->callback([&ctx] { ctx.exit_code = 0; });
}
}  // namespace odyo::station
