// libFuzzer target: GDT parser (whole files), audiogram extraction, charset conversions.
#include "drivers/codec/gdt.hpp"
#include "fuzz_common.hpp"

using namespace odyo::codec;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const ByteSpan file(data, size);
  for (auto cs : {std::optional<Charset>{}, std::optional<Charset>{Charset::iso8859_15}}) {
    gdt::GdtOptions o;
    o.charset_override = cs;
    auto r = gdt::parse(file, o);
    if (!r.ok()) {
      odyo::fuzz::require(!r.error().message.empty() && r.error().offset <= size);
      continue;
    }
    // Every decoded field converts back to the record's charset (no lossy decoding).
    for (const auto& f : r->fields) odyo::fuzz::require(from_utf8(f.content, r->charset).ok());
    (void)gdt::audiogram(r.value());
    (void)gdt::check_request_fields(r.value());
    // Writing the fields again and parsing the result gives the same contents.
    std::vector<gdt::FieldOut> out;
    bool writable = true;
    for (const auto& f : r->fields) {
      if (f.id == 8000 || f.id == 8100) writable = false;
      out.push_back({f.id, f.content});
    }
    if (writable && r->charset != Charset::iso8859_15 && r->charset_declared) {
      auto w = gdt::write(r->record_type, out, r->charset);
      if (w.ok()) {
        auto again = gdt::parse(w.value(), o);
        odyo::fuzz::require(again.ok());
        odyo::fuzz::require(again->fields.size() == r->fields.size());
      }
    }
  }
  for (auto cs : {Charset::ascii7, Charset::cp437, Charset::iso8859_1, Charset::iso8859_15}) {
    auto u = to_utf8(file, cs);
    if (u.ok()) {
      auto back = from_utf8(u.value(), cs);
      odyo::fuzz::require(back.ok() && back.value() == Bytes(data, data + size));
    }
    (void)from_utf8(std::string_view(reinterpret_cast<const char*>(data), size), cs, true);
  }
  (void)gdt::parse_decimal(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
