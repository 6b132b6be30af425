#include "acquisition/devices/result_records.hpp"

#include <algorithm>

namespace odyo::acquisition {

void Tm262AudiogramCollector::add(const codec::tm262::Record& r) {
  const std::string which = "TM262 record " + std::string(1, r.type) + " seq " +
                            std::to_string(r.sequence) + " (" + std::to_string(r.index) + "/" +
                            std::to_string(r.total) + ")";
  if (r.duplicate) {
    notes_.push_back(which + ": retransmission, counted once");
    return;
  }
  if (r.type != 'y' || !r.ear) {
    notes_.push_back(which + ": not an audiometry record, kept in the raw journal only");
    return;
  }
  auto& slot = *r.ear == codec::Ear::right ? right_ : left_;
  if (slot)
    notes_.push_back(which + ": replaces the earlier " + std::string(codec::to_string(*r.ear)) +
                     "-ear record");
  slot = r;
  ++used_;
}

codec::Audiogram Tm262AudiogramCollector::audiogram() const {
  codec::Audiogram a;
  for (const auto* r : {&right_, &left_}) {
    if (!*r) continue;
    for (auto p : (*r)->audiogram.points) {
      p.ear = *(*r)->ear;
      a.points.push_back(p);
    }
    a.source += (a.source.empty() ? "" : ", ") + std::string("TM262 record y seq ") +
                std::to_string((*r)->sequence);
  }
  return a;
}

std::string Tm262AudiogramCollector::source_text() const {
  std::string s;
  for (const auto* r : {&right_, &left_})
    if (*r) s += (*r)->text + "\r\n";
  return s;
}

Gsi61AudiogramCollector::Gsi61AudiogramCollector(std::vector<codec::Ear> ear_order)
    : order_(std::move(ear_order)) {}

void Gsi61AudiogramCollector::add(const codec::gsi61::Frame& f) {
  if (f.kind != codec::gsi61::Kind::record) return;  // ACK, XON, XOFF: link control
  const std::string which = "GSI 61 record type " + std::string(1, f.type);
  if (f.type4) {
    notes_.push_back(which + ": instrument error " + std::to_string(f.type4->code) + " — " +
                     f.type4->meaning);
    return;
  }
  if (!f.content_error.empty()) {
    notes_.push_back(which + ": " + f.content_error + " (not used)");
    return;
  }
  if (!f.type1) {
    notes_.push_back(which + ": layout not known beyond its first fields (not used)");
    return;
  }
  const auto& t = *f.type1;
  if (t.test_type != 0 || t.channel1_stimulus != 1) {
    notes_.push_back(which + ": not a pure-tone test (test type " + std::to_string(t.test_type) +
                     ", stimulus " + std::to_string(t.channel1_stimulus) + "), not used");
    return;
  }
  if (std::find(current_ear_hz_.begin(), current_ear_hz_.end(), t.frequency_hz) !=
      current_ear_hz_.end()) {
    ++ear_index_;  // the frequency came again: the operator moved on to the next ear
    current_ear_hz_.clear();
  }
  if (ear_index_ >= order_.size()) {
    notes_.push_back(which + ": " + std::to_string(t.frequency_hz) +
                     " Hz came again after the last ear of the test order; not used");
    return;
  }
  if (f.integrity == codec::gsi61::Integrity::unverified_mismatch) {
    ++unverified_;
    notes_.push_back(which + " at " + std::to_string(t.frequency_hz) +
                     " Hz: checksum does not match rule H1 (the rule is unverified, gsi61.md §4): "
                     "used, integrity unverified");
  }
  current_ear_hz_.push_back(t.frequency_hz);
  codec::AudiogramPoint p;
  p.ear = order_[ear_index_];
  p.transducer = codec::Transducer::air;
  p.frequency_hz = t.frequency_hz;
  p.status = codec::PointStatus::measured;
  p.threshold_db_hl = t.channel1_hl_db;
  p.note = "GSI 61 channel 1 HL; ear by test order";
  points_.push_back(p);
  source_ += f.text + "\r\n";
  ++used_;
}

bool Gsi61AudiogramCollector::complete() const {
  for (auto e : order_)
    if (std::none_of(points_.begin(), points_.end(),
                     [e](const codec::AudiogramPoint& p) { return p.ear == e; }))
      return false;
  return true;
}

codec::Audiogram Gsi61AudiogramCollector::audiogram() const {
  codec::Audiogram a;
  a.points = points_;
  a.source = "GSI 61 type 1 records (ear by test order)";
  return a;
}

void VitalographResultCollector::add(const codec::vitalograph::Record& r) {
  if (!r.result) {
    notes_.push_back("Vitalograph record at byte " + std::to_string(r.stream_offset) + ": " +
                     (r.content_error.empty() ? "no result" : r.content_error));
    return;
  }
  if (result_) {
    notes_.push_back("a further Vitalograph record (" + r.data.substr(3, 10) +
                     ") arrived after the first; only the first is stored");
    return;
  }
  result_ = r.result;
  data_ = r.data;
}

}  // namespace odyo::acquisition
