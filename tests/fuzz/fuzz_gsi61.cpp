// libFuzzer target: GSI 61 record decoder, lenient and strict checksum policies.
#include "drivers/codec/gsi61.hpp"
#include "fuzz_common.hpp"

using namespace odyo::codec;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  odyo::fuzz::check_stream_contract(gsi61::Gsi61Decoder(gsi61::ChecksumPolicy::log_only), data,
                                    size);
  odyo::fuzz::check_stream_contract(gsi61::Gsi61Decoder(gsi61::ChecksumPolicy::strict), data, size);
  return 0;
}
