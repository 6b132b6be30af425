// libFuzzer target: Welch Allyn TM262 record decoder.
#include "drivers/codec/tm262.hpp"
#include "fuzz_common.hpp"

using namespace odyo::codec;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  odyo::fuzz::check_stream_contract(tm262::Tm262Decoder(), data, size);
  auto b = odyo::fuzz::run(tm262::Tm262Decoder(), data, size, size);
  for (const auto& r : b.frames) {
    if (r.type == 'y') odyo::fuzz::require(r.audiogram.points.size() == 11);
    for (const auto& p : r.audiogram.points)
      if (p.threshold_db_hl)
        odyo::fuzz::require(*p.threshold_db_hl >= -10 && *p.threshold_db_hl <= 100);
  }
  return 0;
}
