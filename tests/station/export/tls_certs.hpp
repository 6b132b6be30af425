#pragma once
// Certificates for the TLS tests of the export senders, made with the openssl command line in a
// temporary folder (P-256 keys, valid two days): a test CA; a server certificate it signs for
// the loopback address the peers listen on (IP 127.0.0.1, DNS localhost); a server certificate
// it signs for another host only (elsewhere.example: the host name check must refuse it); and a
// second, unrelated CA (a station that trusts only it must refuse the server).
#include <filesystem>
#include <stdexcept>
#include <string>

#include "tests/station/support/station_fixture.hpp"

namespace odyo::test {

struct TlsCerts {
  TempDir dir;
  std::string ca, other_ca;                   // CA certificates (PEM)
  std::string server_cert, server_key;        // for 127.0.0.1 / localhost, signed by `ca`
  std::string elsewhere_cert, elsewhere_key;  // for elsewhere.example, signed by `ca`

  TlsCerts() {
    const auto p = [&](const char* name) { return (dir / name).string(); };
    ca = p("ca.pem");
    other_ca = p("other-ca.pem");
    server_cert = p("server.pem");
    server_key = p("server.key");
    elsewhere_cert = p("elsewhere.pem");
    elsewhere_key = p("elsewhere.key");
    const std::string ec = " -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes ";
    const auto self_signed = [&](const std::string& key, const std::string& cert,
                                 const std::string& cn) {
      must("openssl req -x509" + ec + "-keyout '" + key + "' -out '" + cert +
           "' -days 2 -subj '/CN=" + cn + "'");
    };
    self_signed(p("ca.key"), ca, "odyospiro test CA");
    self_signed(p("other-ca.key"), other_ca, "another CA");
    const auto issue = [&](const std::string& key, const std::string& cert,
                           const std::string& san) {
      const std::string csr = cert + ".csr", ext = cert + ".ext";
      must("openssl req" + ec + "-keyout '" + key + "' -out '" + csr + "' -subj '/CN=peer'");
      must("printf 'subjectAltName=" + san + "\\nextendedKeyUsage=serverAuth\\n' > '" + ext + "'");
      must("openssl x509 -req -in '" + csr + "' -CA '" + ca + "' -CAkey '" + p("ca.key") +
           "' -CAcreateserial -out '" + cert + "' -days 2 -extfile '" + ext + "'");
    };
    issue(server_key, server_cert, "IP:127.0.0.1,DNS:localhost");
    issue(elsewhere_key, elsewhere_cert, "DNS:elsewhere.example");
  }

 private:
  static void must(const std::string& cmd) {
    const auto r = run_command(cmd);
    if (r.exit_code != 0) throw std::runtime_error(cmd + ": " + r.err);
  }
};

}  // namespace odyo::test
