#include "station/devices/profiles.hpp"

#include <toml++/toml.h>

#include "drivers/profile/toml_tree.hpp"

#include "analysis/core/error_text.hpp"
#include "station/core/input.hpp"

namespace odyo::station {

Result<profile::Profile> load_device_profile(const std::filesystem::path& config_dir,
                                             const std::string& name) {
  std::error_code ec;
  std::filesystem::path file = name;
  if (!std::filesystem::is_regular_file(file, ec)) file = config_dir / "devices" / (name + ".toml");
  if (!std::filesystem::is_regular_file(file, ec)) {
    return make_errorf("profile_missing",
                       "device profile '{}' not found (looked for {}): use a file name from "
                       "config/devices/",
                       name, file.string());
  }
  auto text = read_input_file(file);
  if (!text) {
    Error e = text.error();
    e.code = "profile_invalid";
    return e;
  }
  toml::table t;
  try {
    t = toml::parse(*text, file.string());
  } catch (const toml::parse_error& e) {
    return make_errorf("profile_invalid", "{}:{}: {}", file.string(), e.source().begin.line,
                       std::string(e.description()));
  }
  auto r = profile::parse_profile(profile::to_profile_node(t), file.filename().string());
  if (auto* e = std::get_if<profile::ProfileError>(&r)) {
    // The drivers' text, not (yet) in a catalogue.
    return Error{"profile_invalid", profile::format(*e, file.string())};
  }
  return std::get<profile::Profile>(std::move(r));
}

}  // namespace odyo::station
