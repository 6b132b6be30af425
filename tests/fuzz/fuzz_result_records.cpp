// libFuzzer target: the result-sending devices' drivers (drivers/gsi61, drivers/tm262,
// drivers/vitalograph) and the collectors that turn their frames into one result per test
// (acquisition/devices/result_records): any bytes, in two chunks, must neither crash nor break
// the collectors' invariants (an audiogram point per record used; a complete Vitalograph
// collector has a result; one ACK or NAK per frame start answered).
#include "acquisition/devices/result_records.hpp"
#include "drivers/gsi61/gsi61_driver.hpp"
#include "drivers/tm262/tm262_driver.hpp"
#include "drivers/vitalograph/vitalograph_driver.hpp"
#include "fuzz_common.hpp"

using namespace odyo;

namespace {

template <typename Driver>
typename Driver::Batch decode_in_two(Driver& d, const std::uint8_t* data, std::size_t size) {
  typename Driver::Batch b;
  const std::size_t cut = size / 2;
  d.feed(codec::ByteSpan(data, cut), b);
  d.feed(codec::ByteSpan(data + cut, size - cut), b);
  d.finish(b);
  return b;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  {
    drivers::Gsi61Driver d;
    auto b = decode_in_two(d, data, size);
    acquisition::Gsi61AudiogramCollector c;
    for (const auto& f : b.frames) c.add(f);
    fuzz::require(c.audiogram().points.size() == c.records_used());
    (void)c.complete();
  }
  {
    drivers::Tm262Driver d;
    auto b = decode_in_two(d, data, size);
    acquisition::Tm262AudiogramCollector c;
    for (const auto& f : b.frames) c.add(f);
    fuzz::require(c.records_used() <= b.frames.size());
    (void)c.audiogram();
    (void)c.source_text();
  }
  {
    drivers::VitalographDriver d;
    auto b = decode_in_two(d, data, size);
    const auto replies = d.take_replies();
    for (auto r : replies)
      fuzz::require(r == codec::vitalograph::kAck || r == codec::vitalograph::kNak);
    fuzz::require(b.frames.size() + d.duplicates() <= replies.size());
    acquisition::VitalographResultCollector c;
    for (const auto& f : b.frames) c.add(f);
    fuzz::require(!c.complete() || c.result().has_value());
  }
  return 0;
}
