#include "station/config/outbox_settings.hpp"

#include <charconv>

#include "analysis/core/error_text.hpp"

namespace odyo::station {
namespace {

bool valid_port(const std::string& p) {
  int v = 0;
  const auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), v);
  return ec == std::errc() && end == p.data() + p.size() && v >= 1 && v <= 65535;
}

// "host:port" (an IPv6 address in brackets: "[::1]:2575").
Result<Endpoint> host_port(const std::string& text, const std::string& default_port) {
  Endpoint e;
  std::string rest = text;
  if (!rest.empty() && rest.front() == '[') {
    const auto close = rest.find(']');
    if (close == std::string::npos) return make_error({}, "unclosed [ in the host");
    e.host = rest.substr(1, close - 1);
    rest = rest.substr(close + 1);
    if (!rest.empty() && rest.front() != ':') return make_error({}, "`:` expected after ]");
    e.port = rest.empty() ? default_port : rest.substr(1);
  } else {
    const auto colon = rest.rfind(':');
    e.host = rest.substr(0, colon);
    e.port = colon == std::string::npos ? default_port : rest.substr(colon + 1);
  }
  if (e.host.empty()) return make_error({}, "no host");
  if (!valid_port(e.port)) return make_errorf({}, "the port \"{}\" is not 1..65535", e.port);
  return e;
}

}  // namespace

Result<Endpoint> destination_endpoint(const ExportDestination& d) {
  if (d.kind == "fhir") {
    const bool https = d.url.rfind("https://", 0) == 0;
    if (!https && d.url.rfind("http://", 0) != 0) {
      return make_errorf("destination_url", "\"{}\" is not an https:// or http:// URL", d.url);
    }
    const std::string rest = d.url.substr(https ? 8 : 7);
    const auto slash = rest.find('/');
    auto e = host_port(rest.substr(0, slash), https ? "443" : "80");
    if (!e) return make_errorf("destination_url", "\"{}\": {}", d.url, e.error());
    e->target = slash == std::string::npos ? "/" : rest.substr(slash);
    e->tls = https;
    return e;
  }
  if (d.kind == "hl7") {
    auto e = host_port(d.url, "");
    if (!e) {
      return make_errorf("destination_url", "\"{}\" is not host:port: {}", d.url, e.error());
    }
    e->tls = d.tls;
    return e;
  }
  return make_errorf("destination_url", "kind {} has no network endpoint", d.kind);
}

}  // namespace odyo::station
