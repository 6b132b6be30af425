// libFuzzer target: FIPP decoder in both directions and all carry rules.
#include "drivers/codec/fipp.hpp"
#include "fuzz_common.hpp"

using namespace odyo::codec;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  for (auto rule :
       {fipp::CarryRule::discard, fipp::CarryRule::end_around, fipp::CarryRule::either}) {
    auto cfg = fipp::FippConfig::placeholder_defaults();
    cfg.carry_rule = rule;
    for (auto dir : {fipp::Direction::from_instrument, fipp::Direction::from_host}) {
      fipp::FippDecoder proto(dir, cfg);
      odyo::fuzz::check_stream_contract(proto, data, size);
      auto b = odyo::fuzz::run(proto, data, size, size);
      for (const auto& m : b.frames) {
        // Typed decoders must return a value or an error, never crash.
        (void)fipp::decode_version(m);
        (void)fipp::decode_control_registers(m);
        (void)fipp::decode_keyboard_registers(m);
        if (m.kind != fipp::MessageKind::flow_control) {
          // Re-encoding a decoded message gives a message the decoder accepts again.
          auto again = fipp::FippDecoder(dir, cfg).feed(fipp::encode(
              m.message_number, m.data,
              m.carry_folded ? fipp::CarryRule::end_around : fipp::CarryRule::discard));
          odyo::fuzz::require(again.frames.size() == 1 && again.frames[0].data == m.data);
        }
      }
    }
  }
  return 0;
}
