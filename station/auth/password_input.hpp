#pragma once
// Reading passwords for the command line: from the environment (scripts) or typed at the
// terminal without echo. Never from $USER or anything else; nothing is cached on disk.
// Thread-safety: the command line's thread (changes the terminal's mode while reading).

#include <optional>

#include <string>
#include "station/core/i18n.hpp"

namespace odyo::station {

// The acting user's password: $ODYOSPIRO_PASSWORD if set, else asked on the terminal (no echo)
// when there is one, else none.
std::optional<std::string> read_password(const std::string& prompt);

// A new password for an account (user add, user passwd, db migrate --admin):
// $`env_var` if set; else asked twice on the terminal (they must match); else one line of stdin.
std::optional<std::string> read_new_password(const char* env_var, const std::string& prompt,
                                             const i18n::Catalog& c);

// Asks on the terminal without echo; none when there is no terminal.
std::optional<std::string> prompt_no_echo(const std::string& prompt);

}  // namespace odyo::station
