#include "controllers/breaker_policy_controller.h"

#include "api/parse.h"
#include "api/validate.h"
#include "controllers/breaker_policy_circuits.h"
#include "controllers/breaker_policy_status.h"
#include "controllers/decoded_resources.h"
#include "controllers/gateway_dependencies.h"
#include "controllers/gateway_inputs_from_cache.h"
#include "controllers/object_state.h"
#include "controllers/status_writes.h"
#include "kube/well_known_resources.h"
#include "render/circuit_report.h"
#include "render/route_checks.h"
#include "render/route_table.h"
#include "runtime/object.h"
#include "runtime/wall_time.h"

namespace flotilla::controllers {
BreakerPolicyReconciler::BreakerPolicyReconciler(GatewayCaches caches, std::shared_ptr<kube::Client> client,
                                                 runtime::EventRecorder& events, const runtime::Clock& clock)
    : caches_(caches), client_(std::move(client)), events_(events), clock_(clock) {}

runtime::Result BreakerPolicyReconciler::reconcile(const runtime::Request& request) {
  runtime::ObjectPtr object = caches_.breakerPolicies->cache().get(request.namespace_, request.name);
  if (!object) return runtime::Result::done();

  auto parsed = api::parseBreakerPolicy(*object);
  const api::FieldErrors problems = parsed.ok() ? render::breakerPolicySpecErrors(parsed.value) : parsed.errors;
  const std::int32_t attached = problems.empty() ? attachedRoutes(runtime::objectKey(*object)) : 0;

  const nlohmann::json& previous = statusOf(*object);
  nlohmann::json status = breakerPolicyStatus(runtime::generationOf(*object), problems, attached, previous,
                                              runtime::formatTime(clock_.wallNow()));
  const std::string policyKey = runtime::objectKey(*object);
  const nlohmann::json circuits = openCircuitsOfPolicy(reportedCircuits(), policyKey);
  const auto changes = circuitChanges(previous.value("openCircuits", nlohmann::json::array()), circuits);
  status["openCircuits"] = circuits.empty() ? nlohmann::json() : circuits;  // null: removed
  // The previous list decides which Events to send: a stale cache must not announce a change twice.
  const bool circuitsChanged = !changes.opened.empty() || !changes.closed.empty();
  auto written = patchStatusIfChanged(*client_, kube::resources::kBreakerPolicies, *object, status, circuitsChanged);
  if (!written.ok()) {
    if (written.is(kube::ErrorKind::NotFound)) return runtime::Result::done();
    if (written.is(kube::ErrorKind::Conflict)) return runtime::Result::requeue();
    return runtime::Result::error("writing the status: " + written.error().toString());
  }
  if (*written) {
    recordConditionEvents(events_, *object, previous.value("conditions", nlohmann::json::array()),
                          status["conditions"]);
    announceCircuits(changes, policyKey);
  }
  return runtime::Result::done();
}

std::vector<std::vector<render::ReportedCircuit>> BreakerPolicyReconciler::reportedCircuits() const {
  std::vector<std::vector<render::ReportedCircuit>> reports;
  for (const auto& pod : caches_.pods->cache().list()) {
    const auto annotations = runtime::annotationsOf(*pod);
    auto found = annotations.find(render::kAnnotationOpenCircuits);
    if (found != annotations.end()) reports.push_back(render::decodeOpenCircuits(found->second));
  }
  return reports;
}

// CircuitOpened / CircuitClosed on each Route concerned (a Route deleted meanwhile gets none).
void BreakerPolicyReconciler::announceCircuits(const CircuitChanges& changes, const std::string& policyKey) {
  auto announce = [&](const nlohmann::json& entry, runtime::EventType type, const char* reason, const char* what) {
    const auto [ns, name] = runtime::splitObjectKey(entry.value("route", ""));
    runtime::ObjectPtr route = caches_.routes->cache().get(ns, name);
    if (route) events_.event(*route, type, reason, std::string(what) + describeCircuit(entry, policyKey));
  };
  for (const auto& entry : changes.opened) {
    announce(entry, runtime::EventType::Warning, "CircuitOpened", "circuit opened: the gateway sends no traffic to ");
  }
  for (const auto& entry : changes.closed) {
    announce(entry, runtime::EventType::Normal, "CircuitClosed", "circuit closed: traffic returns to ");
  }
}

std::int32_t BreakerPolicyReconciler::attachedRoutes(const std::string& policyKey) const {
  const auto [ns, name] = runtime::splitObjectKey(policyKey);
  std::int32_t count = 0;
  for (const auto& gatewayKey : gatewaysUsingBreakerPolicy(caches_, policyKey)) {
    const auto [gatewayNamespace, gatewayName] = runtime::splitObjectKey(gatewayKey);
    auto gateway = decodeOne(caches_.gateways->cache().get(gatewayNamespace, gatewayName), &api::parseGateway);
    if (!gateway || !api::validateGateway(*gateway).empty()) continue;  // not rendered, so not in use
    const auto table = render::buildRouteTable(gatewayInputsFromCache(caches_, *gateway), {});
    count += rulesUsingBreakerPolicy(table, {ns, name});
  }
  return count;
}

}  // namespace flotilla::controllers
