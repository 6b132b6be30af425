// `odyospiro audio ambient`: the ambient-noise check through the built command, from a WAV file
// and from an ALSA capture PCM (a private ALSA config's `file` PCM whose `infile` is a raw
// recording, over a `null` slave). Levels worked by hand with --mic-calibration-db 94 (the SPL a
// full-scale sine reads): a sine of peak amplitude A reads 20·log10(A) + 94 dB SPL.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/station/pcaudio/ambient_test_files.hpp"
#include "tests/station/support/station_fixture.hpp"

namespace {

using nlohmann::json;
using odyo::test::CommandResult;
using odyo::test::TempDir;
namespace amb = odyo::test::ambient;

CommandResult ambient(const TempDir& dir, const std::string& args, const std::string& prefix = "") {
  return odyo::test::run_command(prefix + odyo::test::odyospiro(dir / "station.db") +
                                 " --lang en audio ambient --mic-calibration-db 94 " + args);
}

const json* band(const json& j, int hz) {
  for (const auto& b : j["bands"])
    if (b["centre_hz"] == hz) return &b;
  return nullptr;
}

}  // namespace

TEST(AmbientCli, QuietWavPasses) {
  // 0.001 at 1 kHz: −60 dBFS → 34 dB SPL; OSHA D-1 allows 40 at 1 kHz: margin 6.
  TempDir dir;
  ASSERT_TRUE(amb::write_mono_wav(dir / "quiet.wav", amb::sines({{0.001, 1000}}, 2.0)));
  auto r = ambient(dir, "--input '" + (dir / "quiet.wav").string() + "' --json");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const json j = json::parse(r.out);
  EXPECT_TRUE(j["pass"].get<bool>());
  EXPECT_EQ(j["limits"]["table"], "osha-d1");
  EXPECT_NE(j["limits"]["citation"].get<std::string>().find("not ISO 8253-1"), std::string::npos);
  EXPECT_EQ(j["bands"].size(), 7u);
  const json* k1 = band(j, 1000);
  ASSERT_NE(k1, nullptr);
  EXPECT_NEAR((*k1)["level_db_spl"].get<double>(), 34.0, 0.05);
  EXPECT_EQ((*k1)["limit_db_spl"].get<double>(), 40.0);
  EXPECT_NEAR((*k1)["margin_db"].get<double>(), 6.0, 0.05);
  EXPECT_TRUE(band(j, 125)->at("limit_db_spl").is_null());  // D-1 has no 125 Hz limit
  EXPECT_DOUBLE_EQ(j["seconds"].get<double>(), 2.0);

  auto text = ambient(dir, "--input '" + (dir / "quiet.wav").string() + "'");
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find(" 1000 Hz    34.0 dB SPL  limit  40.0  margin    6.0  ok"),
            std::string::npos)
      << text.out;
  EXPECT_NE(text.out.find("Verdict: quiet enough"), std::string::npos) << text.out;
}

TEST(AmbientCli, LoudBandExitsFourNamingBandLevelAndLimit) {
  // 0.01 at 2 kHz: −40 dBFS → 54 dB SPL against 47: 7 dB over.
  TempDir dir;
  ASSERT_TRUE(amb::write_mono_wav(dir / "loud.wav", amb::sines({{0.01, 2000}}, 2.0)));
  auto r = ambient(dir, "--input '" + (dir / "loud.wav").string() + "'");
  EXPECT_EQ(r.exit_code, 4) << r.out << r.err;
  EXPECT_NE(r.out.find("EXCEEDED"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("2000 Hz band: 54.0 dB SPL, limit 47.0 dB SPL (osha-d1)"), std::string::npos)
      << r.out;
  auto j = ambient(dir, "--input '" + (dir / "loud.wav").string() + "' --json");
  EXPECT_EQ(j.exit_code, 4);
  EXPECT_NEAR(band(json::parse(j.out), 2000)->at("margin_db").get<double>(), -7.0, 0.05);
}

TEST(AmbientCli, LimitsOptionPicksTheAnsiTable) {
  // 34 dB SPL at 1 kHz passes OSHA D-1 (40) but not ANSI S3.1-1977 ears covered (26.5).
  TempDir dir;
  ASSERT_TRUE(amb::write_mono_wav(dir / "quiet.wav", amb::sines({{0.001, 1000}}, 2.0)));
  auto r = ambient(dir, "--input '" + (dir / "quiet.wav").string() +
                            "' --limits ansi-s3.1-1977-ears-covered --json");
  EXPECT_EQ(r.exit_code, 4) << r.out << r.err;
  const json j = json::parse(r.out);
  EXPECT_EQ(j["limits"]["table"], "ansi-s3.1-1977-ears-covered");
  EXPECT_NEAR(band(j, 1000)->at("margin_db").get<double>(), -7.5, 0.05);
  EXPECT_EQ(j["not_compared_hz"], json::parse("[750, 1500, 3000, 6000]"));
}

TEST(AmbientCli, CaptureFromAlsaPcm) {
  // The file PCM hands `infile` (raw S32_LE mono) to the capture: 0.1 at 250 Hz (−20 dBFS → 74
  // dB SPL, no D-1 limit there) and 0.001 at 4 kHz (34 dB SPL, limit 57).
  TempDir dir;
  amb::write_raw(dir / "mic.raw", amb::sines({{0.1, 250}, {0.001, 4000}}, 2.0));
  std::ofstream(dir / "asoundrc") << "pcm.mictest { type file; slave.pcm { type null }; file "
                                     "\"/dev/null\"; infile \""
                                  << (dir / "mic.raw").string() << "\"; format \"raw\" }\n";
  const std::string prefix =
      "ALSA_CONFIG_PATH=/usr/share/alsa/alsa.conf:'" + (dir / "asoundrc").string() + "' ";
  auto r = ambient(dir, "--device pc:mictest --seconds 1.5 --json", prefix);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const json j = json::parse(r.out);
  EXPECT_EQ(j["source"], "pc:mictest");
  EXPECT_EQ(j["frames"], 72000);
  EXPECT_NEAR(band(j, 250)->at("level_db_spl").get<double>(), 74.0, 0.05);
  EXPECT_NEAR(band(j, 4000)->at("level_db_spl").get<double>(), 34.0, 0.05);
  EXPECT_NEAR(band(j, 4000)->at("margin_db").get<double>(), 23.0, 0.05);

  auto missing = ambient(dir, "--device pc:nosuchmic --seconds 1", prefix);
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("nosuchmic"), std::string::npos) << missing.err;
}

TEST(AmbientCli, BadInputExitsOneWithAClearMessage) {
  TempDir dir;
  // Too short: 0.1 s = 4800 samples; the 125 Hz band needs 8192 at 48 kHz.
  ASSERT_TRUE(amb::write_mono_wav(dir / "short.wav", amb::sines({{0.001, 1000}}, 0.1)));
  auto s = ambient(dir, "--input '" + (dir / "short.wav").string() + "'");
  EXPECT_EQ(s.exit_code, 1);
  EXPECT_NE(s.err.find("4800 samples"), std::string::npos) << s.err;
  EXPECT_NE(s.err.find("at least 8192"), std::string::npos) << s.err;
  // --seconds cuts a WAV short as well.
  ASSERT_TRUE(amb::write_mono_wav(dir / "quiet.wav", amb::sines({{0.001, 1000}}, 2.0)));
  auto cut = ambient(dir, "--input '" + (dir / "quiet.wav").string() + "' --seconds 0.1");
  EXPECT_EQ(cut.exit_code, 1);
  EXPECT_NE(cut.err.find("at least 8192"), std::string::npos) << cut.err;

  auto none = ambient(dir, "--input '" + (dir / "nothing.wav").string() + "'");
  EXPECT_EQ(none.exit_code, 1);
  EXPECT_NE(none.err.find("nothing.wav"), std::string::npos) << none.err;

  auto table = ambient(dir, "--input '" + (dir / "quiet.wav").string() + "' --limits iso-8253-1");
  EXPECT_EQ(table.exit_code, 1);
  EXPECT_NE(table.err.find("\"iso-8253-1\" is unknown; allowed: ansi-s3.1-1977-ears-covered, "
                           "osha-d1"),
            std::string::npos)
      << table.err;

  auto both = ambient(dir, "--input x.wav --device pc:mic");
  EXPECT_EQ(both.exit_code, 1);
  EXPECT_NE(both.err.find("exactly one recording"), std::string::npos) << both.err;
  auto neither = ambient(dir, "");
  EXPECT_EQ(neither.exit_code, 1);
  // A muted microphone (every sample 0) is not a quiet room.
  ASSERT_TRUE(amb::write_mono_wav(dir / "muted.wav", std::vector<std::int32_t>(96000, 0)));
  auto muted = ambient(dir, "--input '" + (dir / "muted.wav").string() + "'");
  EXPECT_EQ(muted.exit_code, 1);
  EXPECT_NE(muted.err.find("digital silence"), std::string::npos) << muted.err;

  auto device = ambient(dir, "--device hw:1");
  EXPECT_EQ(device.exit_code, 1);
  EXPECT_NE(device.err.find("--device must be pc:PCM"), std::string::npos) << device.err;
}

TEST(AmbientCli, FloatExtensibleWavReadsLikeItsInt16Twin) {
  // A 60 dB SPL tone (0.02 at 1 kHz: −34 dBFS + 94) recorded as 32-bit float with a
  // WAVE_FORMAT_EXTENSIBLE header and as 16-bit PCM: the same level within 0.1 dB (the old
  // hand-written reader took the floats for integers and reported 116 dB).
  TempDir dir;
  const auto x = amb::sine(0.02, 1000, 2.0);
  ASSERT_TRUE(amb::write_wav_by_hand(dir / "int16.wav", x, false));
  ASSERT_TRUE(amb::write_wav_by_hand(dir / "float.wav", x, true));
  auto i16 = ambient(dir, "--input '" + (dir / "int16.wav").string() + "' --json");
  auto f32 = ambient(dir, "--input '" + (dir / "float.wav").string() + "' --json");
  ASSERT_EQ(i16.exit_code, 4) << i16.out << i16.err;  // 60 dB is over the 40 dB limit
  ASSERT_EQ(f32.exit_code, 4) << f32.out << f32.err;
  const json ji = json::parse(i16.out);
  const json jf = json::parse(f32.out);
  const double li = band(ji, 1000)->at("level_db_spl").get<double>();
  const double lf = band(jf, 1000)->at("level_db_spl").get<double>();
  EXPECT_NEAR(li, 60.0, 0.05);
  EXPECT_NEAR(lf, li, 0.1);
}
