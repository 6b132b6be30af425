#pragma once
// Documents generated from the command line's own CLI11 tree, so they cannot drift from it:
// the man page (odyospiro.1), the bash completion script and a JSON form of the tree (commands,
// options, which are required and take a value) that the command-line tests walk. The hidden
// command `odyospiro generate man|bash-completion|cli-tree` prints them; the build runs it.

#include <CLI/CLI.hpp>
#include <string>

namespace odyo::station {

std::string man_page(const CLI::App& app);
std::string bash_completion(const CLI::App& app);
std::string cli_tree_json(const CLI::App& app);

// Adds the hidden `generate` command; `app` is the whole tree it documents.
void register_generate_command(CLI::App& app);

// A required option shows no default in the help (CLI11 would print "FLOAT=nan REQUIRED"), nor
// does an option whose default is a placeholder (NaN, empty).
void tidy_option_defaults(CLI::App& app);

}  // namespace odyo::station
