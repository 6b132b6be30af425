#include "station/cli/app.hpp"

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <iostream>

#include "station/cli/context.hpp"
#include "station/cli/docgen.hpp"
#include "station/cli/oplog.hpp"

namespace odyo::station {

int run_cli(int argc, char** argv) {
  CliContext ctx;
  CLI::App app{
      "odyospiro — işitme ve solunum testi istasyonu / hearing and lung-function test station"};
  app.set_version_flag("--version", std::string("odyospiro ") + ODYO_VERSION);
  app.option_defaults()->always_capture_default();
  app.add_option(
      "--config", ctx.opts.config_path,
      "Configuration file (else $ODYOSPIRO_CONFIG, else " + default_config_path().string() + ")");
  app.add_option("--db", ctx.opts.db_path, "SQLite database file (overrides [station].database)");
  app.add_option("--lang", ctx.opts.language, "Output language")
      ->check(CLI::IsMember({"tr", "en"}));
  app.add_option("--user", ctx.opts.user,
                 "Who is acting (recorded in the audit log); default $USER");
  app.add_flag("--json", ctx.opts.json, "Machine-readable JSON output");
  app.add_flag_callback(
      "-v,--verbose", [] { oplog::verbose(); },
      "Also print the operations log (start, stop, errors) on stderr");
  app.require_subcommand(1);
  app.fallthrough();
  register_all_commands(app, ctx);
  register_generate_command(app);
  tidy_option_defaults(app);
  if (ctx.opts.user.empty()) {
    const char* u = std::getenv("USER");
    ctx.opts.user = (u != nullptr && *u != '\0') ? u : "system";
  }
  oplog::open();
  std::string command_line;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "-v" || a == "--verbose") oplog::verbose();  // before parsing: the start line too
    command_line += (i > 1 ? " " : "") + a;
  }
  oplog::started(command_line);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    if (code != 0) oplog::error("usage", e.what());
    oplog::finished(ctx.opts.user, code);
    return code;
  }
  oplog::finished(ctx.opts.user, ctx.exit_code);
  return ctx.exit_code;
}

}  // namespace odyo::station
