#pragma once
// Single-byte character sets of device files (GDT field 9206) ⇄ UTF-8.
// Thread-safety: pure functions.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "drivers/codec/codec.hpp"

namespace odyo::codec {

enum class Charset { ascii7, cp437, iso8859_1, iso8859_15 };
std::string_view to_string(Charset c);
std::optional<Charset> charset_from_name(std::string_view name);  // "cp437", "iso8859-1", …

// Decodes bytes to UTF-8. ascii7 rejects bytes ≥ 0x80 (error offset = index of the bad byte).
Expected<std::string> to_utf8(ByteSpan bytes, Charset charset);
// Encodes UTF-8 text; characters the charset cannot hold are an error naming the character,
// unless `transliterate_turkish` maps ş ğ ı İ Ş Ğ to s g i I S G first (gdt-2.1.md §1).
Expected<Bytes> from_utf8(std::string_view utf8, Charset charset,
                          bool transliterate_turkish = false);

}  // namespace odyo::codec
