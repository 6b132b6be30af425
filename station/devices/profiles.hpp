#pragma once
// Device profiles (config/devices/*.toml) read from the station's configuration folder.
// Thread-safety: free function.
#include <filesystem>
#include <string>

#include "analysis/core/result.hpp"
#include "drivers/profile/profile.hpp"

namespace odyo::station {

// `name` is a file path, or a profile name looked up as <config_dir>/devices/<name>.toml.
Result<profile::Profile> load_device_profile(const std::filesystem::path& config_dir,
                                             const std::string& name);

}  // namespace odyo::station
