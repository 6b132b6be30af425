// FIPP codec against frye-fipp.md §6/§7 (tests/data/devices/frye-fipp/messages.tsv).
#include <gtest/gtest.h>

#include <map>

#include "drivers/codec/fipp.hpp"
#include "vectors.hpp"

using namespace odyo;
using namespace odyo::codec;
using namespace odyo::testing;

namespace {
std::map<std::string, Bytes> vectors() {
  std::map<std::string, Bytes> m;
  for (const auto& r : read_tsv("frye-fipp/messages.tsv")) m[r[0]] = hex(r[2]);
  return m;
}
}  // namespace

TEST(Fipp, EncodesTheSpecCommands) {
  auto v = vectors();
  ASSERT_EQ(v.size(), 6U);
  EXPECT_EQ(fipp::encode_command(fipp::kGetControlRegisters), v["get_control_registers"]);
  EXPECT_EQ(fipp::encode_command(fipp::kGetKeyboardRegisters), v["get_keyboard_registers"]);
  EXPECT_EQ(fipp::encode(fipp::kGetVersion, {}), v["get_version_common"]);
  std::array<std::uint16_t, 14> zero{};
  EXPECT_EQ(fipp::encode_set_control_registers(zero), v["set_control_registers_zero"]);
  EXPECT_EQ(v["set_control_registers_zero"].size(), 34U);
}

TEST(Fipp, ChecksumCarryRules) {
  // §2 "Open point": 1002h, 000Eh, 14 × FFFFh → discard-carry EFFDh, end-around EFEFh.
  std::vector<std::uint16_t> w = {0x1002, 0x000E};
  for (int i = 0; i < 14; ++i) w.push_back(0xFFFF);
  EXPECT_EQ(fipp::checksum(w, fipp::CarryRule::discard), 0xEFFD);
  EXPECT_EQ(fipp::checksum(w, fipp::CarryRule::end_around), 0xEFEF);
  // F3/F5 document examples: 1001h → EFFEh, 1009h → EFF6h (no carry: both rules agree).
  const std::uint16_t a[] = {0x1001, 0x0000};
  EXPECT_EQ(fipp::checksum(a, fipp::CarryRule::end_around), 0xEFFE);
}

TEST(Fipp, DecodesTheVersionResponseOfAnFa12) {
  // §7 example 1: FA12, software 2.24, standard options 3, custom FFFF, machine type 102.
  fipp::FippDecoder d;
  auto b = d.feed(vectors()["version_response_fa12"]);
  ASSERT_TRUE(b.errors.empty()) << b.errors[0].message;
  ASSERT_EQ(b.frames.size(), 1U);
  EXPECT_EQ(b.frames[0].kind, fipp::MessageKind::response);
  EXPECT_EQ(b.frames[0].command, fipp::kGetVersion);
  auto v = fipp::decode_version(b.frames[0]);
  ASSERT_TRUE(v.ok()) << v.error().message;
  EXPECT_EQ(v->software_version_x100, 224);
  EXPECT_EQ(v->standard_options, 3U);
  EXPECT_EQ(v->custom_options, 0xFFFF);
  EXPECT_EQ(v->machine_type, 102);
  EXPECT_EQ(v->model(), "FA12");
  EXPECT_EQ(v->max_level_db_hl(), 120);
}

TEST(Fipp, DecodesTheControlBlockResponse) {
  fipp::FippDecoder d;
  auto b = d.feed(vectors()["control_registers_response"]);
  ASSERT_EQ(b.frames.size(), 1U);
  auto regs = fipp::decode_control_registers(b.frames[0]);
  ASSERT_TRUE(regs.ok());
  EXPECT_EQ(regs.value()[0], 0x0101);
  EXPECT_EQ(regs.value()[1], 0x03E8);
  EXPECT_EQ(regs.value()[2], 0x0190);
  EXPECT_EQ(regs.value()[13], 0);
  EXPECT_FALSE(fipp::decode_version(b.frames[0]).ok());  // wrong response type: an error value
}

TEST(Fipp, ReversePollAndFlowControlFromTheProfile) {
  auto cfg = fipp::FippConfig::placeholder_defaults();
  // The placeholder poll is FIPP-framed message A000h with no data: 00 A0 00 00 FF 5F.
  EXPECT_EQ(cfg.poll, hex("00A0 0000 FF5F"));
  fipp::FippDecoder d(fipp::Direction::from_instrument, cfg);
  Bytes stream = concat({cfg.poll, vectors()["version_response_fa12"], cfg.nak, cfg.poll});
  auto b = feed_chunked(d, stream, 1);
  ASSERT_TRUE(b.errors.empty());
  ASSERT_EQ(b.frames.size(), 4U);
  EXPECT_EQ(b.frames[0].kind, fipp::MessageKind::flow_control);
  EXPECT_EQ(b.frames[0].flow_control, fipp::FlowControl::poll);
  EXPECT_EQ(b.frames[1].kind, fipp::MessageKind::response);
  EXPECT_EQ(b.frames[2].flow_control, fipp::FlowControl::nak);
  EXPECT_EQ(b.frames[3].flow_control, fipp::FlowControl::poll);
  EXPECT_EQ(b.frames[3].stream_offset, 6U + 18U + 6U);

  // A profile with a one-byte poll (e.g. ENQ) works the same way.
  cfg.poll = {0x05};
  fipp::FippDecoder d2(fipp::Direction::from_instrument, cfg);
  auto b2 = d2.feed(Bytes{0x05, 0x05});
  ASSERT_EQ(b2.frames.size(), 2U);
  EXPECT_EQ(b2.frames[1].flow_control, fipp::FlowControl::poll);
}

TEST(Fipp, SimulatorSideDecodesCommands) {
  fipp::FippDecoder d(fipp::Direction::from_host);
  auto v = vectors();
  auto b = d.feed(concat(
      {v["get_control_registers"], v["get_version_common"], v["set_control_registers_zero"]}));
  ASSERT_TRUE(b.errors.empty());
  ASSERT_EQ(b.frames.size(), 3U);
  EXPECT_EQ(b.frames[0].command, 1);
  EXPECT_EQ(b.frames[1].command, 28);
  EXPECT_EQ(b.frames[1].message_number, 0x001C);
  EXPECT_EQ(b.frames[2].command, 2);
  EXPECT_EQ(b.frames[2].data.size(), 14U);
}

TEST(Fipp, BadChecksumIsDiscardedAndTheNextMessageDecodes) {
  auto v = vectors();
  Bytes bad = v["version_response_fa12"];
  bad[16] ^= 0x01;  // checksum low byte
  fipp::FippDecoder d;
  auto b = feed_chunked(d, concat({bad, v["control_registers_response"]}), 5);
  ASSERT_EQ(b.frames.size(), 1U);
  EXPECT_EQ(b.frames[0].command, fipp::kGetControlRegisters);
  EXPECT_EQ(b.frames[0].stream_offset, 18U);
  ASSERT_EQ(b.errors.size(), 1U);
  EXPECT_EQ(b.errors[0].code, errc::bad_checksum);
  EXPECT_EQ(b.errors[0].offset, 0U);
  EXPECT_EQ(b.errors[0].length, 18U);
  EXPECT_NE(b.errors[0].message.find("re-issue"), std::string::npos);
}

TEST(Fipp, CarryRuleFromProfileIsApplied) {
  // 14 × FFFFh data: the end-around checksum EFEFh (computed in §2) is accepted only by
  // end_around or either.
  std::array<std::uint16_t, 14> ones;
  ones.fill(0xFFFF);
  Bytes folded =
      fipp::encode_response(fipp::kGetControlRegisters, ones, fipp::CarryRule::end_around);
  for (auto [rule, accepted] :
       {std::pair{fipp::CarryRule::discard, false}, std::pair{fipp::CarryRule::end_around, true},
        std::pair{fipp::CarryRule::either, true}}) {
    auto cfg = fipp::FippConfig::placeholder_defaults();
    cfg.carry_rule = rule;
    fipp::FippDecoder d(fipp::Direction::from_instrument, cfg);
    auto b = d.feed(folded);
    EXPECT_EQ(b.frames.size(), accepted ? 1U : 0U);
    if (accepted) {
      EXPECT_TRUE(b.frames[0].carry_folded);
    }
  }
}

TEST(Fipp, GarbageImpossibleCountAndTruncation) {
  auto v = vectors();
  fipp::FippDecoder d;
  // 3 garbage bytes, a header claiming 0x0400 data words (over the 64 limit), a good message,
  // then half a message.
  Bytes junk = {0x13, 0x37, 0x42};
  Bytes huge = hex("0190 0004");
  Bytes half(v["control_registers_response"].begin(), v["control_registers_response"].begin() + 10);
  auto b = d.feed(concat({junk, huge, v["version_response_fa12"], half}));
  ASSERT_EQ(b.frames.size(), 1U);
  EXPECT_EQ(b.frames[0].stream_offset, 7U);
  ASSERT_FALSE(b.errors.empty());
  EXPECT_EQ(b.errors[0].offset, 0U);
  std::uint64_t lost = 0;
  bool saw_count = false;
  for (const auto& e : b.errors) {
    lost += e.length;
    saw_count = saw_count || e.code == errc::bad_length;
  }
  EXPECT_TRUE(saw_count);
  EXPECT_EQ(lost, 7U);
  auto end = d.finish();
  ASSERT_EQ(end.errors.size(), 1U);
  EXPECT_EQ(end.errors[0].code, errc::truncated);
  EXPECT_EQ(end.errors[0].length, 10U);
}

TEST(Fipp, QuietLinkMidResponseExpiresThePartialMessage) {
  // A response cut after 10 of its 34 bytes, then the instrument polls again: the decoder waits
  // for the 24 missing bytes until the driver's inter-byte timeout calls expire_partial().
  auto v = vectors();
  auto cfg = fipp::FippConfig::placeholder_defaults();
  Bytes half(v["control_registers_response"].begin(), v["control_registers_response"].begin() + 10);
  fipp::FippDecoder d(fipp::Direction::from_instrument, cfg);
  auto b = d.feed(concat({half, cfg.poll}));
  EXPECT_TRUE(b.frames.empty());
  EXPECT_EQ(d.pending_bytes(), 16U);
  d.expire_partial(b);
  ASSERT_EQ(b.frames.size(), 1U);
  EXPECT_EQ(b.frames[0].flow_control, fipp::FlowControl::poll);
  EXPECT_EQ(b.frames[0].stream_offset, 10U);
  ASSERT_EQ(b.errors.size(), 1U);
  EXPECT_EQ(b.errors[0].code, errc::truncated);
  EXPECT_EQ(b.errors[0].offset, 0U);
  EXPECT_EQ(b.errors[0].length, 10U);
  EXPECT_EQ(d.pending_bytes(), 0U);
  d.expire_partial(b);  // nothing pending: no effect
  EXPECT_EQ(b.errors.size(), 1U);
}
