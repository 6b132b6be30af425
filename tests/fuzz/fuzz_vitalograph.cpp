// libFuzzer target: Vitalograph Lung Monitor decoder; one ACK/NAK per complete frame.
#include "drivers/codec/vitalograph.hpp"
#include "fuzz_common.hpp"

using namespace odyo::codec;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  odyo::fuzz::check_stream_contract(vitalograph::VitalographDecoder(), data, size);
  vitalograph::VitalographDecoder d;
  auto b = d.feed(ByteSpan(data, size));
  d.finish(b);
  const Bytes replies = d.take_replies();
  std::size_t acks = 0;
  for (auto r : replies) acks += r == vitalograph::kAck ? 1 : 0;
  odyo::fuzz::require(acks == b.frames.size());  // every delivered frame was ACKed
  for (const auto& f : b.frames)
    odyo::fuzz::require(f.result.has_value() != !f.content_error.empty());
  return 0;
}
