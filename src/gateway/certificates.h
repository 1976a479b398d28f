#pragma once
// TLS listeners: the rendered config names `"${FLOTILLA_CERT_DIR-...}/<secret>.pem"` for each TLS Secret; the agent
// fetches those Secrets (the gateway Role grants `get` on exactly these names) and writes tls.crt + tls.key as one
// PEM file per Secret into the certificate directory before `haproxy -c`, which needs the files to exist.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "kube/client.h"

namespace flotilla::gateway {

// Secret names referenced through FLOTILLA_CERT_DIR in the config, sorted and unique. Pure.
std::vector<std::string> referencedCertificates(std::string_view config);

// The PEM file HAProxy wants (certificate chain, then key) from a kubernetes.io/tls Secret; "" with `error` set
// when a key is missing or not base64. Pure.
std::string pemFromSecret(const nlohmann::json& secret, std::string& error);

// Fetches each Secret from `namespace_` and writes <certDir>/<name>.pem (mode 0600). "" on success, else the
// first problem (the config is then reported as not loadable).
std::string writeCertificates(kube::Client& client, const std::string& namespace_,
                              const std::vector<std::string>& names, const std::string& certDir);

}  // namespace flotilla::gateway
