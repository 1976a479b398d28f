#include "controllers/route_controller.h"

#include <algorithm>

#include "api/parse.h"
#include "api/validate.h"
#include "controllers/decoded_resources.h"
#include "controllers/gateway_inputs_from_cache.h"
#include "controllers/gateway_programmed.h"
#include "controllers/object_state.h"
#include "controllers/status_writes.h"
#include "kube/well_known_resources.h"
#include "render/gateway_render.h"
#include "render/route_verdict.h"
#include "runtime/object.h"
#include "runtime/wall_time.h"

namespace flotilla::controllers {
RouteReconciler::RouteReconciler(GatewayCaches caches, std::shared_ptr<kube::Client> client,
                                 runtime::EventRecorder& events, const runtime::Clock& clock)
    : caches_(caches),
      memo_(std::make_shared<RouteVerdictMemo>(caches)),
      client_(std::move(client)),
      events_(events),
      clock_(clock) {}

runtime::Result RouteReconciler::reconcile(const runtime::Request& request) {
  runtime::ObjectPtr object = caches_.routes->cache().get(request.namespace_, request.name);
  if (!object || isBeingDeleted(*object)) return runtime::Result::done();

  auto parsed = api::parseRoute(*object);
  RouteParentInputs inputs;
  inputs.gatewayKey = gatewayKeyOf(parsed.value);
  inputs.generation = runtime::generationOf(*object);
  if (parsed.ok()) {
    judge(*object, inputs);
  } else {
    inputs.unresolved = {kConditionAccepted, kConditionFalse, render::reason::kInvalidSpec, joinErrors(parsed.errors)};
  }

  const nlohmann::json& previous = statusOf(*object);
  const nlohmann::json status = routeStatus(inputs, previous, runtime::formatTime(clock_.wallNow()));
  auto written = patchStatusIfChanged(*client_, kube::resources::kRoutes, *object, status);
  if (!written.ok()) {
    if (written.is(kube::ErrorKind::NotFound)) return runtime::Result::done();
    if (written.is(kube::ErrorKind::Conflict)) return runtime::Result::requeue();
    return runtime::Result::error("writing the status: " + written.error().toString());
  }
  if (*written) {
    recordConditionEvents(events_, *object, parentConditions(previous, inputs.gatewayKey),
                          parentConditions(status, inputs.gatewayKey), "Gateway " + inputs.gatewayKey + ": ");
  }
  return runtime::Result::done();
}

void RouteReconciler::judge(const nlohmann::json& route, RouteParentInputs& inputs) {
  const auto [gatewayNamespace, gatewayName] = runtime::splitObjectKey(inputs.gatewayKey);
  runtime::ObjectPtr gatewayObject = caches_.gateways->cache().get(gatewayNamespace, gatewayName);
  if (!gatewayObject || isBeingDeleted(*gatewayObject)) {
    inputs.unresolved = {kConditionAccepted, kConditionFalse, kReasonNoMatchingParent,
                         "Gateway " + inputs.gatewayKey + " not found"};
    return;
  }
  auto gateway = api::parseGateway(*gatewayObject);
  api::FieldErrors problems = gateway.errors;
  if (gateway.ok()) problems = api::validateGateway(gateway.value);
  if (!problems.empty()) {
    inputs.unresolved = {kConditionAccepted, kConditionFalse, kReasonGatewayInvalid,
                         "Gateway " + inputs.gatewayKey + " is invalid: " + joinErrors(problems)};
    return;
  }

  // The image does not reach haproxy.cfg, so the hash matches the Gateway controller's without --gateway-image.
  const std::shared_ptr<const RouteVerdicts> render = memo_->verdicts(*gatewayObject, gateway.value);
  // Found by binary search (the verdicts are sorted by namespace/name): every Route of a Gateway is judged again
  // when the Gateway's status moves, so a linear scan made each such wave cost O(N²).
  const render::ObjectKey routeKey{runtime::namespaceOf(route), runtime::nameOf(route)};
  auto verdict =
      std::lower_bound(render->verdicts.begin(), render->verdicts.end(), routeKey,
                       [](const render::RouteVerdict& v, const render::ObjectKey& key) { return v.route < key; });
  if (verdict != render->verdicts.end() && verdict->route != routeKey) verdict = render->verdicts.end();
  if (verdict == render->verdicts.end()) {
    // Only a Route the renderer did not see can get here (it could not be decoded when the caches were read).
    inputs.unresolved = {kConditionAccepted, kConditionFalse, render::reason::kInvalidSpec,
                         "the Route could not be read"};
    return;
  }
  inputs.verdict = *verdict;
  const nlohmann::json& gatewayStatus = statusOf(*gatewayObject);
  inputs.dataPlaneLoaded = gatewayStatus.value("configHash", "") == render->configHash;
  const nlohmann::json gatewayConditions = gatewayStatus.value("conditions", nlohmann::json::array());
  if (const auto* programmed = findCondition(gatewayConditions, kConditionProgrammed)) {
    inputs.gatewayProgrammed = Condition{kConditionProgrammed, programmed->value("status", ""),
                                         programmed->value("reason", ""), programmed->value("message", "")};
  }
}

}  // namespace flotilla::controllers
