#pragma once
// The operator's rendered gateway config as the agent reads it from ConfigMap <gw>-config: `haproxy.cfg` (text
// whose endpoint blocks the agent fills), `backends.json` (render::BackendSlots per backend) and the annotations
// flotilla.io/config-hash and flotilla.io/gateway-generation. The last loaded one is also kept on local disk, so
// the ConfigMap is never the only copy. Pure apart from the file helpers.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "render/endpoint_slots.h"

namespace flotilla::gateway {

struct GatewayConfig {
  std::string text;
  std::vector<render::BackendSlots> backends;
  std::string hash;        // flotilla.io/config-hash, else "sha256:" of the text
  std::string generation;  // flotilla.io/gateway-generation ("" when absent)
  std::string gateway;     // "namespace/name" of the Gateway (flotilla.io/gateway label), for metrics and logs
  bool operator==(const GatewayConfig&) const = default;
};

// nullopt with `error` when the ConfigMap has no haproxy.cfg or an unreadable backends.json.
std::optional<GatewayConfig> configFromConfigMap(const nlohmann::json& configMap, std::string& error);

nlohmann::json toJson(const GatewayConfig& config);
std::optional<GatewayConfig> gatewayConfigFromJson(const nlohmann::json& json);

// The namespaces whose EndpointSlices feed the config's backends.
std::vector<std::string> backendNamespaces(const GatewayConfig& config);

// Whether `next`, with `endpoints` rendered in, is the very text `current` becomes with them. HAProxy runs `current`
// with its servers kept at `endpoints` by the runtime API, so it already serves `next`: taking it over needs no
// reload. A Microservice scaled within its slots changes the operator's text (the per-server maxconn it shows for the
// replicas) and backends.json, never what HAProxy serves once the endpoints are filled in.
bool servesTheSame(const GatewayConfig& current, const GatewayConfig& next,
                   const std::map<render::ObjectKey, std::vector<render::Endpoint>>& endpoints);

// Whole-file write through a temporary file and rename, so a crash never leaves half a file.
bool writeFileAtomically(const std::string& path, const std::string& content, std::string& error);
std::optional<std::string> readFile(const std::string& path);

}  // namespace flotilla::gateway
