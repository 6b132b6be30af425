// Configuration: the shipped file is valid; every kind of mistake names file, key and what is
// allowed.
#include <gtest/gtest.h>

#include <fstream>

#include "station/config/config.hpp"
#include "tests/station/support/station_fixture.hpp"

using namespace odyo::station;

namespace {

std::string shipped() {
  std::ifstream f(std::string(ODYO_SOURCE_DIR) + "/config/station.toml");
  return {std::istreambuf_iterator<char>(f), {}};
}

odyo::Error load_error(const std::string& text, odyo::test::TempDir& dir) {
  const auto file = dir / "station.toml";
  std::ofstream(file) << text;
  auto c = load_config(file);
  EXPECT_FALSE(c.ok()) << text;
  return c.ok() ? odyo::Error{} : c.error();
}

std::string replaced(std::string s, const std::string& from, const std::string& to) {
  const auto pos = s.find(from);
  EXPECT_NE(pos, std::string::npos) << from;
  return s.replace(pos, from.size(), to);
}

}  // namespace

TEST(Config, ShippedFileIsValid) {
  auto c = load_config(std::string(ODYO_SOURCE_DIR) + "/config/station.toml");
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->language, "tr");
  EXPECT_EQ(c->establishments.size(), 5u);
  EXPECT_EQ(c->speech_frequencies_hz, (std::vector<int>{500, 1000, 2000}));
  EXPECT_EQ(c->rules_dir, std::filesystem::path(ODYO_SOURCE_DIR) / "config" / "rules");
  EXPECT_FALSE(c->devices.empty());
}

TEST(Config, UnknownKeyNamesFileLineAndAllowedKeys) {
  odyo::test::TempDir dir;
  auto e = load_error(
      replaced(shipped(), "language = \"tr\"", "language = \"tr\"\nlanguaje = \"en\""), dir);
  EXPECT_NE(e.message.find("station.toml:"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("[station].languaje: unknown key"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("language"), std::string::npos) << e.message;
}

TEST(Config, UnknownSection) {
  odyo::test::TempDir dir;
  auto e = load_error(shipped() + "\n[printer]\nname = \"x\"\n", dir);
  EXPECT_NE(e.message.find("printer: unknown section"), std::string::npos) << e.message;
}

TEST(Config, WrongType) {
  odyo::test::TempDir dir;
  auto e = load_error(
      replaced(shipped(), "calibration_valid_months = 12", "calibration_valid_months = \"12\""),
      dir);
  EXPECT_NE(e.message.find(
                "[audiometry].calibration_valid_months: wrong type (string); expected an integer"),
            std::string::npos)
      << e.message;
}

TEST(Config, OutOfRange) {
  odyo::test::TempDir dir;
  auto e = load_error(
      replaced(shipped(), "min_sample_rate_hz = 100.0", "min_sample_rate_hz = 50.0"), dir);
  EXPECT_NE(
      e.message.find("[spirometry].min_sample_rate_hz: 50 is out of range; allowed 100..100000"),
      std::string::npos)
      << e.message;
}

TEST(Config, ValueNotAllowed) {
  odyo::test::TempDir dir;
  auto e = load_error(replaced(shipped(), "language = \"tr\"", "language = \"de\""), dir);
  EXPECT_NE(e.message.find("\"de\" is not allowed; allowed: tr, en"), std::string::npos)
      << e.message;
  e = load_error(replaced(shipped(), "speech_frequencies_hz = [500, 1000, 2000]",
                          "speech_frequencies_hz = [500, 1500]"),
                 dir);
  EXPECT_NE(e.message.find("1500 is not allowed"), std::string::npos) << e.message;
  e = load_error(replaced(shipped(), "establishment = \"Kozlu\"", "establishment = \"Ankara\""),
                 dir);
  EXPECT_NE(e.message.find("\"Ankara\" is not allowed"), std::string::npos) << e.message;
}

TEST(Config, AmbientLimitsTable) {
  auto c = load_config(std::string(ODYO_SOURCE_DIR) + "/config/station.toml");
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->ambient_limits, "osha-d1");
  odyo::test::TempDir dir;
  const auto file = dir / "station.toml";
  std::ofstream(file) << replaced(shipped(), "ambient_limits = \"osha-d1\"",
                                  "ambient_limits = \"ansi-s3.1-1977-ears-covered\"");
  auto ansi = load_config(file);
  ASSERT_TRUE(ansi.ok()) << ansi.error().message;
  EXPECT_EQ(ansi->ambient_limits, "ansi-s3.1-1977-ears-covered");
  // An unknown table stops start-up, naming the key and what is allowed.
  auto e = load_error(
      replaced(shipped(), "ambient_limits = \"osha-d1\"", "ambient_limits = \"iso-8253-1\""), dir);
  EXPECT_NE(e.message.find("[audiometry].ambient_limits"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("\"iso-8253-1\" is not allowed; allowed: osha-d1, "
                           "ansi-s3.1-1977-ears-covered"),
            std::string::npos)
      << e.message;
}

TEST(Config, BrokenSyntax) {
  odyo::test::TempDir dir;
  auto e = load_error(replaced(shipped(), "language = \"tr\"", "language = \"tr"), dir);
  EXPECT_EQ(e.code, "config_syntax");
  EXPECT_NE(e.message.find("not valid TOML"), std::string::npos) << e.message;
}

TEST(Config, MissingRequiredKeyAndDuplicateDevice) {
  odyo::test::TempDir dir;
  auto e = load_error(replaced(shipped(), "name = \"Kozlu İşyeri Sağlık Birimi\"", ""), dir);
  EXPECT_NE(e.message.find("[station].name: missing"), std::string::npos) << e.message;
  e = load_error(replaced(shipped(), "id = \"audio-sim\"", "id = \"spiro-sim\""), dir);
  EXPECT_NE(e.message.find("duplicate device id"), std::string::npos) << e.message;
}

TEST(Config, MissingFile) {
  auto c = load_config("/nonexistent/station.toml");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message.find("/nonexistent/station.toml: configuration file not found"),
            std::string::npos);
}

TEST(Config, ExplicitPathThenEnvironmentThenDefault) {
  EXPECT_EQ(resolve_config_path("/x/y.toml"), "/x/y.toml");
  ::setenv("ODYOSPIRO_CONFIG", "/from/env.toml", 1);
  EXPECT_EQ(resolve_config_path(""), "/from/env.toml");
  EXPECT_EQ(resolve_config_path("/x/y.toml"), "/x/y.toml");
  ::unsetenv("ODYOSPIRO_CONFIG");
  // The default is the installed file, never a file of the working folder or of the build tree.
  EXPECT_EQ(resolve_config_path(""), default_config_path());
  EXPECT_TRUE(default_config_path().is_absolute());
  EXPECT_EQ(default_config_path().filename(), "station.toml");
  EXPECT_EQ(default_config_path().string().find(ODYO_SOURCE_DIR), std::string::npos);
  EXPECT_EQ(default_config_path().string().find(ODYO_BINARY_DIR), std::string::npos);
}

TEST(Config, DatabaseIsRelativeToTheConfigFileNotTheWorkingFolder) {
  odyo::test::TempDir dir;
  std::filesystem::create_directories(dir / "etc");
  const auto file = dir / "etc" / "station.toml";
  std::ofstream(file) << shipped();
  const auto cwd = std::filesystem::current_path();
  std::filesystem::current_path(dir.path());  // a working folder that is not the config's
  auto c = load_config("etc/station.toml");
  std::filesystem::current_path(cwd);
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->database, std::filesystem::absolute(dir / "etc") / "../var/odyospiro.db");
  std::ofstream(file) << replaced(shipped(), "database = \"../var/odyospiro.db\"",
                                  "database = \"/var/lib/odyospiro/odyospiro.db\"");
  auto abs = load_config(file);
  ASSERT_TRUE(abs.ok()) << abs.error().message;
  EXPECT_EQ(abs->database, "/var/lib/odyospiro/odyospiro.db");
}

TEST(Config, DataFoldersBesideTheConfigComeFirst) {
  // The shipped file's rules/ is next to it in the source tree: used as is.
  auto c = load_config(std::string(ODYO_SOURCE_DIR) + "/config/station.toml");
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->reference_dir, std::filesystem::path(ODYO_SOURCE_DIR) / "config" / "reference");
  // Alone in a folder (as /etc/odyospiro is without rules/), a relative data folder falls back
  // to the installation's data folder, which is not the source tree.
  odyo::test::TempDir dir;
  std::ofstream(dir / "station.toml") << shipped();
  auto alone = load_config(dir / "station.toml");
  ASSERT_TRUE(alone.ok()) << alone.error().message;
  EXPECT_EQ(alone->rules_dir.filename(), "rules");
  EXPECT_EQ(alone->rules_dir.string().find(ODYO_SOURCE_DIR), std::string::npos);
}

// [acquisition]: the store retry limit (default 60 s) and the device-return timeout (default
// 10 s) are read and range-checked like every other key.
TEST(Config, AcquisitionLimits) {
  auto c = load_config(std::string(ODYO_SOURCE_DIR) + "/config/station.toml");
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_DOUBLE_EQ(c->store_retry_limit_s, 60.0);
  EXPECT_DOUBLE_EQ(c->device_return_timeout_s, 10.0);
  odyo::test::TempDir dir;
  auto e = load_error(replaced(shipped(), "store_retry_limit_s = 60.0", "store_retry_limit_s = -5"),
                      dir);
  EXPECT_NE(e.message.find("[acquisition].store_retry_limit_s"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("out of range"), std::string::npos) << e.message;
  e = load_error(
      replaced(shipped(), "device_return_timeout_s = 10.0", "device_return_timeout_s = \"10\""),
      dir);
  EXPECT_NE(e.message.find("[acquisition].device_return_timeout_s"), std::string::npos)
      << e.message;
}

// Issue 12, item 8: "NaN/inf/out-of-range refused in every config value". A NaN compares false
// with every bound, so `min_sample_rate_hz = nan` used to pass the range check and switch the
// ATS/ERS sample-rate rule off (`--rate 1` then gave an FVC of 787 L).
TEST(Config, NanInfinityAndOutOfRangeAreRefusedInEveryNumber) {
  odyo::test::TempDir dir;
  struct Case {
    const char* from;
    const char* to;
    const char* expect;
  };
  const Case cases[] = {
      {"min_sample_rate_hz = 100.0", "min_sample_rate_hz = nan", "min_sample_rate_hz"},
      {"min_sample_rate_hz = 100.0", "min_sample_rate_hz = -nan", "min_sample_rate_hz"},
      {"min_sample_rate_hz = 100.0", "min_sample_rate_hz = inf", "min_sample_rate_hz"},
      {"min_sample_rate_hz = 100.0", "min_sample_rate_hz = -inf", "min_sample_rate_hz"},
      {"min_sample_rate_hz = 100.0", "min_sample_rate_hz = 1.0", "min_sample_rate_hz"},
      {"min_sample_rate_hz = 100.0", "min_sample_rate_hz = 1e300", "min_sample_rate_hz"},
      {"calibration_valid_months = 12", "calibration_valid_months = 4294967308",
       "calibration_valid_months"},
      {"max_bone_above_air_db = 10", "max_bone_above_air_db = nan", "max_bone_above_air_db"},
      {"max_bone_above_air_db = 10", "max_bone_above_air_db = 41", "max_bone_above_air_db"},
      // 2^32 + 500 must not narrow to 500 Hz.
      {"speech_frequencies_hz = [500, 1000, 2000]", "speech_frequencies_hz = [4294967796, 1000]",
       "speech_frequencies_hz"},
      {"speech_frequencies_hz = [500, 1000, 2000]", "speech_frequencies_hz = [99999999999, 1000]",
       "speech_frequencies_hz"},
  };
  for (const auto& c : cases) {
    auto e = load_error(replaced(shipped(), c.from, c.to), dir);
    EXPECT_EQ(e.code, "config_invalid") << c.to;
    EXPECT_NE(e.message.find(c.expect), std::string::npos) << c.to << ": " << e.message;
  }
}

// "free text limited … no control or bidi characters, valid UTF-8" holds for the configured
// station name and establishments too (they are stored with every worker).
TEST(Config, TextValuesAreFreeTextChecked) {
  odyo::test::TempDir dir;
  auto e = load_error(
      replaced(shipped(), "name = \"Kozlu İşyeri Sağlık Birimi\"", "name = \"Kozlu\\u001b[2J\""),
      dir);
  EXPECT_NE(e.message.find("[station].name"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("control character"), std::string::npos) << e.message;
  e = load_error(replaced(shipped(), "\"Amasra\"", "\"Ama\\u202Esra\""), dir);
  EXPECT_NE(e.message.find("establishments"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("bidirectional"), std::string::npos) << e.message;
}

// "an input size limit on every file read": the configuration goes through the bounded reader.
TEST(Config, AnEndlessConfigurationFileIsRefused) {
  auto c = load_config("/dev/zero");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message.find("/dev/zero"), std::string::npos) << c.error().message;
  EXPECT_NE(c.error().message.find("limit of 64 MiB"), std::string::npos) << c.error().message;
}

// [export]: the identifier systems are configuration; the shipped (placeholder) values load,
// a missing key is named, and a file without the section loads with no export settings.
TEST(Config, ExportSection) {
  auto c = load_config(std::string(ODYO_SOURCE_DIR) + "/config/station.toml");
  ASSERT_TRUE(c.ok()) << c.error().message;
  ASSERT_TRUE(c->exports.has_value());
  EXPECT_EQ(c->exports->station_id, "ST01");
  EXPECT_EQ(c->exports->hl7_local_coding_system, "99TTK");
  odyo::test::TempDir dir;
  auto e = load_error(replaced(shipped(), "station_id = \"ST01\"\n", ""), dir);
  EXPECT_NE(e.message.find("[export].station_id: missing"), std::string::npos) << e.message;
  const auto s = shipped();
  const auto from = s.find("[export]");
  const auto to = s.find("[[devices]]");
  ASSERT_NE(from, std::string::npos);
  const auto file = dir / "no-export.toml";
  std::ofstream(file) << s.substr(0, from) + s.substr(to);
  auto without = load_config(file);
  ASSERT_TRUE(without.ok()) << without.error().message;
  EXPECT_FALSE(without->exports.has_value());
}
