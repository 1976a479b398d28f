#pragma once
// The status the BreakerPolicy controller writes: observedGeneration, attachedRoutes (the rendered Route rules
// whose breaker settings come from the policy) and the condition Accepted. openCircuits comes from the gateway
// pods' reports (breaker_policy_circuits.h). Pure: same inputs and previous status, same JSON.

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "api/field_error.h"
#include "render/gateway_inputs.h"
#include "render/route_table.h"

namespace flotilla::controllers {

// Rendered rules of `table` governed by `policy`: one of its backends, its fallback backend or its fallback answer
// takes its settings from that BreakerPolicy.
std::int32_t rulesUsingBreakerPolicy(const render::RouteTable& table, const render::ObjectKey& policy);

// `problems`: decoding and validation findings (render::breakerPolicySpecErrors); any makes Accepted False with
// reason InvalidSpec.
nlohmann::json breakerPolicyStatus(std::int64_t generation, const api::FieldErrors& problems,
                                   std::int32_t attachedRoutes, const nlohmann::json& previousStatus,
                                   const std::string& now);

}  // namespace flotilla::controllers
