#pragma once
// Checksums used by the device protocols. Each function cites the spec section it implements;
// tests/drivers/codec/test_checksum.cpp checks the spec's worked values.
// Thread-safety: pure functions.

#include <cstdint>
#include <optional>
#include <string_view>

#include "drivers/codec/codec.hpp"

namespace odyo::codec {

// Sensirion SFM3x00 word CRC-8 (reference/devices/sensirion-sfm3000.md §4): polynomial 0x31
// (x^8+x^5+x^4+1), MSB first, no reflection, no final XOR; initial value 0x00 for the SFM3000
// family, 0xFF for the SFM3019 and most other Sensirion sensors.
inline constexpr std::uint8_t kSensirionCrcPolynomial = 0x31;
std::uint8_t crc8(ByteSpan bytes, std::uint8_t polynomial = kSensirionCrcPolynomial,
                  std::uint8_t init = 0x00);

// CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF, no reflection, no xorout; check "123456789" →
// 0x29B1). Used as the frame checksum of the station's own flow-stream bridge protocol.
std::uint16_t crc16_ccitt_false(ByteSpan bytes);
// CRC-16/MODBUS (reflected poly 0xA001, init 0xFFFF; check "123456789" → 0x4B37).
std::uint16_t crc16_modbus(ByteSpan bytes);
// Mod-256 sum and XOR of all bytes.
std::uint8_t sum8(ByteSpan bytes);
std::uint8_t xor8(ByteSpan bytes);

// Frame checksum algorithms a flow-stream device profile may name.
enum class FrameChecksum { none, sum8, xor8, crc8, crc16_ccitt_false, crc16_modbus };
std::optional<FrameChecksum> frame_checksum_from_name(std::string_view name);
std::string_view to_string(FrameChecksum c);
// Width of the checksum field in bytes (0 for none).
std::size_t checksum_width(FrameChecksum c);
// Computes the checksum value (crc8 uses polynomial/init).
std::uint32_t compute_checksum(FrameChecksum c, ByteSpan bytes, std::uint8_t crc8_polynomial,
                               std::uint8_t crc8_init);

}  // namespace odyo::codec
