#include "drivers/codec/gdt.hpp"

#include <cstdio>
#include <cstdlib>

namespace odyo::codec::gdt {

namespace {

bool all_digits(ByteSpan b) {
  if (b.empty()) return false;
  for (std::uint8_t c : b)
    if (c < '0' || c > '9') return false;
  return true;
}

int digits_value(ByteSpan b) {
  int v = 0;
  for (std::uint8_t c : b) v = v * 10 + (c - '0');
  return v;
}

DecodeError err(std::uint64_t offset, const char* code, std::string message) {
  return DecodeError{offset, 0, code, std::move(message)};
}

std::string line_ref(std::size_t line, std::uint64_t offset) {
  return "line " + std::to_string(line) + " (byte " + std::to_string(offset) + ")";
}

struct RawLine {
  std::size_t number;
  std::uint64_t offset;
  int id;
  ByteSpan content;
};

std::string trim(std::string_view s) {
  std::size_t b = 0, e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t')) ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t')) --e;
  return std::string(s.substr(b, e - b));
}

// Charset from field 9206 (gdt-2.1.md §1): 1 ASCII, 2 CP437, 3 ISO 8859-1.
std::optional<Charset> charset_from_9206(std::string_view v) {
  if (v == "1") return Charset::ascii7;
  if (v == "2") return Charset::cp437;
  if (v == "3") return Charset::iso8859_1;
  return std::nullopt;
}

}  // namespace

const Field* Record::find(int id) const {
  for (const auto& f : fields)
    if (f.id == id) return &f;
  return nullptr;
}

std::string Record::get(int id) const {
  const Field* f = find(id);
  return f ? f->content : std::string();
}

std::vector<std::string> Record::all(int id) const {
  std::vector<std::string> out;
  for (const auto& f : fields)
    if (f.id == id) out.push_back(f.content);
  return out;
}

Expected<Record> parse(ByteSpan file, const GdtOptions& options) {
  // Pass 1: framing (lengths are bytes, independent of the charset).
  std::vector<RawLine> lines;
  std::size_t pos = 0;
  std::optional<std::uint64_t> declared_size;
  while (pos < file.size()) {
    const std::size_t number = lines.size() + 1;
    if (file.size() - pos < 9) {
      if (declared_size && *declared_size > file.size())
        return err(pos, errc::incomplete,
                   "the file ends inside " + line_ref(number, pos) + " and is " +
                       std::to_string(file.size()) + " of the " + std::to_string(*declared_size) +
                       " bytes field 8100 announces: it is probably still being written; read it "
                       "again when its size is stable");
      return err(pos, errc::bad_length,
                 line_ref(number, pos) + " is shorter than the 9-byte minimum of a GDT line");
    }
    const ByteSpan lll = file.subspan(pos, 3);
    if (!all_digits(lll))
      return err(pos, errc::bad_header,
                 line_ref(number, pos) + " does not start with a 3-digit line length");
    const std::size_t len = static_cast<std::size_t>(digits_value(lll));
    if (len < 9)
      return err(pos, errc::bad_length,
                 line_ref(number, pos) + " declares length " + std::to_string(len) +
                     ", below the 9-byte minimum");
    if (pos + len > file.size()) {
      if (declared_size && *declared_size > file.size())
        return err(pos, errc::incomplete,
                   "the file ends inside " + line_ref(number, pos) + " (" +
                       std::to_string(file.size()) + " of " + std::to_string(*declared_size) +
                       " bytes announced in 8100): it is probably still being written; read it "
                       "again when its size is stable");
      return err(pos, errc::bad_length,
                 line_ref(number, pos) + " declares " + std::to_string(len) + " bytes but only " +
                     std::to_string(file.size() - pos) + " remain in the file");
    }
    if (file[pos + len - 2] != '\r' || file[pos + len - 1] != '\n') {
      std::size_t actual = 0;
      for (std::size_t k = pos; k + 1 < file.size(); ++k)
        if (file[k] == '\r' && file[k + 1] == '\n') {
          actual = k + 2 - pos;
          break;
        }
      return err(pos, errc::bad_length,
                 line_ref(number, pos) + " declares " + std::to_string(len) + " bytes" +
                     (actual ? " but is " + std::to_string(actual) + " bytes long up to its CR LF"
                             : " but has no CR LF") +
                     " (a text written in another character set than declared, e.g. UTF-8 "
                     "instead of CP437, changes byte lengths); the record is rejected");
    }
    const ByteSpan id = file.subspan(pos + 3, 4);
    if (!all_digits(id))
      return err(pos + 3, errc::bad_header,
                 line_ref(number, pos) + " has a field id that is not 4 digits");
    RawLine rl{number, pos, digits_value(id), file.subspan(pos + 7, len - 9)};
    if (number == 1 && (rl.id != 8000 || !all_digits(rl.content) || rl.content.size() != 4))
      return err(pos, errc::bad_header,
                 "line 1 must be field 8000 (record type, 4 digits); this is not a GDT record");
    if (number == 2) {
      if (rl.id != 8100 || !all_digits(rl.content) || rl.content.size() != 5)
        return err(pos, errc::bad_header, "line 2 must be field 8100 (record length, 5 digits)");
      declared_size = static_cast<std::uint64_t>(digits_value(rl.content));
      if (*declared_size > file.size())
        return err(file.size(), errc::incomplete,
                   "field 8100 announces " + std::to_string(*declared_size) +
                       " bytes but the file has " + std::to_string(file.size()) +
                       ": it is probably still being written; read it again when its size is "
                       "stable");
      if (*declared_size < file.size())
        return err(*declared_size, errc::bad_length,
                   "field 8100 announces " + std::to_string(*declared_size) +
                       " bytes but the file has " + std::to_string(file.size()) +
                       "; the record is rejected");
    }
    lines.push_back(rl);
    pos += len;
  }
  if (lines.size() < 2)
    return err(0, lines.empty() ? errc::incomplete : errc::bad_header,
               lines.empty() ? "the file is empty (still being written?)"
                             : "the record has no 8100 (record length) line");

  // Charset: partner override, else 9206, else CP437 (§1).
  Record rec;
  rec.record_type = digits_value(lines[0].content);
  rec.charset = options.charset_if_absent.value_or(Charset::cp437);
  for (const auto& l : lines) {
    if (l.id != 9206) continue;
    rec.charset_declared = true;
    const std::string v(l.content.begin(), l.content.end());
    auto cs = charset_from_9206(v);
    if (!cs && !options.charset_override)
      return err(l.offset, errc::bad_charset,
                 line_ref(l.number, l.offset) + ": field 9206 = \"" + v +
                     "\" is not a GDT 2.1 character set (1 ASCII, 2 CP437, 3 ISO 8859-1); the "
                     "record is rejected");
    if (cs) rec.charset = *cs;
    break;
  }
  if (options.charset_override) rec.charset = *options.charset_override;

  // Pass 2: contents to UTF-8, test blocks.
  Test* current = nullptr;
  for (std::size_t i = 2; i < lines.size(); ++i) {
    const auto& l = lines[i];
    auto text = to_utf8(l.content, rec.charset);
    if (!text.ok()) {
      const std::uint64_t at = l.offset + 7 + text.error().offset;
      return err(at, errc::bad_charset,
                 line_ref(l.number, l.offset) + " (field " + std::to_string(l.id) + "), byte " +
                     std::to_string(at) + ": " + text.error().message);
    }
    Field f{l.id, std::move(text.value()), l.number, l.offset};
    if (f.id == 8410) {
      rec.tests.emplace_back();
      current = &rec.tests.back();
    }
    if (current != nullptr && f.id >= 8410 && f.id <= 8480) {
      switch (f.id) {
        case 8410:
          current->ident = f.content;
          break;
        case 8411:
          current->name = f.content;
          break;
        case 8418:
          current->status = f.content;
          break;
        case 8420:
          current->value = f.content;
          break;
        case 8421:
          current->unit = f.content;
          break;
        case 8460:
          current->normal_text = f.content;
          break;
        case 8461:
          current->lower_limit = f.content;
          break;
        case 8462:
          current->upper_limit = f.content;
          break;
        case 8470:
          current->remarks.push_back(f.content);
          break;
        case 8480:
          current->result_texts.push_back(f.content);
          break;
        default:
          break;
      }
      current->fields.push_back(f);
    }
    rec.fields.push_back(std::move(f));
  }
  return rec;
}

Expected<bool> check_request_fields(const Record& r) {
  std::string missing;
  for (int id : {3000, 3101, 3102, 3103})
    if (r.get(id).empty()) missing += (missing.empty() ? "" : ", ") + std::to_string(id);
  if (!missing.empty())
    return err(0, errc::bad_field,
               "the 6302 request lacks mandatory patient field(s) " + missing +
                   " (3000 number, 3101 surname, 3102 first name, 3103 birth date)");
  const std::string dob = r.get(3103);
  if (dob.size() != 8 ||
      !all_digits(ByteSpan(reinterpret_cast<const std::uint8_t*>(dob.data()), dob.size())))
    return err(0, errc::bad_field, "field 3103 (birth date) must be TTMMJJJJ, got \"" + dob + "\"");
  return true;
}

Expected<Bytes> write(int record_type, const std::vector<FieldOut>& fields, Charset charset) {
  if (record_type < 1000 || record_type > 9999)
    return err(0, errc::bad_field, "record type must have 4 digits");
  std::vector<FieldOut> all;
  all.push_back({8000, std::to_string(record_type)});
  all.push_back({8100, "00000"});
  bool has_9206 = false;
  for (const auto& f : fields) has_9206 = has_9206 || f.id == 9206;
  if (!has_9206) {
    std::string code;
    switch (charset) {
      case Charset::ascii7:
        code = "1";
        break;
      case Charset::cp437:
        code = "2";
        break;
      case Charset::iso8859_1:
        code = "3";
        break;
      case Charset::iso8859_15:
        return err(0, errc::bad_charset,
                   "ISO 8859-15 has no GDT 2.1 code in field 9206; write CP437 or ISO 8859-1");
    }
    all.push_back({9206, code});
  }
  for (const auto& f : fields) {
    if (f.id == 8000 || f.id == 8100)
      return err(0, errc::bad_field, "fields 8000 and 8100 are written by the codec");
    all.push_back(f);
  }
  Bytes out;
  std::size_t size_line_at = 0;
  for (const auto& f : all) {
    if (f.id < 0 || f.id > 9999) return err(0, errc::bad_field, "field id must have 4 digits");
    auto enc = from_utf8(f.content, charset, /*transliterate_turkish=*/true);
    if (!enc.ok())
      return err(0, errc::bad_charset,
                 "field " + std::to_string(f.id) + ": " + enc.error().message);
    const std::size_t len = 9 + enc.value().size();
    if (len > 999)
      return err(0, errc::bad_length,
                 "field " + std::to_string(f.id) + " is " + std::to_string(len) +
                     " bytes long; a GDT line holds at most 999 (split it into several lines)");
    char head[8];
    std::snprintf(head, sizeof head, "%03zu%04d", len, f.id);
    if (f.id == 8100) size_line_at = out.size();
    out.insert(out.end(), head, head + 7);
    out.insert(out.end(), enc.value().begin(), enc.value().end());
    out.push_back('\r');
    out.push_back('\n');
  }
  if (out.size() > 99999) return err(0, errc::bad_length, "record above 99999 bytes");
  char total[8];
  std::snprintf(total, sizeof total, "%05zu", out.size());
  std::copy(total, total + 5, out.begin() + static_cast<std::ptrdiff_t>(size_line_at + 7));
  return out;
}

std::optional<double> parse_decimal(std::string_view text, bool accept_comma) {
  std::string s = trim(text);
  if (s.empty()) return std::nullopt;
  int seps = 0, digits = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    char& c = s[i];
    if (c >= '0' && c <= '9') {
      ++digits;
    } else if (c == '.' || (accept_comma && c == ',')) {
      c = '.';
      ++seps;
    } else if (!((c == '-' || c == '+') && i == 0)) {
      return std::nullopt;
    }
  }
  if (digits == 0 || seps > 1) return std::nullopt;
  return std::strtod(s.c_str(), nullptr);
}

namespace {

std::optional<AudiogramIdent> default_ident(std::string_view ident) {
  // <R|L>_<AC|BC>[_M]_<frequency>  (gdt-2.1.md §7, our own convention)
  std::vector<std::string_view> parts;
  std::size_t b = 0;
  for (std::size_t i = 0; i <= ident.size(); ++i)
    if (i == ident.size() || ident[i] == '_') {
      parts.push_back(ident.substr(b, i - b));
      b = i + 1;
    }
  if (parts.size() != 3 && parts.size() != 4) return std::nullopt;
  AudiogramIdent a{};
  if (parts[0] == "R")
    a.ear = Ear::right;
  else if (parts[0] == "L")
    a.ear = Ear::left;
  else
    return std::nullopt;
  if (parts[1] == "AC")
    a.transducer = Transducer::air;
  else if (parts[1] == "BC")
    a.transducer = Transducer::bone;
  else
    return std::nullopt;
  a.masked = parts.size() == 4;
  if (a.masked && parts[2] != "M") return std::nullopt;
  const std::string_view f = parts.back();
  if (f.empty() || f.size() > 5) return std::nullopt;
  int hz = 0;
  for (char c : f) {
    if (c < '0' || c > '9') return std::nullopt;
    hz = hz * 10 + (c - '0');
  }
  if (hz < 100 || hz > 20000) return std::nullopt;
  a.frequency_hz = hz;
  return a;
}

// "keine Reaktion bei 100 dB HL" → 100: the first number followed by "dB".
std::optional<double> level_in_text(std::string_view t) {
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (t[i] < '0' || t[i] > '9') continue;
    if (i > 0 && t[i - 1] == '-') --i;
    std::size_t j = i + (t[i] == '-' ? 1 : 0);
    while (j < t.size() && ((t[j] >= '0' && t[j] <= '9') || t[j] == '.' || t[j] == ',')) ++j;
    std::size_t k = j;
    while (k < t.size() && t[k] == ' ') ++k;
    if (k + 1 < t.size() && t[k] == 'd' && t[k + 1] == 'B')
      return parse_decimal(t.substr(i, j - i));
    i = j;
  }
  return std::nullopt;
}

}  // namespace

Expected<Audiogram> audiogram(const Record& r, const AudiogramMapping& mapping) {
  if (r.record_type != kExaminationData)
    return err(0, errc::bad_field,
               "record type " + std::to_string(r.record_type) +
                   " carries no results; an audiogram comes in a 6310 record");
  const std::string procedure = r.get(8402);
  if (!procedure.empty() && procedure.rfind("AUDI", 0) != 0)
    return err(0, errc::bad_field,
               "the record is procedure " + procedure + ", not an audiometry result (AUDI0x)");
  Audiogram out;
  out.source = "GDT 6310 from " + (r.get(8316).empty() ? std::string("?") : r.get(8316));
  std::string unknown;
  for (const auto& t : r.tests) {
    std::optional<AudiogramIdent> id;
    if (auto it = mapping.idents.find(t.ident); it != mapping.idents.end())
      id = it->second;
    else if (mapping.use_default_convention)
      id = default_ident(t.ident);
    if (!id) {
      unknown += (unknown.empty() ? "" : ", ") + t.ident;
      continue;
    }
    AudiogramPoint p;
    p.ear = id->ear;
    p.transducer = id->transducer;
    p.masked = id->masked;
    p.frequency_hz = id->frequency_hz;
    for (const auto& s : t.result_texts) p.note += (p.note.empty() ? "" : "; ") + s;
    const std::string v = trim(t.value);
    bool nr = false;
    for (const auto& x : mapping.no_response_values) nr = nr || v == x;
    if (v.empty()) {
      p.status = PointStatus::not_tested;
    } else if (nr) {
      p.status = PointStatus::no_response;
      for (const auto& s : t.result_texts)
        if (!p.threshold_db_hl) p.threshold_db_hl = level_in_text(s);
    } else if (auto d = parse_decimal(v)) {
      if (!t.unit.empty() && t.unit != "dB HL" && t.unit != "dB" && t.unit != "dBHL")
        return err(t.fields.empty() ? 0 : t.fields.front().offset, errc::bad_field,
                   "test " + t.ident + ": unit \"" + t.unit + "\" is not dB HL");
      p.status = PointStatus::measured;
      p.threshold_db_hl = *d;
    } else {
      return err(t.fields.empty() ? 0 : t.fields.front().offset, errc::bad_field,
                 "test " + t.ident + ": value \"" + v +
                     "\" is neither a number nor a no-response mark (" +
                     std::to_string(mapping.no_response_values.size()) + " known)");
    }
    out.points.push_back(std::move(p));
  }
  if (out.points.empty())
    return err(0, errc::bad_field,
               unknown.empty()
                   ? "the 6310 record has no test blocks (8410)"
                   : "no test ident is a known audiogram point (" + unknown +
                         "); add the sender's idents to the partner's audiogram mapping");
  if (!unknown.empty()) out.source += "; tests not recognised as audiogram points: " + unknown;
  return out;
}

}  // namespace odyo::codec::gdt
