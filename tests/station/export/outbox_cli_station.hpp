#pragma once
// An outbox station (outbox_seed.hpp) that the built `odyospiro` can act on: a station.toml
// beside the database (the source tree's, its data folders linked) with [[export.destination]]
// pointing at `url` and short retry times, and the command prefix acting as a user.
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "tests/station/export/outbox_seed.hpp"

namespace odyo::test {

struct OutboxCliStation : OutboxStation {
  std::filesystem::path config;

  OutboxCliStation(int n, const std::string& url) : OutboxStation(n) {
    using namespace odyo::station;
    EXPECT_TRUE(
        add_user(*db, {"admin", "Admin", "admin", "admin-parola-2026"}, 10, 10000, "admin").ok());
    add_destination("office-pg", url);
    out.retry_initial_s = 0.2;
    out.retry_max_s = 0.5;
    const auto cfg_dir = dir / "config";
    std::filesystem::create_directories(cfg_dir);
    for (const char* sub : {"rules", "reference", "audiometry", "calibration", "devices"}) {
      std::filesystem::create_directory_symlink(std::string(ODYO_SOURCE_DIR) + "/config/" + sub,
                                                cfg_dir / sub);
    }
    config = cfg_dir / "station.toml";
    write_config("[[export.destination]]\nid = \"office-pg\"\nkind = \"postgresql\"\nurl = \"" +
                 url + "\"\n");
  }

  // Rewrites station.toml: the source tree's, with short retry times and `destinations` (TOML
  // [[export.destination]] tables) in its [export] section.
  void write_config(const std::string& destinations) const {
    std::ifstream in(std::string(ODYO_SOURCE_DIR) + "/config/station.toml");
    std::string toml((std::istreambuf_iterator<char>(in)), {});
    const std::string key = "hl7_patient_id_authority = \"TCKN\"\n";
    const auto at = toml.find(key);
    EXPECT_NE(at, std::string::npos);
    toml.insert(at + key.size(), "retry_initial_s = 0.2\nretry_max_s = 0.5\n\n" + destinations);
    std::ofstream(config) << toml;
  }

  // `<odyospiro> --config … --db … --user NAME` with that user's password in the environment.
  [[nodiscard]] std::string as(const std::string& user) const {
    const std::string pw = user == "admin" ? "admin-parola-2026" : kPassword;
    return "ODYOSPIRO_PASSWORD='" + pw + "' '" + std::string(ODYOSPIRO_EXE) + "' --config '" +
           config.string() + "' --db '" + (dir / "station.db").string() + "' --user " + user;
  }
};

}  // namespace odyo::test
