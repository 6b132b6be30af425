#pragma once
// The odyospiro command line (CLI11). Each command group lives in its own file under
// station/cli/ and is listed once in station/cli/commands.cpp.
namespace odyo::station {
// Exit code of a refused input (README: 1 bad input, 2 configuration or database, 3 db verify
// found a problem, 4 ambient noise too loud).
inline constexpr int kExitBadInput = 1;
int run_cli(int argc, char** argv);
}  // namespace odyo::station
