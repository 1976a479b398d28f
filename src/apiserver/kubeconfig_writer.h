#pragma once
// Writes the kubeconfig that `kubectl --kubeconfig` and Flotilla use to reach the emulator: one cluster, one user
// (bearer token and/or client certificate), one context with the default namespace.

#include <string>

namespace flotilla::apiserver {

struct KubeconfigSpec {
  std::string server;                   // http://127.0.0.1:PORT or https://...
  std::string certificateAuthorityPem;  // embedded as certificate-authority-data when set
  std::string token;
  std::string clientCertificatePem;
  std::string clientKeyPem;
  std::string namespace_ = "default";
  std::string name = "flotilla";  // cluster, user and context name
};

std::string renderKubeconfig(const KubeconfigSpec& spec);
// Writes atomically (temporary file + rename), mode 0600, creating the directory.
bool writeKubeconfig(const std::string& path, const KubeconfigSpec& spec, std::string& error);

}  // namespace flotilla::apiserver
