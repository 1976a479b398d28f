#include "controllers/gateway_status.h"

#include "controllers/decoded_resources.h"

namespace flotilla::controllers {

Condition gatewayAccepted(const api::FieldErrors& specErrors) {
  Condition accepted{kConditionAccepted, Condition::statusOf(specErrors.empty()), kReasonAccepted, "Gateway is valid"};
  if (!specErrors.empty()) {
    accepted.reason = kReasonInvalid;
    accepted.message = joinErrors(specErrors);
  }
  return accepted;
}

nlohmann::json gatewayStatus(const GatewayStatusInputs& inputs, const nlohmann::json& previousStatus,
                             const std::string& now) {
  const nlohmann::json previous = previousStatus.is_object() ? previousStatus : nlohmann::json::object();
  Condition accepted = inputs.accepted;
  Condition programmed = inputs.programmed.condition;
  accepted.observedGeneration = inputs.generation;
  programmed.observedGeneration = inputs.generation;

  nlohmann::json status = {
      {"observedGeneration", inputs.generation},
      {"addresses", inputs.addresses},
      {"attachedRoutes", inputs.attachedRoutes},
      {"configHash", inputs.programmed.loadedHash ? *inputs.programmed.loadedHash : previous.value("configHash", "")},
      {"loadedGeneration", inputs.programmed.loadedHash ? inputs.programmed.loadedGeneration.value_or(0)
                                                        : previous.value("loadedGeneration", std::int64_t{0})},
      {"conditions",
       mergeConditions(previous.value("conditions", nlohmann::json::array()), {accepted, programmed}, now)},
  };
  return status;
}

}  // namespace flotilla::controllers
