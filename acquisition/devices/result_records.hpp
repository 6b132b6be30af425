#pragma once
// What result-sending devices deliver, gathered into one result per test: the audiogram of a
// Welch Allyn TM262 group of "y" records, the audiogram the operator built on a GSI 61, the
// FEV record of a Vitalograph Lung Monitor blow. Fed with the frames an acquisition::
// RecordSession hands on (drivers/tm262, drivers/gsi61, drivers/vitalograph); what is kept is
// exactly what the device said (codec::Audiogram, codec::vitalograph::FevResult) — importing
// into the station's audiogram model is audiometry::import_audiogram's job.
// Thread-safety: plain value types; feed from one thread.

#include <optional>
#include <string>
#include <vector>

#include "drivers/codec/audiogram.hpp"
#include "drivers/codec/gsi61.hpp"
#include "drivers/codec/tm262.hpp"
#include "drivers/codec/vitalograph.hpp"

namespace odyo::acquisition {

// TM262 (welch-allyn-tm262.md §2, §3): one "y" record per ear; a later record for the same ear
// replaces the earlier one (the operator sent the test again); retransmissions (duplicate) and
// "x" records are noted, not used. Complete when both ears are in.
class Tm262AudiogramCollector {
 public:
  void add(const codec::tm262::Record& r);
  [[nodiscard]] bool complete() const { return right_.has_value() && left_.has_value(); }
  [[nodiscard]] std::size_t records_used() const { return used_; }
  [[nodiscard]] codec::Audiogram audiogram() const;  // both ears' points
  // The records used, as received (each followed by CR LF): the exam's raw recording.
  [[nodiscard]] std::string source_text() const;
  [[nodiscard]] const std::vector<std::string>& notes() const { return notes_; }

 private:
  std::optional<codec::tm262::Record> right_, left_;
  std::size_t used_ = 0;
  std::vector<std::string> notes_;
};

// GSI 61 (gsi61.md §3.2): a type 1 record the operator sends carries channel 1's frequency and
// HL; the station takes it as the threshold the operator found at that frequency. The record
// does not say which ear: routing is probably in offsets 6–14, which are unknown (§8). So the
// ear comes from the test order the technician gives (`ear_order`, e.g. right then left): the
// records belong to the first ear until a frequency comes again, then to the next. This is the
// station's convention, not the device's, and the result says so (notes()). Records other than
// tone tests, error records (type 4) and records whose checksum failed hypothesis H1 are noted.
class Gsi61AudiogramCollector {
 public:
  explicit Gsi61AudiogramCollector(std::vector<codec::Ear> ear_order = {codec::Ear::right,
                                                                        codec::Ear::left});
  void add(const codec::gsi61::Frame& f);
  // Every ear of the order has at least one threshold.
  [[nodiscard]] bool complete() const;
  [[nodiscard]] std::size_t records_used() const { return used_; }
  [[nodiscard]] std::size_t unverified_checksums() const { return unverified_; }
  [[nodiscard]] codec::Audiogram audiogram() const;
  // The records used, as received (each followed by CR LF): the exam's raw recording.
  [[nodiscard]] const std::string& source_text() const { return source_; }
  [[nodiscard]] const std::vector<std::string>& notes() const { return notes_; }

 private:
  std::vector<codec::Ear> order_;
  std::string source_;
  std::size_t ear_index_ = 0;
  std::vector<codec::AudiogramPoint> points_;
  std::vector<int> current_ear_hz_;
  std::size_t used_ = 0, unverified_ = 0;
  std::vector<std::string> notes_;
};

// Vitalograph (vitalograph-lung-monitor.md §3, §7): the first record whose content is valid;
// records with a content error are noted. A poor blow (error flag 1) is kept — the station
// stores it marked unacceptable (§5 b).
class VitalographResultCollector {
 public:
  void add(const codec::vitalograph::Record& r);
  [[nodiscard]] bool complete() const { return result_.has_value(); }
  [[nodiscard]] const std::optional<codec::vitalograph::FevResult>& result() const {
    return result_;
  }
  [[nodiscard]] const std::string& data() const { return data_; }  // the 56 characters
  [[nodiscard]] const std::vector<std::string>& notes() const { return notes_; }

 private:
  std::optional<codec::vitalograph::FevResult> result_;
  std::string data_;
  std::vector<std::string> notes_;
};

}  // namespace odyo::acquisition
