#include "controllers/route_status.h"

namespace flotilla::controllers {
namespace {

Condition fromVerdict(const render::RouteCondition& condition) {
  return {condition.type, Condition::statusOf(condition.status), condition.reason, condition.message};
}

Condition programmed(const RouteParentInputs& inputs, const Condition& accepted, const Condition& resolvedRefs) {
  Condition out{kConditionProgrammed, kConditionFalse, "", ""};
  const bool rendered = inputs.verdict && inputs.verdict->rendered;
  if (!rendered) {
    out.reason = accepted.status != kConditionTrue ? accepted.reason : resolvedRefs.reason;
    out.message = "Route is left out of Gateway " + inputs.gatewayKey + "'s configuration (see " +
                  (accepted.status != kConditionTrue ? accepted.type : resolvedRefs.type) + ")";
    return out;
  }
  if (inputs.dataPlaneLoaded) {
    out.status = kConditionTrue;
    out.reason = kReasonProgrammed;
    out.message = "the pods of Gateway " + inputs.gatewayKey + " run a configuration with this Route";
    return out;
  }
  if (inputs.gatewayProgrammed && inputs.gatewayProgrammed->reason == kReasonInvalid) {
    out.reason = kReasonInvalid;
    out.message = inputs.gatewayProgrammed->message;
    return out;
  }
  out.reason = kReasonPending;
  out.message = "waiting for the pods of Gateway " + inputs.gatewayKey + " to load the configuration with this Route";
  return out;
}

}  // namespace

std::vector<Condition> routeParentConditions(const RouteParentInputs& inputs) {
  Condition accepted;
  Condition resolvedRefs;
  if (inputs.verdict) {
    accepted = fromVerdict(inputs.verdict->accepted);
    resolvedRefs = fromVerdict(inputs.verdict->resolvedRefs);
  } else {
    accepted = {kConditionAccepted, kConditionFalse, inputs.unresolved.reason, inputs.unresolved.message};
    resolvedRefs = {kConditionResolvedRefs, kConditionUnknown, inputs.unresolved.reason,
                    "references are resolved once the Route is accepted"};
  }
  std::vector<Condition> out{accepted, resolvedRefs, programmed(inputs, accepted, resolvedRefs)};
  for (auto& condition : out) condition.observedGeneration = inputs.generation;
  return out;
}

nlohmann::json parentConditions(const nlohmann::json& status, const std::string& gatewayKey) {
  if (!status.is_object()) return nlohmann::json::array();
  auto parents = status.find("parents");
  if (parents == status.end() || !parents->is_array()) return nlohmann::json::array();
  for (const auto& parent : *parents) {
    if (parent.is_object() && parent.value("gateway", "") == gatewayKey) {
      return parent.value("conditions", nlohmann::json::array());
    }
  }
  return nlohmann::json::array();
}

nlohmann::json routeStatus(const RouteParentInputs& inputs, const nlohmann::json& previousStatus,
                           const std::string& now) {
  nlohmann::json parent = {{"gateway", inputs.gatewayKey},
                           {"conditions", mergeConditions(parentConditions(previousStatus, inputs.gatewayKey),
                                                          routeParentConditions(inputs), now)}};
  return {{"observedGeneration", inputs.generation}, {"parents", nlohmann::json::array({parent})}};
}

}  // namespace flotilla::controllers
