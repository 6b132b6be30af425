#pragma once
// The MLLP receiver of the export tests (tests/station/export/mllp-peer/mllp_peer.py: Debian's
// python3-hl7 parses every message, MSH-10 de-duplicates). Its state folder keeps what it
// received (received.jsonl), so stop() and start() again on the same port is a restart that
// still knows what it holds, and arrivals() counts what arrived: per MSH-10, how many times it
// was stored as new.
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "tests/station/support/peer_process.hpp"
#include "tests/station/support/station_fixture.hpp"

namespace odyo::test {

class MllpPeer {
 public:
  MllpPeer() { start(); }
  // MLLP inside TLS with the certificate `cert` (PEM) and its key (tls_certs.hpp).
  MllpPeer(std::string cert, std::string key) : cert_(std::move(cert)), key_(std::move(key)) {
    start();
  }

  void start() {
    std::vector<std::string> argv{
        "/usr/bin/python3",
        std::string(ODYO_SOURCE_DIR) + "/tests/station/export/mllp-peer/mllp_peer.py",
        "--state",
        dir_.path().string(),
        "--port",
        port_.empty() ? "0" : port_};
    if (!cert_.empty()) argv.insert(argv.end(), {"--tls-cert", cert_, "--tls-key", key_});
    port_ = process_.start(argv, dir_ / "peer.log", dir_ / "port");
  }
  [[nodiscard]] std::string log() const { return PeerProcess::read(dir_ / "peer.log"); }
  void stop(bool kill = false) { process_.stop(kill); }

  [[nodiscard]] std::string url() const { return "127.0.0.1:" + port_; }

  // The next `count` messages get `ack` ("AE", "AR", "hang" or "drop"; mllp_peer.py).
  void fail_next(const std::string& ack, int count = 1) const {
    std::ofstream(dir_ / "fail.tmp") << nlohmann::json{{"ack", ack}, {"count", count}}.dump();
    std::filesystem::rename(dir_ / "fail.tmp", dir_ / "fail");
  }

  struct Arrivals {
    int messages = 0;                 // every message stored or recognised as held
    std::map<std::string, int> held;  // MSH-10 → times stored as new
    std::map<std::string, int> obx;   // MSH-10 → OBX segments python3-hl7 found
  };
  [[nodiscard]] Arrivals arrivals() const {
    Arrivals a;
    std::istringstream in(PeerProcess::read(dir_ / "received.jsonl"));
    for (std::string line; std::getline(in, line);) {
      const auto j = nlohmann::json::parse(line, nullptr, false);
      if (j.is_discarded()) continue;
      ++a.messages;
      const std::string id = j.value("msh10", "");
      a.held[id] += j.value("state", "") == "new" ? 1 : 0;
      a.obx[id] = j.value("obx", 0);
    }
    return a;
  }
  // Expects every message the receiver holds stored once; returns how many it holds.
  [[nodiscard]] std::size_t held_once() const {
    const auto a = arrivals();
    for (const auto& [id, n] : a.held) EXPECT_EQ(n, 1) << id;
    return a.held.size();
  }

 private:
  TempDir dir_;
  PeerProcess process_;
  std::string port_;
  std::string cert_, key_;
};

}  // namespace odyo::test
