// Shipped device profiles (config/devices/*.toml) parse, say what is unverified, and drive the
// flow-stream codec end to end; broken profiles are refused with the key path and the reason.
#include <gtest/gtest.h>

#include <toml++/toml.h>

#include <filesystem>

#include "drivers/codec/fipp.hpp"
#include "drivers/profile/profile.hpp"
#include "drivers/profile/toml_tree.hpp"
#include "vectors.hpp"

using namespace odyo;
using namespace odyo::codec;
using namespace odyo::profile;

namespace {

std::string device_file(const std::string& name) {
  return std::string(ODYO_SOURCE_DIR) + "/config/devices/" + name;
}

ProfileResult<Profile> load(const std::string& name) {
  auto table = toml::parse_file(device_file(name));
  return parse_profile(to_profile_node(table), name);
}

FlowStreamProfile load_flow(const std::string& name) {
  auto r = load(name);
  if (auto* e = std::get_if<ProfileError>(&r)) {
    ADD_FAILURE() << e->message;
    return {};
  }
  return std::get<FlowStreamProfile>(std::get<Profile>(r));
}

ProfileResult<Profile> parse_text(std::string_view text) {
  auto table = toml::parse(text);
  return parse_profile(to_profile_node(table), "test.toml");
}

std::string error_of(const ProfileResult<Profile>& r) {
  if (const auto* e = std::get_if<ProfileError>(&r)) return e->message;
  return "<parsed without error>";
}

// A complete one-sample flow-stream profile; tests break one thing at a time.
const std::string kMinimal = R"(
[device]
id = "t"
name = "t"
family = "flow_stream"
verified = false
[transport]
kind = "serial"
baud = 115200
[sensor]
model = "SFM3000"
flow_offset = 32000
flow_scale = 140.0
flow_unit = "slm"
[stream]
sample_rate_hz = 1000.0
samples_per_frame = 1
[frame]
header = [ { role = "sync", bytes = [0xAA] } ]
sample = [ { role = "flow_raw", type = "u16" } ]
)";

}  // namespace

TEST(DeviceProfiles, UsbProfileParsesWithSpecConstants) {
  auto p = load_flow("sfm3000-usb.toml");
  EXPECT_EQ(p.device.id, "sfm3000-usb");
  EXPECT_FALSE(p.device.verified);
  EXPECT_FALSE(p.device.unverified.empty());
  EXPECT_EQ(p.transport, TransportKind::usb_bulk);
  EXPECT_EQ(p.usb.endpoint_in, 0x81);
  // sensirion-sfm3000.md §3, §4, §5
  EXPECT_EQ(p.scaling.offset, 32000.0);
  EXPECT_EQ(p.scaling.scale, 140.0);
  EXPECT_EQ(p.scaling.unit_per_lps, 60.0);
  EXPECT_EQ(p.layout.word_crc_polynomial, 0x31);
  EXPECT_EQ(p.layout.word_crc_init, 0x00);
  EXPECT_EQ(p.discard_first_samples, 1U);
  EXPECT_EQ(p.sample_rate_hz, 1000.0);
  EXPECT_EQ(p.layout.frame_bytes(), 57U);  // 2 + 4 + 1 + 16 × 3 + 2
  EXPECT_TRUE(p.layout.sequence_counts_samples);
  EXPECT_EQ(p.status_bits.size(), 3U);
  // E2's ±200 slm plausibility window: 32000 ± 200 × 140.
  EXPECT_TRUE(p.scaling.out_of_range(4000));
  EXPECT_FALSE(p.scaling.out_of_range(4001));
  EXPECT_TRUE(p.scaling.out_of_range(60000));
}

TEST(DeviceProfiles, SerialProfileMatchesTheHandBuiltLayout) {
  auto p = load_flow("sfm3000-serial.toml");
  EXPECT_EQ(p.transport, TransportKind::serial);
  EXPECT_EQ(p.serial.baud, 115200U);
  EXPECT_EQ(p.layout.frame_bytes(), 20U);
  // The frame worked out by hand in test_flow_stream.cpp (counter 7, spec words).
  auto enc = encode_flow_frame(p.layout, FlowFrameOut{7, 0, {32000, 40400, 27800, 32001, 32000}});
  ASSERT_TRUE(enc.ok());
  EXPECT_EQ(enc.value(), odyo::testing::hex("A55A07 7D007B 9DD009 6C9861 7D014A 7D007B EED5"));
}

TEST(DeviceProfiles, OneSecondAtOneKilohertzDecodesWithoutLoss) {
  for (const char* name : {"sfm3000-usb.toml", "sfm3000-serial.toml"}) {
    auto p = load_flow(name);
    const std::size_t n = p.layout.samples_per_frame;
    const std::size_t frames = (1000 + n - 1) / n;
    Bytes stream;
    for (std::size_t f = 0; f < frames; ++f) {
      FlowFrameOut out;
      out.sequence = p.layout.sequence_counts_samples ? f * n : f;
      for (std::size_t i = 0; i < n; ++i)
        out.raw.push_back(static_cast<std::uint16_t>(30000 + (f * n + i) % 5000));
      auto b = encode_flow_frame(p.layout, out);
      ASSERT_TRUE(b.ok()) << name;
      stream.insert(stream.end(), b.value().begin(), b.value().end());
    }
    FlowStreamDecoder d(p.layout);
    auto batch = odyo::testing::feed_chunked(d, stream, 64);  // USB-packet-sized chunks
    EXPECT_TRUE(batch.errors.empty()) << name;
    std::uint64_t expect = 0;
    for (const auto& fr : batch.frames) {
      EXPECT_EQ(fr.first_sample_index, expect) << name;
      for (const auto& s : fr.samples) {
        EXPECT_TRUE(s.crc_ok);
        EXPECT_EQ(s.raw, 30000 + expect % 5000) << name;
        ++expect;
      }
    }
    EXPECT_EQ(expect, frames * n) << name;
  }
}

TEST(DeviceProfiles, FippProfileHoldsThePlaceholdersAsData) {
  auto r = load("frye-fa12.toml");
  ASSERT_TRUE(std::holds_alternative<Profile>(r)) << error_of(r);
  const auto& p = std::get<FippProfile>(std::get<Profile>(r));
  EXPECT_FALSE(p.device.verified);
  EXPECT_EQ(p.config.carry_rule, fipp::CarryRule::discard);
  EXPECT_EQ(p.no_poll_timeout, std::chrono::milliseconds(5000));  // frye-fipp.md §3 (F10)
  // The shipped placeholders equal the codec's defaults, so simulator and driver agree.
  const auto def = fipp::FippConfig::placeholder_defaults();
  EXPECT_EQ(p.config.poll, def.poll);
  EXPECT_EQ(p.config.ack, def.ack);
  EXPECT_EQ(p.config.nak, def.nak);
  EXPECT_EQ(p.config.skip_poll, def.skip_poll);
  EXPECT_EQ(p.config.quick_terminate, def.quick_terminate);
  EXPECT_EQ(p.register_words.at("computer_control"), 0);
}

TEST(DeviceProfiles, MinimalProfileParses) {
  auto r = parse_text(kMinimal);
  ASSERT_TRUE(std::holds_alternative<Profile>(r)) << error_of(r);
}

TEST(DeviceProfiles, BrokenProfilesNameTheKeyAndTheReason) {
  struct Case {
    std::string from, to, expect_in_message;
  };
  const std::vector<Case> cases = {
      {"flow_unit = \"slm\"", "flow_unit = \"gallons\"", "sensor.flow_unit"},
      {"type = \"u16\"", "type = \"u17\"", "frame.sample[0].type"},
      {"role = \"flow_raw\"", "role = \"flowraw\"", "frame.sample[0].role"},
      {"baud = 115200", "baud = \"fast\"", "transport.baud: must be an integer"},
      {"samples_per_frame = 1", "samples_per_frame = 0", "stream.samples_per_frame"},
      {"model = \"SFM3000\"", "model = \"SFM3000\"\nflow_ofset = 1",
       "sensor.flow_ofset: unknown key"},
      {"verified = false", "verified = true\nunverified = [\"transport.baud\"]", "device.verified"},
      {"bytes = [0xAA]", "bytes = [0x1AA]", "frame.header[0].bytes[0]"},
      {"family = \"flow_stream\"", "family = \"teleport\"", "device.family"},
      {"sample = [ { role = \"flow_raw\", type = \"u16\" } ]",
       "sample = [ { role = \"flow_raw\", type = \"u16\" } ]\ntrailer = [ { role = \"checksum\", "
       "type = \"u8\" } ]",
       "checksum"},
  };
  for (const auto& c : cases) {
    std::string text = kMinimal;
    const auto pos = text.find(c.from);
    ASSERT_NE(pos, std::string::npos) << c.from;
    text.replace(pos, c.from.size(), c.to);
    auto r = parse_text(text);
    const std::string msg = error_of(r);
    EXPECT_NE(msg.find(c.expect_in_message), std::string::npos)
        << "case " << c.to << " gave: " << msg;
    EXPECT_NE(msg.find("test.toml"), std::string::npos) << msg;
  }
}

TEST(DeviceProfiles, FippProfileWithDuplicateFlowControlBytesIsRefused) {
  auto table = toml::parse_file(device_file("frye-fa12.toml"));
  table["flow_control"].as_table()->insert_or_assign("ack",
                                                     *table["flow_control"]["poll"].as_array());
  auto r = parse_profile(to_profile_node(table), "frye-fa12.toml");
  const std::string msg = error_of(r);
  EXPECT_NE(msg.find("flow_control.ack: has the same bytes as flow_control.poll"),
            std::string::npos)
      << msg;
}

TEST(DeviceProfiles, EveryShippedProfileParses) {
  int n = 0;
  for (const auto& e :
       std::filesystem::directory_iterator(std::string(ODYO_SOURCE_DIR) + "/config/devices")) {
    if (e.path().extension() != ".toml") continue;
    ++n;
    auto r = load(e.path().filename().string());
    EXPECT_TRUE(std::holds_alternative<Profile>(r)) << error_of(r);
  }
  EXPECT_GE(n, 7);
}

TEST(DeviceProfiles, SerialResultDevicesCarryTheSpecLineSettings) {
  auto tm = load("welch-allyn-tm262.toml");
  ASSERT_TRUE(std::holds_alternative<Profile>(tm)) << error_of(tm);
  const auto& t = std::get<SerialResultsProfile>(std::get<Profile>(tm));
  // welch-allyn-tm262.md §1: 9600 baud, no parity, 8 data bits, 2 stop bits.
  EXPECT_EQ(t.serial.baud, 9600U);
  EXPECT_EQ(t.serial.parity, 'N');
  EXPECT_EQ(t.serial.data_bits, 8U);
  EXPECT_EQ(t.serial.stop_bits, 2U);
  EXPECT_FALSE(t.tm262_seven_bit_checksum);
  auto gsi = load("gsi61.toml");
  ASSERT_TRUE(std::holds_alternative<Profile>(gsi)) << error_of(gsi);
  EXPECT_EQ(std::get<SerialResultsProfile>(std::get<Profile>(gsi)).gsi61_checksum,
            gsi61::ChecksumPolicy::log_only);  // gsi61.md §4
  auto vg = load("vitalograph-lung-monitor.toml");
  ASSERT_TRUE(std::holds_alternative<Profile>(vg)) << error_of(vg);
  const auto& v = std::get<SerialResultsProfile>(std::get<Profile>(vg));
  EXPECT_EQ(v.transport, TransportKind::bluetooth_spp);
  EXPECT_EQ(v.bluetooth_address_prefix, "10:00:E8:");  // vitalograph §1 (OpenTele V1)
}

TEST(DeviceProfiles, GdtPartnerMapsItsIdentsIntoTheAudiogramCodec) {
  auto r = load("gdt-audiometer-example.toml");
  ASSERT_TRUE(std::holds_alternative<Profile>(r)) << error_of(r);
  const auto& g = std::get<GdtPartnerProfile>(std::get<Profile>(r));
  EXPECT_EQ(g.partner_gdt_id, "AUDIO001");
  EXPECT_EQ(g.write_charset, Charset::cp437);
  EXPECT_EQ(g.result_timeout, std::chrono::seconds(900));
  // The partner's own ident and the spec convention both decode.
  auto w = gdt::write(
      6310,
      {{8402, "AUDI01"}, {8410, "HL_RE_AC_1000"}, {8420, "20"}, {8410, "L_AC_500"}, {8420, "k.R."}},
      g.write_charset);
  ASSERT_TRUE(w.ok());
  auto rec = gdt::parse(w.value());
  ASSERT_TRUE(rec.ok());
  auto a = gdt::audiogram(rec.value(), g.audiogram);
  ASSERT_TRUE(a.ok()) << a.error().message;
  ASSERT_EQ(a->points.size(), 2U);
  EXPECT_EQ(a->points[0].frequency_hz, 1000);
  EXPECT_EQ(a->points[0].threshold_db_hl, 20.0);
  EXPECT_EQ(a->points[1].status, PointStatus::no_response);
}

TEST(DeviceProfiles, BrokenGdtPartnerIsRefused) {
  auto table = toml::parse_file(device_file("gdt-audiometer-example.toml"));
  table["gdt"].as_table()->insert_or_assign("partner_id", "TOOLONGID");
  EXPECT_NE(error_of(parse_profile(to_profile_node(table), "p.toml")).find("gdt.partner_id"),
            std::string::npos);
  table = toml::parse_file(device_file("gdt-audiometer-example.toml"));
  table["gdt"].as_table()->insert_or_assign("write_charset", "iso8859-15");
  EXPECT_NE(error_of(parse_profile(to_profile_node(table), "p.toml")).find("9206"),
            std::string::npos);
  table = toml::parse_file(device_file("gdt-audiometer-example.toml"));
  table["transport"].as_table()->insert_or_assign("outbox_dir", "var/gdt/audio001/in");
  EXPECT_NE(error_of(parse_profile(to_profile_node(table), "p.toml")).find("inbox_dir"),
            std::string::npos);
}
