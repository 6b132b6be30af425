#include "drivers/codec/checksum.hpp"

namespace odyo::codec {

std::uint8_t crc8(ByteSpan bytes, std::uint8_t polynomial, std::uint8_t init) {
  std::uint8_t crc = init;
  for (std::uint8_t b : bytes) {
    crc ^= b;
    for (int bit = 0; bit < 8; ++bit) {
      crc = (crc & 0x80U) != 0 ? static_cast<std::uint8_t>((crc << 1) ^ polynomial)
                               : static_cast<std::uint8_t>(crc << 1);
    }
  }
  return crc;
}

std::uint16_t crc16_ccitt_false(ByteSpan bytes) {
  std::uint16_t crc = 0xFFFF;
  for (std::uint8_t b : bytes) {
    crc ^= static_cast<std::uint16_t>(b << 8);
    for (int bit = 0; bit < 8; ++bit) {
      crc = (crc & 0x8000U) != 0 ? static_cast<std::uint16_t>((crc << 1) ^ 0x1021U)
                                 : static_cast<std::uint16_t>(crc << 1);
    }
  }
  return crc;
}

std::uint16_t crc16_modbus(ByteSpan bytes) {
  std::uint16_t crc = 0xFFFF;
  for (std::uint8_t b : bytes) {
    crc ^= b;
    for (int bit = 0; bit < 8; ++bit) {
      crc = (crc & 1U) != 0 ? static_cast<std::uint16_t>((crc >> 1) ^ 0xA001U)
                            : static_cast<std::uint16_t>(crc >> 1);
    }
  }
  return crc;
}

std::uint8_t sum8(ByteSpan bytes) {
  unsigned s = 0;
  for (std::uint8_t b : bytes) s += b;
  return static_cast<std::uint8_t>(s & 0xFFU);
}

std::uint8_t xor8(ByteSpan bytes) {
  std::uint8_t x = 0;
  for (std::uint8_t b : bytes) x ^= b;
  return x;
}

std::optional<FrameChecksum> frame_checksum_from_name(std::string_view name) {
  if (name == "none") return FrameChecksum::none;
  if (name == "sum8") return FrameChecksum::sum8;
  if (name == "xor8") return FrameChecksum::xor8;
  if (name == "crc8") return FrameChecksum::crc8;
  if (name == "crc16_ccitt_false") return FrameChecksum::crc16_ccitt_false;
  if (name == "crc16_modbus") return FrameChecksum::crc16_modbus;
  return std::nullopt;
}

std::string_view to_string(FrameChecksum c) {
  switch (c) {
    case FrameChecksum::none:
      return "none";
    case FrameChecksum::sum8:
      return "sum8";
    case FrameChecksum::xor8:
      return "xor8";
    case FrameChecksum::crc8:
      return "crc8";
    case FrameChecksum::crc16_ccitt_false:
      return "crc16_ccitt_false";
    case FrameChecksum::crc16_modbus:
      return "crc16_modbus";
  }
  return "?";
}

std::size_t checksum_width(FrameChecksum c) {
  switch (c) {
    case FrameChecksum::none:
      return 0;
    case FrameChecksum::sum8:
    case FrameChecksum::xor8:
    case FrameChecksum::crc8:
      return 1;
    case FrameChecksum::crc16_ccitt_false:
    case FrameChecksum::crc16_modbus:
      return 2;
  }
  return 0;
}

std::uint32_t compute_checksum(FrameChecksum c, ByteSpan bytes, std::uint8_t crc8_polynomial,
                               std::uint8_t crc8_init) {
  switch (c) {
    case FrameChecksum::none:
      return 0;
    case FrameChecksum::sum8:
      return sum8(bytes);
    case FrameChecksum::xor8:
      return xor8(bytes);
    case FrameChecksum::crc8:
      return crc8(bytes, crc8_polynomial, crc8_init);
    case FrameChecksum::crc16_ccitt_false:
      return crc16_ccitt_false(bytes);
    case FrameChecksum::crc16_modbus:
      return crc16_modbus(bytes);
  }
  return 0;
}

}  // namespace odyo::codec
