#include "station/cli/app.hpp"

#include <sys/stat.h>
#include <CLI/CLI.hpp>

#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>

#include "station/cli/context.hpp"
#include "station/cli/docgen.hpp"
#include "station/cli/person_options.hpp"
#include "station/core/local_time.hpp"
#include "station/core/oplog.hpp"

namespace odyo::station {

namespace {

// $ODYOSPIRO_LANG when it is set and not empty.
std::optional<std::string> env_language() {
  const char* env = std::getenv("ODYOSPIRO_LANG");
  if (env == nullptr || *env == '\0') return std::nullopt;
  return std::string(env);
}

// The language of the help screens and parse errors, known before the command line is parsed:
// --lang, else $ODYOSPIRO_LANG, else the configuration's [station].language (--config, else the
// default), else Turkish.
std::string help_language(int argc, char** argv) {
  std::string lang;
  std::string config;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    const auto value = [&](const std::string& name, std::string& into) {
      if (a == name && i + 1 < argc) into = argv[i + 1];
      if (a.rfind(name + "=", 0) == 0) into = a.substr(name.size() + 1);
    };
    value("--lang", lang);
    value("--config", config);
  }
  if (!lang.empty()) return lang;
  if (auto env = env_language(); env && i18n::known_language(*env)) return *env;
  if (auto c = load_config(resolve_config_path(config))) return c->language;
  return std::string(i18n::kLanguages[0]);
}

}  // namespace

int run_cli(int argc, char** argv) {
  CliContext ctx;
  const i18n::Catalog& help_catalog = i18n::catalog(help_language(argc, argv));
  // A language the catalogues do not have is refused, not silently taken for English.
  if (auto env = env_language(); env && !i18n::known_language(*env)) {
    std::cerr << "odyospiro: "
              << help_catalog.trf(
                     "ODYOSPIRO_LANG is `{}`: the station speaks `tr` and `en`; set "
                     "one of them or unset it",
                     *env)
              << "\n";
    return 2;
  }
  CLI::App app{
      "odyospiro — işitme ve solunum testi istasyonu / hearing and lung-function test station"};
  app.set_version_flag("--version", std::string("odyospiro ") + ODYO_VERSION);
  app.option_defaults()->always_capture_default();
  // The installed path is in the man page (FILES); a fixed text here can be translated.
  app.add_option("--config", ctx.opts.config_path,
                 "Configuration file (else $ODYOSPIRO_CONFIG, else /etc/odyospiro/station.toml "
                 "of the installation)");
  app.add_option("--db", ctx.opts.db_path, "SQLite database file (overrides [station].database)");
  app.add_option("--lang", ctx.opts.language, "Output language")
      ->check(CLI::IsMember({"tr", "en"}))
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  app.add_option("--user", ctx.opts.user,
                 "Who is acting; proven by the password in $ODYOSPIRO_PASSWORD or typed at the "
                 "prompt (every command that reads or writes the database)");
  app.add_flag("--json", ctx.opts.json, "Machine-readable JSON output");
  app.add_flag_callback(
      "-v,--verbose", [] { oplog::verbose(); },
      "Also print the operations log (start, stop, errors) on stderr");
  app.require_subcommand(1);
  app.fallthrough();
  register_all_commands(app, ctx);
  register_generate_command(app, help_catalog);
  tidy_option_defaults(app);
  translate_help(app, help_catalog);
  app.failure_message([&help_catalog](const CLI::App* failed, const CLI::Error& e) {
    std::string m = "odyospiro: " + std::string(help_catalog.tr("error")) + ": " +
                    parse_error_message(e, help_catalog) + "\n";
    if (failed->get_help_ptr() != nullptr)
      m += help_catalog.trf("Run with {} for more information.", "--help") + "\n";
    return m;
  });
  // Europe/Istanbul until the configuration says otherwise ([station].timezone), also for the
  // commands that read no configuration; without the tz database TZ stays as it was.
  (void)set_station_time_zone(kDefaultTimeZone);
  // Everything the station writes (database, journal, key, backups, exports) is for this
  // account only unless made group-readable explicitly (station/storage/file_modes.hpp).
  ::umask(077);
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
  } catch (const PersonInputError& e) {  // a typed value that cannot be read: --sex X, 31.02.1990
    const int code = ctx.fail(e.input_error());
    oplog::finished(ctx.opts.user, code);
    return code;
  } catch (const CLI::ParseError& e) {
    // CLI11 prints the message (or the help) and gives its own codes (104–109 for a wrong
    // option); the README documents exit 1 for bad input, 0 for --help and --version.
    const int code = app.exit(e) == 0 ? 0 : kExitBadInput;
    if (code != 0) oplog::error("usage", e.what());
    oplog::finished(ctx.opts.user, code);
    return code;
  }
  oplog::finished(ctx.opts.user, ctx.exit_code);
  return ctx.exit_code;
}

}  // namespace odyo::station
