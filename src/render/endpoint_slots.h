#pragma once
// The endpoint part of each HAProxy backend ("slots"): a default-server line with the breaker/bulkhead options,
// real endpoints as `server epN <ip>:<port>`, and spare `disabled` slots the gateway agent fills at run time
// through the admin socket (haproxy-gateway.md §6). Runtime changes are lost on reload, so before every reload the
// agent calls applyEndpoints() to write the current endpoints into the config; rendering with endpoints and
// applying them afterwards give the same text.

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "render/gateway_inputs.h"

namespace flotilla::render {

// Everything needed to (re)write one backend's endpoint block; also published as ConfigMap key backends.json so the
// agent knows which EndpointSlices feed which backend and how long to hold a tripped breaker open.
struct BackendSlots {
  std::string backend;  // HAProxy backend name
  ObjectKey microservice;
  std::string portName;  // Service port name, as in EndpointSlice ports[].name
  std::int32_t targetPort = 0;
  std::int32_t slots = 0;
  std::string serverOptions;             // default-server options except maxconn
  std::int32_t maxConnections = 0;       // 0 = unlimited
  bool scaleLimitsWithReplicas = false;  // maxConnections is service-wide: divide it over the endpoints
  std::int32_t currentReplicas = 1;      // the divisor when no endpoint is known
  // For the agent's breaker hold (haproxy-gateway.md §1.4) and flotilla_circuit_state labels.
  std::string route;  // "shop/users"
  std::int32_t rule = 0;
  std::string breakerPolicy;  // "shop/default-breaker"; "" = built-in defaults
  std::int64_t openDurationMs = 0;
  std::int32_t successesToClose = 0;
  bool operator==(const BackendSlots&) const = default;
};

// Ready, non-terminating endpoints with a valid IP literal on this Service port, sorted and deduplicated.
std::vector<Endpoint> usableEndpoints(const std::vector<Endpoint>& endpoints, const std::string& portName,
                                      std::int32_t targetPort);

// maxconn for each server: maxConnections, or ceil(maxConnections / endpoints) when it scales with replicas
// (currentReplicas stands in when endpointCount is 0). 0 = unlimited.
std::int32_t perServerMaxConnections(const BackendSlots& backend, std::size_t endpointCount);

// The block's lines, each indented 4 spaces and ending in '\n'; the first is the "# endpoints of" marker comment.
std::string renderEndpointBlock(const BackendSlots& backend, const std::vector<Endpoint>& usable);

// Replaces the endpoint block of every listed backend with one rendered from `endpoints` (keyed by Microservice;
// filtered with usableEndpoints). Backends not listed, and every other line, are kept byte for byte.
std::string applyEndpoints(std::string_view config, const std::vector<BackendSlots>& backends,
                           const std::map<ObjectKey, std::vector<Endpoint>>& endpoints);

nlohmann::json toJson(const BackendSlots& backend);
BackendSlots backendSlotsFromJson(const nlohmann::json& json);  // inverse of toJson; missing fields stay default

}  // namespace flotilla::render
