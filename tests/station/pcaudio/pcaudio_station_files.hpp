#pragma once
// A private station for the `acquire audio --device pc:…` tests: a station.toml in a temporary
// folder (the shipped rule tables, reference data and RETSPL by absolute path), a measured-looking
// calibration (the shipped example with example = false, so that the station accepts it), a
// pc-audiometer device on an ALSA `file` PCM of a private ALSA config, a response button on
// /dev/hidraw0, a real SQLite database and one registered worker.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "tests/station/pcaudio/pcaudio_test_files.hpp"
#include "tests/station/support/station_fixture.hpp"

namespace odyo::station::pcaudio::testing {

struct PcStation {
  TempDir dir;
  fs::path config;
  fs::path db;
  fs::path calibration;
  fs::path wav;
  std::string pcm = "audiotest";

  // `calibration_text`: the calibration file to use (default: the example, not marked example).
  explicit PcStation(std::string calibration_text = "") {
    if (calibration_text.empty())
      calibration_text = replace_once(example_text(), "example = true", "example = false");
    calibration = dir.write("calibration.toml", calibration_text);
    wav = dir.path() / "played.wav";
    std::ofstream(dir.path() / "asoundrc")
        << "pcm." << pcm << " { type file; slave.pcm { type null }; file \"" << wav.string()
        << "\"; format \"wav\" }\n";
    const std::string alsa = "/usr/share/alsa/alsa.conf:" + (dir.path() / "asoundrc").string();
    ::setenv("ALSA_CONFIG_PATH", alsa.c_str(), 1);
    db = dir.path() / "station.db";
    const fs::path src = fs::path(ODYO_SOURCE_DIR) / "config";
    config = dir.write("station.toml", R"([station]
name = "Test station"
establishment = "Kozlu"
establishments = ["Amasra", "Armutçuk", "Kozlu", "Karadon", "Üzülmez"]
language = "en"
database = ")" + db.string() + R"("

[spirometry]
reference_dir = ")" + (src / "reference").string() +
                                           R"("

[audiometry]
audiometry_dir = ")" + (src / "audiometry").string() +
                                           R"("
calibration_file = ")" + calibration.string() +
                                           R"("
calibration_valid_months = 12

[rules]
dir = ")" + (src / "rules").string() + R"("

[[devices]]
id = "pc-audio"
kind = "pc-audiometer"
driver = "pcaudio"
uri = "pc:)" + pcm + R"("

[[devices]]
id = "button"
kind = "response-button"
driver = "hidraw"
uri = "hidraw:/dev/hidraw0"

[[devices]]
id = "audio-sim"
kind = "audiometer"
driver = "fipp"
uri = "sim:audiometer"
)");
    // The database as a clinic creates it: the first admin, then the technician who tests.
    const std::string exe = "'" + std::string(ODYOSPIRO_EXE) + "' --config '" + config.string() +
                            "' --db '" + db.string() + "' ";
    odyo::test::run_command("ODYOSPIRO_PASSWORD=admin-parola-2026 " + exe +
                            "db migrate --admin admin");
    odyo::test::run_command(
        "ODYOSPIRO_PASSWORD=admin-parola-2026 ODYOSPIRO_NEW_PASSWORD=tekniker-parola-2026 " + exe +
        "--user admin user add tekniker --name Tekniker --role technician");
  }

  [[nodiscard]] std::string odyospiro(const std::string& prefix = "") const {
    return prefix + "ODYOSPIRO_PASSWORD=tekniker-parola-2026 '" + std::string(ODYOSPIRO_EXE) +
           "' --lang en --config '" + config.string() + "' --db '" + db.string() +
           "' --user tekniker ";
  }

  odyo::test::CommandResult run(const std::string& args, const std::string& prefix = "") const {
    return odyo::test::run_command(odyospiro(prefix) + args);
  }

  // Worker 3001 (T.C. 10000000146 passes the checksum) in a job of the shipped catalogue.
  [[nodiscard]] bool add_worker() const {
    return run("worker add --registry 3001 --tc 10000000146 --first-name Ali --last-name Kaya "
               "--birth-date 1990-05-01 --sex M --height-cm 175 --weight-kg 80 "
               "--job YA-PANO-01")
               .exit_code == 0;
  }

  // Today's daily listening check for the calibration's interface + earphones.
  [[nodiscard]] odyo::test::CommandResult listening_check(bool pass) const {
    return run(std::string("audio listening-check ") +
               (pass ? "--pass" : "--fail --note 'crackle in the left earphone'") +
               " --listener Ayse");
  }
};

}  // namespace odyo::station::pcaudio::testing
