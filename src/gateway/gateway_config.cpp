#include "gateway/gateway_config.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>

#include "render/object_meta.h"
#include "render/sha256.h"

namespace flotilla::gateway {
namespace {

std::string stringAt(const nlohmann::json& object, const std::string& key) {
  if (!object.is_object() || !object.contains(key) || !object[key].is_string()) return {};
  return object[key].get<std::string>();
}

}  // namespace

std::optional<GatewayConfig> configFromConfigMap(const nlohmann::json& configMap, std::string& error) {
  const auto data = configMap.value("data", nlohmann::json::object());
  const auto metadata = configMap.value("metadata", nlohmann::json::object());
  GatewayConfig config;
  config.text = stringAt(data, "haproxy.cfg");
  if (config.text.empty()) {
    error = "ConfigMap has no haproxy.cfg";
    return std::nullopt;
  }
  const std::string backends = stringAt(data, "backends.json");
  if (!backends.empty()) {
    const auto parsed = nlohmann::json::parse(backends, nullptr, false);
    if (parsed.is_discarded() || !parsed.is_array()) {
      error = "backends.json is not a JSON array";
      return std::nullopt;
    }
    for (const auto& entry : parsed) {
      auto backend = render::backendSlotsFromJson(entry);
      if (backend.backend.empty()) {
        error = "backends.json: an entry without a backend name";
        return std::nullopt;
      }
      config.backends.push_back(std::move(backend));
    }
  }
  const auto annotations = metadata.value("annotations", nlohmann::json::object());
  config.hash = stringAt(annotations, render::kAnnotationConfigHash);
  if (config.hash.empty()) config.hash = "sha256:" + render::sha256Hex(config.text);
  config.generation = stringAt(annotations, render::kAnnotationGatewayGeneration);
  const auto labels = metadata.value("labels", nlohmann::json::object());
  const std::string gateway = stringAt(labels, render::kLabelGateway);
  if (!gateway.empty()) config.gateway = stringAt(metadata, "namespace") + "/" + gateway;
  return config;
}

nlohmann::json toJson(const GatewayConfig& config) {
  nlohmann::json backends = nlohmann::json::array();
  for (const auto& backend : config.backends) backends.push_back(render::toJson(backend));
  return {{"text", config.text},
          {"backends", std::move(backends)},
          {"hash", config.hash},
          {"generation", config.generation},
          {"gateway", config.gateway}};
}

std::optional<GatewayConfig> gatewayConfigFromJson(const nlohmann::json& json) {
  if (!json.is_object() || !json.contains("text") || !json["text"].is_string()) return std::nullopt;
  GatewayConfig config;
  config.text = json["text"].get<std::string>();
  config.hash = stringAt(json, "hash");
  config.generation = stringAt(json, "generation");
  config.gateway = stringAt(json, "gateway");
  if (json.contains("backends") && json["backends"].is_array()) {
    for (const auto& entry : json["backends"]) config.backends.push_back(render::backendSlotsFromJson(entry));
  }
  return config;
}

std::vector<std::string> backendNamespaces(const GatewayConfig& config) {
  std::set<std::string> namespaces;
  for (const auto& backend : config.backends) namespaces.insert(backend.microservice.namespace_);
  return {namespaces.begin(), namespaces.end()};
}

bool servesTheSame(const GatewayConfig& current, const GatewayConfig& next,
                   const std::map<render::ObjectKey, std::vector<render::Endpoint>>& endpoints) {
  return render::applyEndpoints(current.text, current.backends, endpoints) ==
         render::applyEndpoints(next.text, next.backends, endpoints);
}

bool writeFileAtomically(const std::string& path, const std::string& content, std::string& error) {
  const std::string temporary = path + ".tmp";
  const int fd = open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) {
    error = temporary + ": " + std::strerror(errno);
    return false;
  }
  std::size_t written = 0;
  while (written < content.size()) {
    const ssize_t n = write(fd, content.data() + written, content.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      error = temporary + ": " + std::strerror(errno);
      close(fd);
      return false;
    }
    written += static_cast<std::size_t>(n);
  }
  fsync(fd);
  close(fd);
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    error = path + ": " + std::strerror(errno);
    return false;
  }
  return true;
}

std::optional<std::string> readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

}  // namespace flotilla::gateway
