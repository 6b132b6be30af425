#pragma once
// Welch Allyn TM 262 AutoTymp RS-232 output records (reference/devices/welch-allyn-tm262.md).
// Printable-ASCII records: '.' type seq index total … 2 hex checksum characters, CR LF.
//  - "y" audiometry record, 60 bytes: decoded into an Audiogram (§3).
//  - "x" tympanometry/reflex record: only characters 1–30 are known (§5); decoded partly, the raw
//    text is kept. Its total length is not known, so it is framed by CR LF.
// Checksum (§4): mod-256 sum of all characters before it; the "MSB = 0" wording is ambiguous, so
// the decoder accepts `sum & 0xFF` or `sum & 0x7F` and reports which variant matched.
// Retransmitted records keep their sequence number: the decoder flags a record identical to the
// previous one with the same sequence number as a duplicate (§2) instead of dropping it.
// Thread-safety: plain value types; one decoder per port, one thread.

#include <cstdint>
#include <optional>
#include <string>

#include "drivers/codec/audiogram.hpp"
#include "drivers/codec/codec.hpp"

namespace odyo::codec::tm262 {

inline constexpr std::size_t kAudiometryRecordBytes = 60;  // §3
inline constexpr std::size_t kMaxRecordBytes = 600;        // "x" record: ≥ 250 (§5), bound it
// §3: the frequencies of the 11 threshold slots, in record order (W6).
inline constexpr int kFrequenciesHz[11] = {125,  250,  500,  750,  1000, 1500,
                                           2000, 3000, 4000, 6000, 8000};
inline constexpr std::int16_t kNotTested = static_cast<std::int16_t>(0x8000);  // §3 NT
inline constexpr int kNoResponseMin = 231, kNoResponseMax = 450;  // §3 NR = any 231…450

enum class ChecksumVariant { full_byte, seven_bit, both };  // which rule the record matched
std::uint8_t checksum_full(ByteSpan before_checksum);       // sum & 0xFF
std::uint8_t checksum_seven_bit(ByteSpan before_checksum);  // sum & 0x7F

struct Tympanometry {              // "x" record, characters 11–30 (§5)
  std::uint16_t ecv_raw = 0;       // ECV × M (M unknown, §7)
  double peak_compliance_cm3 = 0;  // uInt / 64
  std::int16_t peak_pressure_dapa = 0;
  std::int16_t gradient_dapa = 0;  // −1 not yet calculated, 0 could not be calculated
  std::int8_t end_index = -1;      // −1 none
};

struct Record {
  std::uint64_t stream_offset = 0;
  char type = 'y';   // 'x' or 'y' (other letters are kept with only the header decoded)
  int sequence = 0;  // 0…9
  int index = 0;     // position in a group
  int total = 0;     // records in the group
  ChecksumVariant checksum_variant = ChecksumVariant::both;
  bool duplicate = false;  // same sequence, type and content as the previous record
  std::string text;        // the record without CR LF
  std::optional<Ear> ear;  // x/y
  Audiogram audiogram;     // y: 11 air-conduction points (status per point)
  std::optional<Tympanometry> tympanometry;  // x
};

class Tm262Parser {
 public:
  using Frame = Record;
  [[nodiscard]] bool is_start(std::uint8_t b) const { return b == '.'; }
  ParseStep<Record> parse(ByteSpan at, std::uint64_t offset);
  [[nodiscard]] std::size_t max_frame_bytes() const { return kMaxRecordBytes; }
  [[nodiscard]] std::string describe_truncated(std::size_t have) const;
  void reset() { last_.reset(); }

 private:
  std::optional<std::string> last_;  // text of the last good record (duplicate detection)
};

class Tm262Decoder : public StreamDecoder<Tm262Parser> {};

// Encodes a "y" record (for simulators and tests). thresholds: 11 values in record order,
// nullopt = NT; a value of kNoResponseMin or more is sent as that raw code (NR).
struct AudiometryRecordOut {
  int sequence = 0, index = 1, total = 1;
  Ear ear = Ear::right;
  std::optional<double> thresholds_db_hl[11];
  bool no_response[11] = {};
  bool seven_bit_checksum = false;  // profile switch (§4 simulator default: full byte)
};
Bytes encode_audiometry_record(const AudiometryRecordOut& r);

}  // namespace odyo::codec::tm262
