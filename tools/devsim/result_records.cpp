#include "tools/devsim/result_records.hpp"

#include <cmath>
#include <cstdio>

#include "drivers/codec/gsi61.hpp"
#include "drivers/codec/tm262.hpp"

namespace odyo::devsim {

std::vector<EarThresholds> demo_audiogram() {
  return {{"right",
           {{250, 10},
            {500, 15},
            {1000, 15},
            {2000, 20},
            {3000, 35},
            {4000, 45},
            {6000, 40},
            {8000, 25}}},
          {"left",
           {{250, 15},
            {500, 20},
            {1000, 25},
            {2000, 30},
            {3000, 45},
            {4000, 55},
            {6000, 50},
            {8000, 30}}}};
}

std::vector<codec::Bytes> tm262_records(const std::vector<EarThresholds>& ears,
                                        int first_sequence) {
  std::vector<codec::Bytes> out;
  int i = 0;
  for (const auto& e : ears) {
    codec::tm262::AudiometryRecordOut r;
    r.sequence = (first_sequence + i) % 10;
    r.index = i + 1;
    r.total = static_cast<int>(ears.size());
    r.ear = e.ear == "left" ? codec::Ear::left : codec::Ear::right;
    for (const auto& [hz, db] : e.hz_db_hl)
      for (int k = 0; k < 11; ++k)
        if (codec::tm262::kFrequenciesHz[k] == hz) r.thresholds_db_hl[k] = db;
    out.push_back(codec::tm262::encode_audiometry_record(r));
    ++i;
  }
  return out;
}

codec::Bytes gsi61_type1(int frequency_hz, double channel1_hl_db) {
  // Offsets 2…39 (gsi61.md §3.2, §5): test type 0 (tone), stimulus 1 (tone), 0, SISI 0,
  // offsets 6–14 unknown → zeros, tracking 0, "00", step 3 (5 dB), HL, interrupt 1, channel 2
  // HL 0000, interrupt 0, frequency (5, right-aligned), "000000".
  char body[64];
  std::snprintf(body, sizeof body, "01000000000000003%04d100000%5d000000",
                static_cast<int>(std::lround(channel1_hl_db * 10)), frequency_hz);
  return codec::gsi61::encode_record('1', body);
}

std::vector<codec::Bytes> gsi61_records(const std::vector<EarThresholds>& ears) {
  std::vector<codec::Bytes> out;
  for (const auto& e : ears)
    for (const auto& [hz, db] : e.hz_db_hl) out.push_back(gsi61_type1(hz, db));
  return out;
}

codec::vitalograph::FevResult vitalograph_good_blow() {
  codec::vitalograph::FevResult r;
  r.device_id = "0000004711";
  r.fev1_l = 3.12;
  r.fev6_l = 4.01;
  r.fev1_fev6_ratio = 0.78;
  r.fef25_75_lps = 2.65;
  r.personal_best_raw = 350;
  r.fev1_percent_raw = 89;
  r.green_zone_raw = 80;
  r.yellow_zone_raw = 60;
  r.orange_zone_raw = 50;
  r.year = 2026;
  r.month = 11;
  r.day = 23;
  r.hour = 9;
  r.minute = 45;
  r.second = 12;
  r.good_test = true;
  r.software_version = 923;
  return r;
}

std::vector<codec::Bytes> vitalograph_records() {
  return {
      codec::vitalograph::encode_frame(codec::vitalograph::format_fev(vitalograph_good_blow()))};
}

std::vector<codec::Bytes> sample_records(const std::string& driver) {
  if (driver == "tm262") return tm262_records(demo_audiogram(), 3);
  if (driver == "gsi61") return gsi61_records(demo_audiogram());
  if (driver == "vitalograph") return vitalograph_records();
  return {};
}

}  // namespace odyo::devsim
