#pragma once
// Documents generated from the command line's own CLI11 tree, so they cannot drift from it:
// the man page (odyospiro.1), the bash completion script and a JSON form of the tree (commands,
// options, which are required and take a value) that the command-line tests walk. The hidden
// command `odyospiro generate man|bash-completion|cli-tree` prints them; the build runs it.

#include <CLI/CLI.hpp>
#include <string>

#include "station/core/i18n.hpp"

namespace odyo::station {

std::string man_page(const CLI::App& app, const i18n::Catalog& catalog);
std::string bash_completion(const CLI::App& app);
std::string cli_tree_json(const CLI::App& app);

// Puts the help of the whole tree into `catalog`'s language: every description, group name and
// label of the help screens, and CLI11's own error messages (station/cli/help_i18n.cpp).
void translate_help(CLI::App& app, const i18n::Catalog& catalog);
// Every text of the help screens as a gettext template (.pot), for the catalogue test.
std::string help_pot(const CLI::App& app);
// A CLI11 parse error's message in `catalog`'s language.
std::string parse_error_message(const CLI::Error& e, const i18n::Catalog& catalog);

// Adds the hidden `generate` command (man, bash-completion, cli-tree, pot); `app` is the whole
// tree it documents.
void register_generate_command(CLI::App& app, const i18n::Catalog& catalog);

// A required option shows no default in the help (CLI11 would print "FLOAT=nan REQUIRED"), nor
// does an option whose default is a placeholder (NaN, empty).
void tidy_option_defaults(CLI::App& app);

}  // namespace odyo::station
