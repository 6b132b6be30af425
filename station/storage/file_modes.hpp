#pragma once
// Who may read the station's files. The database, its -wal/-shm, the raw journal and the
// station key hold T.C. numbers, health data and password hashes: they are created 0600 in a
// 0700 folder, or 0640/0750 owned by a configured Unix group ([station].data_group), and a
// database readable or writable by everyone is refused with the command that fixes it.
// Thread-safe (no shared state).

#include <filesystem>
#include <string>

#include "analysis/core/result.hpp"

namespace odyo::station {

// Creates `dir` (and missing parents) 0700, or 0750 with `group`; an existing folder is left
// as it is.
Result<void> make_private_dir(const std::filesystem::path& dir, const std::string& group = "");
// Sets `file` to 0600, or 0640 with `group` as its group.
Result<void> make_private_file(const std::filesystem::path& file, const std::string& group = "");
// An error when `file` exists and others (not the owner, not the group) may read or write it;
// the message names the mode and the chmod command that fixes it.
Result<void> refuse_world_readable(const std::filesystem::path& file);

}  // namespace odyo::station
