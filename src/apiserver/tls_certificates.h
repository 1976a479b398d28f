#pragma once
// The certificates `flotilla apiserver --tls` serves with, generated with the OpenSSL API: a CA, a server
// certificate for 127.0.0.1 / localhost signed by it, and a client certificate (CN "flotilla-admin",
// O "system:masters") for kubeconfigs without a token. EC P-256 keys, ten years of validity.

#include <optional>
#include <string>
#include <vector>

namespace flotilla::apiserver {

struct CertificateBundle {
  std::string caCertPem;
  std::string caKeyPem;
  std::string serverCertPem;
  std::string serverKeyPem;
  std::string clientCertPem;
  std::string clientKeyPem;
};

// `hosts` become subjectAltNames (IP addresses as IP entries, the rest as DNS names).
std::optional<CertificateBundle> generateCertificates(const std::vector<std::string>& hosts, std::string& error);

// ca.crt, ca.key, server.crt, server.key, client.crt, client.key in `dir` (keys mode 0600).
bool saveCertificates(const CertificateBundle& bundle, const std::string& dir, std::string& error);
std::optional<CertificateBundle> loadCertificates(const std::string& dir);

// Signs a client certificate with the bundle's CA (tests: other identities).
std::optional<std::pair<std::string, std::string>> issueClientCertificate(const CertificateBundle& bundle,
                                                                          const std::string& commonName,
                                                                          const std::vector<std::string>& groups,
                                                                          std::string& error);

}  // namespace flotilla::apiserver
