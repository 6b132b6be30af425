#pragma once
// GDT 2.1 (Gerätedatentransfer) records (reference/devices/gdt-2.1.md). A GDT record is a whole
// file in a shared folder, so this codec works on the complete file bytes (the folder watcher in
// drivers/ reads the file; nothing here touches the disk).
//
// Line: LLL (3 digits, whole line length in bytes incl. CR LF) · field id (4 digits) · content ·
// CR LF. Line 1 is 8000 (record type), line 2 is 8100 (file size in bytes). The charset comes from
// field 9206 (1 = 7-bit ASCII, 2 = CP437 = default when absent, 3 = ISO 8859-1); a partner whose
// software writes ISO 8859-15 is configured with GdtOptions::charset_override. Lengths are bytes
// in that charset. Every mismatch rejects the whole record with the line number and byte offset
// (§5: never half-import). A file shorter than its 8100 says is reported as `incomplete` (the
// writer may still be writing it: wait and read again).
// Thread-safety: pure functions.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "drivers/codec/audiogram.hpp"
#include "drivers/codec/charset.hpp"
#include "drivers/codec/codec.hpp"

namespace odyo::codec::gdt {

// Record types (field 8000), §3.
inline constexpr int kRequestMasterData = 6300;
inline constexpr int kSendMasterData = 6301;
inline constexpr int kRequestExamination = 6302;
inline constexpr int kExaminationData = 6310;
inline constexpr int kShowExamination = 6311;

struct Field {
  int id = 0;                // 4-digit field id
  std::string content;       // UTF-8
  std::size_t line = 0;      // 1-based line number
  std::uint64_t offset = 0;  // byte offset of the line in the file
};

struct Test {          // one 8410 block (§4: every field 8410–8480 belongs to the current block)
  std::string ident;   // 8410
  std::string name;    // 8411
  std::string status;  // 8418
  std::string value;   // 8420 (text as sent; see parse_decimal)
  std::string unit;    // 8421
  std::string normal_text;                // 8460
  std::string lower_limit;                // 8461
  std::string upper_limit;                // 8462
  std::vector<std::string> remarks;       // 8470
  std::vector<std::string> result_texts;  // 8480
  std::vector<Field> fields;              // every field of the block, in order
};

struct Record {
  int record_type = 0;  // 8000
  Charset charset = Charset::cp437;
  bool charset_declared = false;  // 9206 present
  std::vector<Field> fields;      // every line except 8000/8100, in order
  std::vector<Test> tests;

  // First field with this id, if any.
  [[nodiscard]] const Field* find(int id) const;
  [[nodiscard]] std::string get(int id) const;  // "" if absent
  [[nodiscard]] std::vector<std::string> all(int id) const;
};

struct GdtOptions {
  std::optional<Charset> charset_override;   // partner setting (e.g. ISO 8859-15)
  std::optional<Charset> charset_if_absent;  // default: CP437 (§1)
};

// Parses a complete GDT file. Errors: bad_length (line length or 8100), bad_header (8000/8100
// order, non-digit id), bad_charset (unknown 9206, byte not valid in the charset), incomplete.
Expected<Record> parse(ByteSpan file, const GdtOptions& options = {});

// Checks the mandatory patient fields of a 6302 request (§4: 3000, 3101, 3102, 3103).
Expected<bool> check_request_fields(const Record& r);

// Builds a file: fields are (id, UTF-8 content) in order; 8000 and 8100 are added in front,
// 9206 is written from `charset` unless present in fields. Turkish letters the charset cannot
// hold are transliterated (§1, station decision). Error if a line exceeds 999 bytes.
struct FieldOut {
  int id;
  std::string content;
};
Expected<Bytes> write(int record_type, const std::vector<FieldOut>& fields,
                      Charset charset = Charset::cp437);

// "15", "15.5", "15,5" → number; nullopt otherwise. decimal_comma: accept ',' (partner setting).
std::optional<double> parse_decimal(std::string_view text, bool accept_comma = true);

// AUDI01 pure-tone audiogram from a 6310 record. Test idents follow a convention table:
// the default is the spec's own convention (§7) `<R|L>_<AC|BC>[_M]_<frequency>` where _M means
// masked, value = dB HL, "NR" = no response (the level, if any, is looked up in 8480 text as
// "… bei <N> dB"); explicit entries in `idents` override it for a partner's vocabulary.
struct AudiogramIdent {
  Ear ear;
  Transducer transducer;
  bool masked;
  int frequency_hz;
};
struct AudiogramMapping {
  std::map<std::string, AudiogramIdent> idents;  // partner-specific idents
  bool use_default_convention = true;
  std::vector<std::string> no_response_values = {"NR", "nr", "k.R.", "KR"};
};
// Error if the record is not a 6310 or carries no recognisable audiogram test; tests whose ident
// is not recognised are listed in the error message (never silently dropped) unless others were
// decoded, in which case they are named in Audiogram::source.
Expected<Audiogram> audiogram(const Record& r, const AudiogramMapping& mapping = {});

}  // namespace odyo::codec::gdt
