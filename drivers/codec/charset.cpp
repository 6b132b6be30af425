#include "drivers/codec/charset.hpp"

#include <array>
#include <cstdio>

namespace odyo::codec {

namespace {

// IBM code page 437, bytes 0x80…0xFF → Unicode (generated from Python's cp437 codec, which
// follows the Unicode consortium's mapping table VENDORS/MICSFT/PC/CP437.TXT).
constexpr std::array<char32_t, 128> kCp437High = {
    0x00C7, 0x00FC, 0x00E9, 0x00E2, 0x00E4, 0x00E0, 0x00E5, 0x00E7, 0x00EA, 0x00EB, 0x00E8, 0x00EF,
    0x00EE, 0x00EC, 0x00C4, 0x00C5, 0x00C9, 0x00E6, 0x00C6, 0x00F4, 0x00F6, 0x00F2, 0x00FB, 0x00F9,
    0x00FF, 0x00D6, 0x00DC, 0x00A2, 0x00A3, 0x00A5, 0x20A7, 0x0192, 0x00E1, 0x00ED, 0x00F3, 0x00FA,
    0x00F1, 0x00D1, 0x00AA, 0x00BA, 0x00BF, 0x2310, 0x00AC, 0x00BD, 0x00BC, 0x00A1, 0x00AB, 0x00BB,
    0x2591, 0x2592, 0x2593, 0x2502, 0x2524, 0x2561, 0x2562, 0x2556, 0x2555, 0x2563, 0x2551, 0x2557,
    0x255D, 0x255C, 0x255B, 0x2510, 0x2514, 0x2534, 0x252C, 0x251C, 0x2500, 0x253C, 0x255E, 0x255F,
    0x255A, 0x2554, 0x2569, 0x2566, 0x2560, 0x2550, 0x256C, 0x2567, 0x2568, 0x2564, 0x2565, 0x2559,
    0x2558, 0x2552, 0x2553, 0x256B, 0x256A, 0x2518, 0x250C, 0x2588, 0x2584, 0x258C, 0x2590, 0x2580,
    0x03B1, 0x00DF, 0x0393, 0x03C0, 0x03A3, 0x03C3, 0x00B5, 0x03C4, 0x03A6, 0x0398, 0x03A9, 0x03B4,
    0x221E, 0x03C6, 0x03B5, 0x2229, 0x2261, 0x00B1, 0x2265, 0x2264, 0x2320, 0x2321, 0x00F7, 0x2248,
    0x00B0, 0x2219, 0x00B7, 0x221A, 0x207F, 0x00B2, 0x25A0, 0x00A0};

// Windows-1252 bytes 0x80…0x9F (0 = undefined). GDT field 9206 = 3 is "ISO 8859-1 /
// Windows-1252" (gdt-2.1.md §1); ISO 8859-1 has only C1 control codes there, which no GDT text
// uses, so these bytes are read as Windows-1252, as German practice software writes them.
constexpr std::array<char32_t, 32> kCp1252C1 = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};

// ISO 8859-15 differs from ISO 8859-1 in eight positions (ISO/IEC 8859-15:1999).
char32_t latin9_at(std::uint8_t b) {
  switch (b) {
    case 0xA4:
      return 0x20AC;  // €
    case 0xA6:
      return 0x0160;  // Š
    case 0xA8:
      return 0x0161;  // š
    case 0xB4:
      return 0x017D;  // Ž
    case 0xB8:
      return 0x017E;  // ž
    case 0xBC:
      return 0x0152;  // Œ
    case 0xBD:
      return 0x0153;  // œ
    case 0xBE:
      return 0x0178;  // Ÿ
    default:
      return b;
  }
}

void append_utf8(std::string& out, char32_t c) {
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    out += static_cast<char>(0xE0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (c >> 18));
    out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
}

// Decodes one UTF-8 sequence at s[i]; returns 0xFFFFFFFF on malformed input.
char32_t next_utf8(std::string_view s, std::size_t& i) {
  const auto b0 = static_cast<std::uint8_t>(s[i]);
  auto cont = [&](std::size_t k) -> int {
    if (i + k >= s.size()) return -1;
    const auto b = static_cast<std::uint8_t>(s[i + k]);
    return (b & 0xC0) == 0x80 ? (b & 0x3F) : -1;
  };
  if (b0 < 0x80) {
    ++i;
    return b0;
  }
  if ((b0 & 0xE0) == 0xC0) {
    const int c1 = cont(1);
    if (c1 < 0 || b0 < 0xC2) return 0xFFFFFFFF;
    i += 2;
    return static_cast<char32_t>(((b0 & 0x1F) << 6) | c1);
  }
  if ((b0 & 0xF0) == 0xE0) {
    const int c1 = cont(1), c2 = cont(2);
    if (c1 < 0 || c2 < 0) return 0xFFFFFFFF;
    const auto c = static_cast<char32_t>(((b0 & 0x0F) << 12) | (c1 << 6) | c2);
    if (c < 0x800 || (c >= 0xD800 && c <= 0xDFFF)) return 0xFFFFFFFF;
    i += 3;
    return c;
  }
  if ((b0 & 0xF8) == 0xF0) {
    const int c1 = cont(1), c2 = cont(2), c3 = cont(3);
    if (c1 < 0 || c2 < 0 || c3 < 0) return 0xFFFFFFFF;
    const auto c = static_cast<char32_t>(((b0 & 0x07) << 18) | (c1 << 12) | (c2 << 6) | c3);
    if (c < 0x10000 || c > 0x10FFFF) return 0xFFFFFFFF;
    i += 4;
    return c;
  }
  return 0xFFFFFFFF;
}

char32_t decode_byte(std::uint8_t b, Charset cs) {
  if (b < 0x80) return b;
  switch (cs) {
    case Charset::ascii7:
      return 0xFFFFFFFF;
    case Charset::cp437:
      return kCp437High[b - 0x80];
    case Charset::iso8859_1: {
      if (b < 0xA0) {
        const char32_t c = kCp1252C1[b - 0x80];
        return c == 0 ? 0xFFFFFFFF : c;
      }
      return b;
    }
    case Charset::iso8859_15:
      if (b < 0xA0) return 0xFFFFFFFF;  // C1 controls: not text
      return latin9_at(b);
  }
  return 0xFFFFFFFF;
}

std::string u_plus(char32_t c) {
  char b[16];
  std::snprintf(b, sizeof b, "U+%04X", static_cast<unsigned>(c));
  return b;
}

}  // namespace

std::string_view to_string(Charset c) {
  switch (c) {
    case Charset::ascii7:
      return "ascii";
    case Charset::cp437:
      return "cp437";
    case Charset::iso8859_1:
      return "iso8859-1";
    case Charset::iso8859_15:
      return "iso8859-15";
  }
  return "?";
}

std::optional<Charset> charset_from_name(std::string_view name) {
  if (name == "ascii" || name == "us-ascii") return Charset::ascii7;
  if (name == "cp437" || name == "ibm437") return Charset::cp437;
  if (name == "iso8859-1" || name == "iso-8859-1" || name == "latin1" || name == "windows-1252")
    return Charset::iso8859_1;
  if (name == "iso8859-15" || name == "iso-8859-15" || name == "latin9") return Charset::iso8859_15;
  return std::nullopt;
}

Expected<std::string> to_utf8(ByteSpan bytes, Charset charset) {
  std::string out;
  out.reserve(bytes.size());
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    const char32_t c = decode_byte(bytes[i], charset);
    if (c == 0xFFFFFFFF) {
      char hexb[8];
      std::snprintf(hexb, sizeof hexb, "0x%02X", bytes[i]);
      return DecodeError{i, 1, errc::bad_charset,
                         std::string("byte ") + hexb + " is not a character in " +
                             std::string(to_string(charset)) +
                             "; the file was probably written in another character set (check "
                             "the sender's charset setting, GDT field 9206)"};
    }
    append_utf8(out, c);
  }
  return out;
}

Expected<Bytes> from_utf8(std::string_view utf8, Charset charset, bool transliterate_turkish) {
  Bytes out;
  out.reserve(utf8.size());
  std::size_t i = 0;
  while (i < utf8.size()) {
    const std::size_t at = i;
    char32_t c = next_utf8(utf8, i);
    if (c == 0xFFFFFFFF)
      return DecodeError{at, 1, errc::bad_charset,
                         "text is not valid UTF-8 at byte " + std::to_string(at)};
    if (transliterate_turkish) {
      switch (c) {
        case 0x015F:
          c = 's';
          break;  // ş
        case 0x011F:
          c = 'g';
          break;  // ğ
        case 0x0131:
          c = 'i';
          break;  // ı
        case 0x0130:
          c = 'I';
          break;  // İ
        case 0x015E:
          c = 'S';
          break;  // Ş
        case 0x011E:
          c = 'G';
          break;  // Ğ
        default:
          break;
      }
    }
    if (c < 0x80) {
      out.push_back(static_cast<std::uint8_t>(c));
      continue;
    }
    int found = -1;
    for (int b = 0x80; b <= 0xFF && found < 0; ++b)
      if (decode_byte(static_cast<std::uint8_t>(b), charset) == c) found = b;
    if (found < 0)
      return DecodeError{
          at, 1, errc::bad_charset,
          "character " + u_plus(c) + " cannot be written in " + std::string(to_string(charset))};
    out.push_back(static_cast<std::uint8_t>(found));
  }
  return out;
}

}  // namespace odyo::codec
