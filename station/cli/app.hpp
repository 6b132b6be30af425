#pragma once
// The odyospiro command line (CLI11). Each command group lives in its own file under
// station/cli/ and is listed once in station/cli/commands.cpp.
namespace odyo::station {
int run_cli(int argc, char** argv);
}
