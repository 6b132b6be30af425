#pragma once
// The `audio` command group, shared by the hearing commands (audio_cmd.cpp) and the PC
// audiometer's commands (pcaudio_cmd.cpp): found if registered already, else created.
#include <CLI/CLI.hpp>

namespace odyo::station {
CLI::App* audio_command_group(CLI::App& app);
}
