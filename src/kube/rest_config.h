#pragma once
// Everything needed to reach and authenticate to one API server, however it was found (kubeconfig or in-cluster).

#include <memory>
#include <string>

#include "kube/token_source.h"

namespace flotilla::kube {

struct RestConfig {
  std::string server;         // "https://10.0.0.1:6443", no trailing slash
  std::string caPem;          // extra trusted CAs (PEM bundle); the system roots stay trusted
  std::string clientCertPem;  // client certificate chain (PEM), with clientKeyPem
  std::string clientKeyPem;
  bool insecureSkipTlsVerify = false;  // only when the kubeconfig says so
  std::shared_ptr<TokenSource> token;  // bearer token; null = none
  std::string namespace_ = "default";  // the context's (or service account's) namespace
  std::string source;                  // where this came from, for logs: `kubeconfig /x/config, context "dev"`

  // "10.0.0.1:6443": the host label of request metrics.
  std::string host() const;
};

}  // namespace flotilla::kube
