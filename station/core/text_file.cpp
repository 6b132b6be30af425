#include "station/core/text_file.hpp"

#include <iconv.h>

#include <cerrno>
#include <memory>
#include <string>
#include <utility>

#include "analysis/core/error_text.hpp"
#include "station/core/input.hpp"

namespace odyo::station {
namespace {

struct IconvCloser {
  void operator()(void* cd) const noexcept { iconv_close(static_cast<iconv_t>(cd)); }
};

// "line L, column C" of byte `pos` (columns in characters of the bytes read so far as UTF-8,
// counting every byte of a not-yet-decoded run as one).
Error position(std::string_view bytes, std::size_t pos) {
  int line = 1;
  int col = 1;
  for (std::size_t k = 0; k < pos && k < bytes.size(); ++k) {
    if (bytes[k] == '\n') {
      ++line;
      col = 1;
    } else if ((static_cast<unsigned char>(bytes[k]) & 0xC0U) != 0x80U) {
      ++col;
    }
  }
  return make_errorf({}, "line {}, column {}", line, col);
}

// Converts with iconv; on a byte it cannot convert, returns its offset in `bad`.
bool convert(const char* from, std::string_view in, std::string& out, std::size_t& bad) {
  iconv_t raw = iconv_open("UTF-8", from);
  if (raw == reinterpret_cast<iconv_t>(-1)) {  // NOLINT: iconv's documented failure value
    bad = 0;
    return false;
  }
  std::unique_ptr<void, IconvCloser> cd(raw);
  out.clear();
  out.resize(in.size() * 3 + 16);
  char* src = const_cast<char*>(in.data());  // iconv's signature; it does not write
  std::size_t src_left = in.size();
  char* dst = out.data();
  std::size_t dst_left = out.size();
  while (src_left > 0) {
    if (iconv(raw, &src, &src_left, &dst, &dst_left) == static_cast<std::size_t>(-1)) {
      if (errno == E2BIG) {
        const std::size_t used = out.size() - dst_left;
        out.resize(out.size() * 2);
        dst = out.data() + used;
        dst_left = out.size() - used;
        continue;
      }
      bad = static_cast<std::size_t>(src - in.data());
      return false;
    }
  }
  out.resize(out.size() - dst_left);
  return true;
}

}  // namespace

Result<TextEncoding> parse_text_encoding(std::string_view name) {
  std::string n(name);
  for (char& c : n)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  if (n.empty() || n == "auto") return TextEncoding::automatic;
  if (n == "utf-8" || n == "utf8") return TextEncoding::utf8;
  if (n == "windows-1254" || n == "cp1254" || n == "windows1254") return TextEncoding::windows1254;
  return make_errorf("bad_encoding",
                     "encoding \"{}\" is not known; use auto, utf-8 or windows-1254",
                     std::string(name));
}

Result<std::string> read_file_bytes(const std::filesystem::path& file, std::string_view what) {
  // Through the one bounded reader (station/core/input.hpp): 64 MiB at most, /dev/zero refused.
  auto bytes = read_input_file(file);
  if (!bytes) {
    if (bytes.error().code == "input_missing")
      return make_errorf("input_missing", "{}: {}", std::string(what), bytes.error());
    return bytes.error();
  }
  return std::move(*bytes);
}

Result<std::string> decode_text(std::string_view bytes, const std::string& name,
                                TextEncoding encoding) {
  if (bytes.size() >= 2 &&
      ((bytes[0] == '\xFF' && bytes[1] == '\xFE') || (bytes[0] == '\xFE' && bytes[1] == '\xFF')))
    return make_errorf("bad_encoding",
                       "{} is UTF-16 (Excel's \"Unicode text\"); save it as \"CSV UTF-8\" or "
                       "\"CSV (noktalı virgülle ayrılmış)\" instead",
                       name);
  const bool bom = bytes.size() >= 3 && bytes.substr(0, 3) == "\xEF\xBB\xBF";
  if (bom) {
    if (encoding == TextEncoding::windows1254)
      return make_errorf("bad_encoding",
                         "{} starts with a UTF-8 byte-order mark but was given as windows-1254; "
                         "give --encoding utf-8 or auto",
                         name);
    bytes.remove_prefix(3);
    encoding = TextEncoding::utf8;
  }
  std::string out;
  std::size_t bad = 0;
  if (encoding != TextEncoding::windows1254) {
    if (convert("UTF-8", bytes, out, bad)) return out;
    if (encoding == TextEncoding::utf8)
      return make_errorf(
          "bad_encoding",
          "{}, {}: not UTF-8 (byte 0x{}); if the file is from Turkish Excel, give --encoding "
          "windows-1254",
          name, position(bytes, bad), [&] {
            static const char* hex = "0123456789ABCDEF";
            const auto b = static_cast<unsigned char>(bytes[bad]);
            return std::string{hex[b >> 4], hex[b & 15]};
          }());
  }
  if (convert("WINDOWS-1254", bytes, out, bad)) return out;
  return make_errorf("bad_encoding",
                     "{}, {}: a byte that is neither UTF-8 nor Windows-1254 text; save the file as "
                     "\"CSV UTF-8\"",
                     name, position(bytes, bad));
}

Result<csv::Table> read_table_file(const std::filesystem::path& file, std::string_view what,
                                   const TableFileOptions& options) {
  auto bytes = read_file_bytes(file, what);
  if (!bytes) return bytes.error();
  auto text = decode_text(*bytes, file.string(), options.encoding);
  if (!text) return text.error();
  return csv::parse(*text, file.string(), options.csv);
}

}  // namespace odyo::station
