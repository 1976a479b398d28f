#pragma once
// The status the Route controller writes: one status.parents[] entry for the Gateway the Route names, with
// Accepted and ResolvedRefs from the renderer's verdict (render/route_verdict.h) and Programmed (the Gateway's pods
// run a configuration that holds the Route). Pure: same inputs and previous status, same JSON.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "controllers/conditions.h"
#include "controllers/gateway_conditions.h"
#include "render/route_verdict.h"

namespace flotilla::controllers {

struct RouteParentInputs {
  std::string gatewayKey;       // "namespace/name"
  std::int64_t generation = 0;  // the Route's
  // The renderer's verdict; without one, `unresolved` says why (reason and message) and nothing is rendered.
  std::optional<render::RouteVerdict> verdict;
  Condition unresolved;
  bool dataPlaneLoaded = false;                // the Gateway's pods run the config rendered together with this verdict
  std::optional<Condition> gatewayProgrammed;  // the Gateway's own Programmed condition, explaining a wait
};

// Accepted, ResolvedRefs, Programmed, with observedGeneration.
std::vector<Condition> routeParentConditions(const RouteParentInputs& inputs);

// {observedGeneration, parents: [{gateway, conditions}]}.
nlohmann::json routeStatus(const RouteParentInputs& inputs, const nlohmann::json& previousStatus,
                           const std::string& now);

// The conditions of the parents[] entry for `gatewayKey` in a Route status (an empty list if there is none).
nlohmann::json parentConditions(const nlohmann::json& status, const std::string& gatewayKey);

}  // namespace flotilla::controllers
