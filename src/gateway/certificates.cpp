#include "gateway/certificates.h"

#include <filesystem>
#include <set>

#include "gateway/gateway_config.h"
#include "kube/base64.h"
#include "kube/well_known_resources.h"

namespace flotilla::gateway {

std::vector<std::string> referencedCertificates(std::string_view config) {
  static constexpr std::string_view kVariable = "${FLOTILLA_CERT_DIR";
  std::set<std::string> names;
  for (std::size_t at = config.find(kVariable); at != std::string_view::npos; at = config.find(kVariable, at + 1)) {
    const auto close = config.find("}/", at);
    if (close == std::string_view::npos) break;
    const auto start = close + 2;
    const auto end = config.find(".pem", start);
    if (end == std::string_view::npos) continue;
    const std::string_view name = config.substr(start, end - start);
    if (name.empty() || name.find_first_of("/\"' \n") != std::string_view::npos) continue;
    names.emplace(name);
  }
  return {names.begin(), names.end()};
}

std::string pemFromSecret(const nlohmann::json& secret, std::string& error) {
  const auto data = secret.value("data", nlohmann::json::object());
  std::string pem;
  for (const char* key : {"tls.crt", "tls.key"}) {
    if (!data.is_object() || !data.contains(key) || !data[key].is_string()) {
      error = std::string("Secret has no ") + key;
      return {};
    }
    auto decoded = kube::base64Decode(data[key].get<std::string>());
    if (!decoded) {
      error = std::string("Secret ") + key + " is not base64";
      return {};
    }
    pem += *decoded;
    if (!pem.empty() && pem.back() != '\n') pem += '\n';
  }
  return pem;
}

std::string writeCertificates(kube::Client& client, const std::string& namespace_,
                              const std::vector<std::string>& names, const std::string& certDir) {
  if (names.empty()) return {};
  std::error_code ec;
  std::filesystem::create_directories(certDir, ec);
  if (ec) return certDir + ": " + ec.message();
  for (const auto& name : names) {
    auto secret = client.get(kube::resources::kSecrets, namespace_, name);
    if (!secret.ok()) return "TLS Secret " + namespace_ + "/" + name + ": " + secret.error().toString();
    std::string error;
    const std::string pem = pemFromSecret(*secret, error);
    if (pem.empty()) return "TLS Secret " + namespace_ + "/" + name + ": " + error;
    if (!writeFileAtomically(certDir + "/" + name + ".pem", pem, error)) return error;
  }
  return {};
}

}  // namespace flotilla::gateway
