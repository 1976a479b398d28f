#pragma once
// The status the Gateway controller writes: observedGeneration, addresses, attachedRoutes, what the data plane has
// loaded (configHash, loadedGeneration) and the conditions Accepted and Programmed. Pure: the same inputs and the
// same previous status give the same JSON, so an unchanged Gateway is never written.

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "api/field_error.h"
#include "controllers/conditions.h"
#include "controllers/gateway_conditions.h"
#include "controllers/gateway_programmed.h"

namespace flotilla::controllers {

struct GatewayStatusInputs {
  std::int64_t generation = 0;
  std::int32_t attachedRoutes = 0;
  Condition accepted;  // gatewayAccepted(...), or False with reason OwnershipConflict
  ProgrammedState programmed;
  nlohmann::json addresses = nlohmann::json::array();
};

// Accepted from the Gateway's own problems (decoding, validation, listeners, a missing default BreakerPolicy):
// True, or False with reason Invalid and every problem in the message.
Condition gatewayAccepted(const api::FieldErrors& specErrors);

// The status fields to write. configHash/loadedGeneration keep their previous values while the ready pods disagree.
nlohmann::json gatewayStatus(const GatewayStatusInputs& inputs, const nlohmann::json& previousStatus,
                             const std::string& now);

}  // namespace flotilla::controllers
