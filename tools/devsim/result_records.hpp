#pragma once
// The records the result-sending simulators send (devsim results, the integration tests): what a
// Welch Allyn TM262, a GSI 61 or a Vitalograph Lung Monitor puts on the wire when the operator
// presses "send", built with the station's own codecs (drivers/codec) from values given here.
// Thread-safety: pure functions.

#include <string>
#include <utility>
#include <vector>

#include "drivers/codec/codec.hpp"
#include "drivers/codec/vitalograph.hpp"

namespace odyo::devsim {

// One ear's air-conduction thresholds (dB HL) at the given frequencies.
struct EarThresholds {
  std::string ear;  // right | left
  std::vector<std::pair<int, int>> hz_db_hl;
};

// The demo worker's audiogram: a 4 kHz noise notch, worse on the left.
std::vector<EarThresholds> demo_audiogram();

// TM262 "y" records (welch-allyn-tm262.md §3): one per ear, as one group (index i of total n).
std::vector<codec::Bytes> tm262_records(const std::vector<EarThresholds>& ears, int first_sequence);

// GSI 61 type 1 records (gsi61.md §3.2), one per threshold: tone test, channel 1 HL in tenths of
// a dB, interrupt on, 5 dB steps, frequency right-aligned; offsets 6–14 (unknown) sent as zeros.
codec::Bytes gsi61_type1(int frequency_hz, double channel1_hl_db);
std::vector<codec::Bytes> gsi61_records(const std::vector<EarThresholds>& ears);

// Vitalograph FTD record (vitalograph-lung-monitor.md §5 a): a good blow, FEV1 3.12 L, FEV6 4.01 L.
codec::vitalograph::FevResult vitalograph_good_blow();
std::vector<codec::Bytes> vitalograph_records();

// The records `devsim results --driver NAME` sends. Empty for an unknown name.
std::vector<codec::Bytes> sample_records(const std::string& driver);

}  // namespace odyo::devsim
