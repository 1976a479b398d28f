#include "apiserver/kubeconfig_writer.h"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "api/yaml.h"
#include "kube/base64.h"

namespace flotilla::apiserver {

using nlohmann::json;

std::string renderKubeconfig(const KubeconfigSpec& spec) {
  json cluster = {{"server", spec.server}};
  if (!spec.certificateAuthorityPem.empty()) {
    cluster["certificate-authority-data"] = kube::base64Encode(spec.certificateAuthorityPem);
  }
  json user = json::object();
  if (!spec.token.empty()) user["token"] = spec.token;
  if (!spec.clientCertificatePem.empty()) {
    user["client-certificate-data"] = kube::base64Encode(spec.clientCertificatePem);
    user["client-key-data"] = kube::base64Encode(spec.clientKeyPem);
  }
  json config = {
      {"apiVersion", "v1"},
      {"kind", "Config"},
      {"preferences", json::object()},
      {"clusters", json::array({{{"name", spec.name}, {"cluster", cluster}}})},
      {"users", json::array({{{"name", spec.name}, {"user", user}}})},
      {"contexts",
       json::array({{{"name", spec.name},
                     {"context", {{"cluster", spec.name}, {"user", spec.name}, {"namespace", spec.namespace_}}}}})},
      {"current-context", spec.name},
  };
  return api::toYaml(config);
}

bool writeKubeconfig(const std::string& path, const KubeconfigSpec& spec, std::string& error) {
  std::filesystem::path target(path);
  std::error_code ec;
  if (target.has_parent_path()) std::filesystem::create_directories(target.parent_path(), ec);
  std::filesystem::path temporary = target;
  temporary += ".tmp";
  {
    std::ofstream out(temporary, std::ios::trunc);
    if (!out) {
      error = "cannot write " + temporary.string();
      return false;
    }
    out << renderKubeconfig(spec);
    if (!out) {
      error = "cannot write " + temporary.string();
      return false;
    }
  }
  ::chmod(temporary.c_str(), 0600);
  std::filesystem::rename(temporary, target, ec);
  if (ec) {
    error = "cannot rename " + temporary.string() + ": " + ec.message();
    return false;
  }
  return true;
}

}  // namespace flotilla::apiserver
