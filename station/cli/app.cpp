#include "station/cli/app.hpp"

#include <CLI/CLI.hpp>
#include <sys/stat.h>

#include <cstdlib>
#include <iostream>

#include "station/cli/context.hpp"

namespace odyo::station {

int run_cli(int argc, char** argv) {
  CliContext ctx;
  CLI::App app{
      "odyospiro — işitme ve solunum testi istasyonu / hearing and lung-function test station"};
  app.set_version_flag("--version", std::string("odyospiro ") + ODYO_VERSION);
  app.option_defaults()->always_capture_default();
  app.add_option("--config", ctx.opts.config_path,
                 "Configuration file (else $ODYOSPIRO_CONFIG, else config/station.toml)");
  app.add_option("--db", ctx.opts.db_path, "SQLite database file (overrides [station].database)");
  app.add_option("--lang", ctx.opts.language, "Output language")
      ->check(CLI::IsMember({"tr", "en"}));
  app.add_option("--user", ctx.opts.user,
                 "Who is acting; proven by the password in $ODYOSPIRO_PASSWORD or typed at the "
                 "prompt (every command that reads or writes the database)");
  app.add_flag("--json", ctx.opts.json, "Machine-readable JSON output");
  app.require_subcommand(1);
  app.fallthrough();
  register_all_commands(app, ctx);
  // Everything the station writes (database, journal, key, backups, exports) is for this
  // account only unless made group-readable explicitly (station/storage/file_modes.hpp).
  ::umask(077);
  if (ctx.opts.user.empty()) {  // TEMPORARY until login is enforced
    const char* u = std::getenv("USER");
    ctx.opts.user = (u != nullptr && *u != '\0') ? u : "system";
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  return ctx.exit_code;
}

}  // namespace odyo::station
