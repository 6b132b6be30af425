#pragma once
// Device profiles (config/devices/*.toml): what a device's wire protocol looks like, as data.
// The parser here is pure and takes an already-parsed value tree (ProfileNode), so the drivers
// library stays free of any TOML library: drivers/profile/toml_tree.hpp converts a toml++ table
// into a ProfileNode (include it only from a target that links toml++, e.g. odyo::station, tools,
// tests). Every error names the source and the key path ("sfm3000-usb.toml: frame.sample[1].type:
// …") and says what to write instead.
//
// Every profile has a [device] table with `verified = true|false` and may list
// `unverified = ["key.path", …]`: the keys whose values are not yet confirmed on a real device;
// the station shows them (reference/devices/README.md).
// Thread-safety: plain value types and pure functions.

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "drivers/codec/charset.hpp"
#include "drivers/codec/codec.hpp"
#include "drivers/codec/fipp.hpp"
#include "drivers/codec/flow_stream.hpp"
#include "drivers/codec/gdt.hpp"
#include "drivers/codec/gsi61.hpp"

namespace odyo::profile {

// A JSON/TOML-like value tree.
struct ProfileNode {
  using Array = std::vector<ProfileNode>;
  using Table = std::map<std::string, ProfileNode, std::less<>>;
  std::variant<std::monostate, bool, std::int64_t, double, std::string, Array, Table> value;

  [[nodiscard]] bool is_table() const { return std::holds_alternative<Table>(value); }
  [[nodiscard]] const ProfileNode* get(std::string_view key) const;  // table member or nullptr
};

struct ProfileError {
  std::string path;     // "frame.sample[1].type"
  std::string message;  // "<source>: <path>: what is wrong and what to write"
};

template <typename T>
using ProfileResult = std::variant<T, ProfileError>;

enum class TransportKind { usb_bulk, serial, bluetooth_spp, gdt_folder };
std::string_view to_string(TransportKind k);

struct UsbSettings {
  std::uint16_t vendor_id = 0, product_id = 0;
  int interface_number = 0;
  std::uint8_t endpoint_in = 0x81, endpoint_out = 0x01;
  std::size_t transfer_bytes = 512;  // bulk IN transfer size the driver submits
};

struct SerialSettings {
  unsigned baud = 115200;
  unsigned data_bits = 8;
  char parity = 'N';  // N, E, O
  unsigned stop_bits = 1;
  std::string flow_control = "none";                           // none | xon_xoff | rts_cts
  std::optional<std::uint16_t> usb_vendor_id, usb_product_id;  // for discovery via libudev
};

struct DeviceInfo {
  std::string id;      // profile id (file stem by convention)
  std::string name;    // for people
  std::string family;  // flow_stream | fipp | tm262 | gsi61 | vitalograph | gdt
  bool verified = false;
  std::vector<std::string> unverified;  // key paths not yet confirmed on a real device
  std::string source;                   // provenance text
};

struct FlowStreamProfile {
  DeviceInfo device;
  TransportKind transport = TransportKind::usb_bulk;
  UsbSettings usb;
  SerialSettings serial;
  std::string sensor_model;  // "SFM3000"
  codec::FlowScaling scaling;
  double sample_rate_hz = 1000.0;
  std::size_t discard_first_samples = 0;  // sensirion-sfm3000.md §5: first reading invalid
  codec::FlowStreamLayout layout;
  codec::Bytes start_command;  // bytes the host sends to start streaming (bridge protocol)
  codec::Bytes stop_command;
  std::map<unsigned, std::string> status_bits;  // bit number → meaning
};

struct FippProfile {
  DeviceInfo device;
  SerialSettings serial;
  codec::fipp::FippConfig config;
  std::chrono::milliseconds no_poll_timeout{5000};  // frye-fipp.md §3 (F10 default)
  std::chrono::milliseconds keep_alive{250};        // §3 Colt fail-safe; harmless for FA1x
  // Control-register map (frye-fipp.md §9 item 1: UNKNOWN). Word indices 0…13 named by role, so
  // the threshold search can be written against names and corrected by data.
  std::map<std::string, int> register_words;
};

// Result-sending serial devices: family tm262 | gsi61 | vitalograph. The line settings and the
// specs' open points (checksum variants) are data.
struct SerialResultsProfile {
  DeviceInfo device;
  TransportKind transport = TransportKind::serial;  // serial | bluetooth_spp (Vitalograph)
  SerialSettings serial;
  // tm262: which checksum reading the simulator sends (welch-allyn-tm262.md §4; the decoder
  // accepts both and reports which one matched).
  bool tm262_seven_bit_checksum = false;
  // gsi61: log_only until the checksum rule is confirmed (gsi61.md §4).
  codec::gsi61::ChecksumPolicy gsi61_checksum = codec::gsi61::ChecksumPolicy::log_only;
  // vitalograph: device selection among bonded Bluetooth devices (vitalograph §1, OpenTele V1).
  std::string bluetooth_name_regex;
  std::string bluetooth_address_prefix;
};

// A GDT partner (gdt-2.1.md): the folders, ids and conventions of one device program.
struct GdtPartnerProfile {
  DeviceInfo device;
  std::string inbox_dir;   // where the partner writes results (6310) for the station
  std::string outbox_dir;  // where the station writes requests (6302) for the partner
  std::string station_gdt_id = "ODYOSPIR";  // 8315/8316 ids (8 characters in the examples)
  std::string partner_gdt_id;
  bool counting_file_names = false;  // §5: "fest" <rcv><snd>.GDT or "hochzaehlend" .000, .001 …
  codec::Charset write_charset = codec::Charset::cp437;
  std::optional<codec::Charset> read_charset_override;  // e.g. ISO 8859-15 software
  bool decimal_comma = true;                            // §8: accept "," in 8420
  std::chrono::seconds result_timeout{600};  // §5: warn if no 6310 arrives within this time
  std::string procedure;                     // 8402 code requested, e.g. AUDI01, LUFU02
  codec::gdt::AudiogramMapping audiogram;
};

// Any profile, by family.
using Profile =
    std::variant<FlowStreamProfile, FippProfile, SerialResultsProfile, GdtPartnerProfile>;

// Parses a profile tree. `source` names the file in messages.
ProfileResult<Profile> parse_profile(const ProfileNode& root, std::string_view source);
ProfileResult<FlowStreamProfile> parse_flow_stream_profile(const ProfileNode& root,
                                                           std::string_view source);
ProfileResult<FippProfile> parse_fipp_profile(const ProfileNode& root, std::string_view source);
ProfileResult<SerialResultsProfile> parse_serial_results_profile(const ProfileNode& root,
                                                                 std::string_view source);
ProfileResult<GdtPartnerProfile> parse_gdt_partner_profile(const ProfileNode& root,
                                                           std::string_view source);

// "source: path: message" for people.
std::string format(const ProfileError& e, std::string_view source = {});

}  // namespace odyo::profile
