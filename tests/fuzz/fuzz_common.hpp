#pragma once
// Shared checks for the codec fuzz targets. Beyond "no crash, no sanitizer report", every target
// checks the streaming contract of drivers/codec/codec.hpp on arbitrary bytes:
//  - frames and errors come in stream order, errors never overlap, nothing lies beyond the input;
//  - feeding the same bytes in two chunks (split point taken from the data) gives exactly the
//    same frames and errors as feeding them at once;
//  - an expire_partial() between the chunks keeps the ordering rules.
// A broken invariant aborts (__builtin_trap), which libFuzzer reports as a crash with the input.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "drivers/codec/codec.hpp"

namespace odyo::fuzz {

inline void require(bool ok) {
  if (!ok) __builtin_trap();
}

template <typename Decoder>
typename Decoder::Batch run(Decoder d, const std::uint8_t* data, std::size_t size,
                            std::size_t split) {
  typename Decoder::Batch b;
  split = split > size ? size : split;
  d.feed(codec::ByteSpan(data, split), b);
  d.feed(codec::ByteSpan(data + split, size - split), b);
  d.finish(b);
  require(d.pending_bytes() == 0);
  return b;
}

template <typename Batch>
void check_order(const Batch& b, std::size_t size) {
  std::uint64_t last_frame = 0;
  bool first = true;
  for (const auto& f : b.frames) {
    require(f.stream_offset < size);
    require(first || f.stream_offset > last_frame);
    last_frame = f.stream_offset;
    first = false;
  }
  std::uint64_t end = 0;
  for (const auto& e : b.errors) {
    require(e.offset >= end);
    require(e.offset + e.length <= size);
    require(!e.code.empty() && !e.message.empty());
    end = e.offset + e.length;
  }
}

template <typename Decoder>
void check_stream_contract(const Decoder& proto, const std::uint8_t* data, std::size_t size) {
  const std::size_t split = size == 0 ? 0 : data[0] % (size + 1);
  auto whole = run(proto, data, size, size);
  auto parts = run(proto, data, size, split);
  check_order(whole, size);
  require(whole.frames.size() == parts.frames.size());
  require(whole.errors.size() == parts.errors.size());
  for (std::size_t i = 0; i < whole.frames.size(); ++i)
    require(whole.frames[i].stream_offset == parts.frames[i].stream_offset);
  // An inter-byte timeout at the split point (expire_partial) may change what is decoded, but
  // never the ordering rules.
  {
    Decoder d = proto;
    typename Decoder::Batch b;
    d.feed(codec::ByteSpan(data, split), b);
    d.expire_partial(b);
    d.feed(codec::ByteSpan(data + split, size - split), b);
    d.finish(b);
    require(d.pending_bytes() == 0);
    check_order(b, size);
  }
  for (std::size_t i = 0; i < whole.errors.size(); ++i) {
    require(whole.errors[i].offset == parts.errors[i].offset);
    require(whole.errors[i].length == parts.errors[i].length);
    require(whole.errors[i].code == parts.errors[i].code);
  }
}

}  // namespace odyo::fuzz
