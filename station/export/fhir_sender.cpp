#include "station/export/fhir_sender.hpp"

#include <fmt/format.h>

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

#include "analysis/core/error_text.hpp"
#include "station/export/tcp_link.hpp"

namespace odyo::station {

namespace beast = boost::beast;
namespace http = beast::http;

namespace {

std::string one_line(std::string s, std::size_t max = 300) {
  for (auto& c : s)
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  if (s.size() > max) s = s.substr(0, max) + "…";
  return s;
}

// What the server said: an OperationOutcome's diagnostics (or details), else the body's start.
std::string server_words(const std::string& body) {
  const auto j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_object() && j.value("resourceType", "") == "OperationOutcome" && j.contains("issue") &&
      j["issue"].is_array()) {
    std::string out;
    for (const auto& issue : j["issue"]) {
      if (!issue.is_object()) continue;
      std::string text = issue.value("diagnostics", "");
      if (text.empty() && issue.contains("details") && issue["details"].is_object())
        text = issue["details"].value("text", "");
      if (text.empty()) continue;
      out += (out.empty() ? "" : "; ") + text;
    }
    if (!out.empty()) return one_line(out);
  }
  return one_line(body);
}

class FhirSender final : public OneLinkSender {
 public:
  explicit FhirSender(ExportDestination d) : OneLinkSender(std::move(d)) {}

 private:
  Error unreachable(const Error& why) const override {
    return make_errorf("fhir_unreachable", "the FHIR server {}: {}", dest_.url, why);
  }

  Delivery deliver_one(const OutboxMessage& m) override {
    // A kept-alive connection the server closed after an earlier answer fails at once: one
    // fresh try.
    for (int attempt = 0;; ++attempt) {
      const bool reused = link_->is_open() && answered_ > 0;
      if (!link_->is_open()) {
        answered_ = 0;
        if (auto c = link_->connect(ep_.host, ep_.port); !c)
          return {Delivery::Outcome::retry, c.error().message};
      }
      http::request<http::string_body> req{http::verb::post, ep_.target, 11};
      req.set(http::field::host, ep_.host + ":" + ep_.port);
      req.set(http::field::user_agent, "odyospiro");
      req.set(http::field::content_type, "application/fhir+json; charset=utf-8");
      req.set(http::field::accept, "application/fhir+json");
      req.set("X-Request-Id", m.message_id);
      req.keep_alive(true);
      req.body() = m.payload;
      req.prepare_payload();
      auto w = link_->run(
          [&](TcpLink::Done done) { http::async_write(link_->stream(), req, std::move(done)); });
      beast::flat_buffer buffer;
      http::response<http::string_body> res;
      Result<std::size_t> r = w;
      if (w) {
        r = link_->run([&](TcpLink::Done done) {
          http::async_read(link_->stream(), buffer, res, std::move(done));
        });
      }
      if (!r) {
        link_->close();
        // Sent on a connection that turned out closed: once more on a new one. A timeout is
        // not retried now (the server may be busy with it).
        if (reused && attempt == 0 && r.error().code != "net_timeout") continue;
        return {Delivery::Outcome::retry, r.error().message};
      }
      ++answered_;
      if (!res.keep_alive()) link_->close();
      return fhir_delivery(static_cast<int>(res.result_int()), res.body());
    }
  }

  int answered_ = 0;  // answers on the open connection
};

}  // namespace

Delivery fhir_delivery(int status, const std::string& body) {
  const std::string head = fmt::format("HTTP {}", status);
  if (status >= 200 && status < 300) {
    const auto j = nlohmann::json::parse(body, nullptr, false);
    if (!j.is_object() || j.value("resourceType", "") != "Bundle" ||
        j.value("type", "") != "transaction-response") {
      return {Delivery::Outcome::rejected,
              head + " without a transaction-response Bundle (is the URL the FHIR base?): " +
                  one_line(body, 120)};
    }
    int created = 0, held = 0;
    if (j.contains("entry") && j["entry"].is_array()) {
      for (const auto& e : j["entry"]) {
        const std::string s = e.is_object() && e.contains("response") && e["response"].is_object()
                                  ? e["response"].value("status", "")
                                  : "";
        if (s.rfind("201", 0) == 0) ++created;
        if (s.rfind("200", 0) == 0) ++held;
      }
    }
    return {Delivery::Outcome::delivered,
            fmt::format("{}: {} created, {} already held", head, created, held)};
  }
  const std::string said = head + ": " + server_words(body);
  if (status >= 400 && status < 500 && status != 408 && status != 429)
    return {Delivery::Outcome::rejected, said};
  return {Delivery::Outcome::retry, said};
}

std::unique_ptr<DestinationSender> make_fhir_sender(const ExportDestination& destination) {
  return std::make_unique<FhirSender>(destination);
}

}  // namespace odyo::station
