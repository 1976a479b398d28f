#pragma once
// Gateway + attached Routes + BreakerPolicies + Microservices (+ endpoints) -> haproxy.cfg, its hash, a verdict per
// Route, and the gateway workload objects. Pure and deterministic: shuffling any input list changes nothing, and a
// Route left out (invalid, not allowed, unresolved or conflicting) never changes the config of the others.

#include <cstdint>
#include <string>
#include <vector>

#include "api/field_error.h"
#include "render/endpoint_slots.h"
#include "render/gateway_inputs.h"
#include "render/gateway_objects.h"
#include "render/route_verdict.h"

namespace flotilla::render {

struct GatewayRender {
  std::string haproxyConfig;
  std::string configHash;                   // "sha256:<hex>"
  std::vector<RouteVerdict> routeVerdicts;  // one per Route naming the Gateway, sorted by namespace/name
  std::int32_t attachedRoutes = 0;          // Routes with Accepted=True (Gateway status.attachedRoutes)
  api::FieldErrors gatewayErrors;           // listeners that cannot be served, a missing default policy...
  std::vector<BackendSlots> backends;       // = ConfigMap backends.json
  GatewayObjects objects;
};

GatewayRender renderGateway(const GatewayInputs& inputs, const GatewayRenderOptions& options = {});

// Only the verdicts (what the Route controller writes to status), without rendering any text.
std::vector<RouteVerdict> computeRouteVerdicts(const GatewayInputs& inputs, const GatewayRenderOptions& options = {});

}  // namespace flotilla::render
