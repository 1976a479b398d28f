#include "controllers/breaker_policy_status.h"

#include <algorithm>

#include "controllers/conditions.h"
#include "controllers/decoded_resources.h"
#include "controllers/gateway_conditions.h"

namespace flotilla::controllers {

std::int32_t rulesUsingBreakerPolicy(const render::RouteTable& table, const render::ObjectKey& policy) {
  auto governs = [&](const render::BreakerResolution& breaker) { return breaker.policy == policy; };
  std::int32_t count = 0;
  for (const auto& rule : table.rules) {
    const bool uses =
        std::any_of(rule.backends.begin(), rule.backends.end(), [&](const auto& b) { return governs(b.breaker); }) ||
        (rule.fallbackBackend && governs(rule.fallbackBackend->breaker)) || governs(rule.fallbackPolicy);
    count += uses ? 1 : 0;
  }
  return count;
}

nlohmann::json breakerPolicyStatus(std::int64_t generation, const api::FieldErrors& problems,
                                   std::int32_t attachedRoutes, const nlohmann::json& previousStatus,
                                   const std::string& now) {
  Condition accepted{kConditionAccepted, kConditionTrue, kReasonAccepted, "BreakerPolicy is valid"};
  if (!problems.empty()) {
    accepted.status = kConditionFalse;
    accepted.reason = kReasonInvalidSpec;
    accepted.message = joinErrors(problems);
  }
  accepted.observedGeneration = generation;
  const nlohmann::json previousConditions = previousStatus.is_object()
                                                ? previousStatus.value("conditions", nlohmann::json::array())
                                                : nlohmann::json::array();
  return {{"observedGeneration", generation},
          {"attachedRoutes", attachedRoutes},
          {"conditions", mergeConditions(previousConditions, {accepted}, now)}};
}

}  // namespace flotilla::controllers
