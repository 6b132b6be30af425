#include "station/export/mllp_sender.hpp"

#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>
#include <vector>

#include "analysis/core/error_text.hpp"
#include "station/export/tcp_link.hpp"

namespace odyo::station {

namespace asio = boost::asio;

namespace {

constexpr char kStart = '\x0b';
constexpr const char* kEnd = "\x1c\x0d";

// The segments of a message (CR-separated; LF tolerated) and the fields of one.
std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out(1);
  for (char c : s) {
    if (c == sep) {
      out.emplace_back();
    } else if (!(sep == '\r' && c == '\n')) {
      out.back() += c;
    }
  }
  return out;
}

std::string field(const std::vector<std::string>& f, std::size_t i) {
  return i < f.size() ? f[i] : "";
}

class MllpSender final : public OneLinkSender {
 public:
  explicit MllpSender(ExportDestination d) : OneLinkSender(std::move(d)) {}

 private:
  Error unreachable(const Error& why) const override {
    return make_errorf("hl7_unreachable", "the HL7 receiver {}: {}", dest_.url, why);
  }

  Delivery deliver_one(const OutboxMessage& m) override {
    if (!link_->is_open()) {
      if (auto c = link_->connect(ep_.host, ep_.port); !c)
        return {Delivery::Outcome::retry, c.error().message};
    }
    const std::string frame = kStart + m.payload + kEnd;
    auto w = link_->run([&](TcpLink::Done done) {
      asio::async_write(link_->stream(), asio::buffer(frame), std::move(done));
    });
    if (!w) return {Delivery::Outcome::retry, w.error().message};
    auto r = link_->run([&](TcpLink::Done done) {
      asio::async_read_until(link_->stream(), asio::dynamic_buffer(buffer_), kEnd, std::move(done));
    });
    if (!r) {
      buffer_.clear();
      return {Delivery::Outcome::retry, r.error().message};
    }
    std::string ack = buffer_.substr(0, *r - 2);
    buffer_.erase(0, *r);
    if (const auto at = ack.find(kStart); at != std::string::npos) ack.erase(0, at + 1);
    auto d = mllp_delivery(hl7_control_id(m.payload), ack);
    if (d.outcome == Delivery::Outcome::retry) {
      link_->close();  // out of step with the receiver: start again on a new connection
      buffer_.clear();
    }
    return d;
  }

  std::string buffer_;  // bytes read past the last ACK
};

}  // namespace

std::string hl7_control_id(const std::string& message) {
  for (const auto& seg : split(message, '\r')) {
    if (seg.rfind("MSH", 0) != 0 || seg.size() < 4) continue;
    // MSH-1 is the separator itself: splitting "MSH|^~\&|…" gives MSH-n at index n - 1.
    return field(split(seg, seg[3]), 9);
  }
  return "";
}

Delivery mllp_delivery(const std::string& control_id, const std::string& ack) {
  std::vector<std::string> msa, err;
  for (const auto& seg : split(ack, '\r')) {
    if (seg.rfind("MSA", 0) == 0 && seg.size() > 3) msa = split(seg, seg[3]);
    if (seg.rfind("ERR", 0) == 0 && seg.size() > 3 && err.empty()) err = split(seg, seg[3]);
  }
  if (msa.empty())
    return {Delivery::Outcome::retry, "an answer without MSA: " + ack.substr(0, 120)};
  const std::string code = field(msa, 1), acked = field(msa, 2);
  std::string said = code;
  if (const auto text = field(msa, 3); !text.empty()) said += ": " + text;
  // ERR-8 user message (v2.5), else the whole ERR segment.
  if (!err.empty())
    said += " (" + (field(err, 8).empty() ? ack.substr(0, 200) : field(err, 8)) + ")";
  if (acked != control_id) {
    return {Delivery::Outcome::retry,
            "an ACK for " + acked + ", not for " + control_id + " (" + said + ")"};
  }
  if (code == "AA" || code == "CA") return {Delivery::Outcome::delivered, said};
  if (code == "AR" || code == "CR") return {Delivery::Outcome::rejected, said};
  return {Delivery::Outcome::retry, said};  // AE, CE, anything else
}

std::unique_ptr<DestinationSender> make_mllp_sender(const ExportDestination& destination) {
  return std::make_unique<MllpSender>(destination);
}

}  // namespace odyo::station
