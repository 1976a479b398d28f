#include "controllers/gateway_controller.h"

#include <algorithm>

#include "api/parse.h"
#include "api/validate.h"
#include "controllers/decoded_resources.h"
#include "controllers/gateway_addresses.h"
#include "controllers/gateway_inputs_from_cache.h"
#include "controllers/object_state.h"
#include "controllers/owned_object_diff.h"
#include "controllers/ownership.h"
#include "controllers/status_writes.h"
#include "kube/well_known_resources.h"
#include "render/object_meta.h"
#include "runtime/object.h"
#include "runtime/wall_time.h"

namespace flotilla::controllers {
namespace {

constexpr const char* kGatewayKind = "Gateway";

// Cross-namespace RBAC cannot carry an ownerReference; these labels say whose it is.
bool labelledFor(const nlohmann::json& object, const std::string& gatewayNamespace, const std::string& gatewayName) {
  const auto labels = runtime::labelsOf(object);
  auto name = labels.find(render::kLabelGateway);
  auto ns = labels.find(render::kLabelGatewayNamespace);
  return name != labels.end() && name->second == gatewayName && ns != labels.end() && ns->second == gatewayNamespace;
}

// Only the identity, which is all the object names and pod labels depend on.
api::Gateway namedGateway(const std::string& namespace_, const std::string& name) {
  api::Gateway gateway;
  gateway.metadata.namespace_ = namespace_;
  gateway.metadata.name = name;
  return gateway;
}

std::string describeObject(const nlohmann::json& object) {
  return object.value("kind", "") + " " + runtime::namespaceOf(object) + "/" + runtime::nameOf(object);
}

}  // namespace

struct GatewayReconciler::Pass {
  runtime::ObjectPtr object;  // the Gateway as cached
  std::string namespace_;
  std::string name;
  std::string uid;
  observability::Logger log;
  std::string error{};       // why a write failed
  bool retryAtOnce = false;  // the failure was a 409: requeue instead of backing off as an error

  void failed(const std::string& what, const kube::Error& cause) {
    error = what + ": " + cause.toString();
    retryAtOnce = cause.kind == kube::ErrorKind::Conflict;
    log.info("write failed", {{"what", what}, {"error", cause.toString()}});
  }
};

GatewayReconciler::GatewayReconciler(GatewayCaches caches, std::shared_ptr<kube::Client> client,
                                     runtime::EventRecorder& events, std::string gatewayImage,
                                     const runtime::Clock& clock)
    : caches_(caches),
      client_(std::move(client)),
      events_(events),
      gatewayImage_(std::move(gatewayImage)),
      clock_(clock) {}

runtime::Result GatewayReconciler::reconcile(const runtime::Request& request) {
  runtime::ObjectPtr object = caches_.gateways->cache().get(request.namespace_, request.name);
  Pass pass{object, request.namespace_, request.name, object ? runtime::uidOf(*object) : "",
            runtime::reconcileLogger()};
  if (!object || isBeingDeleted(*object)) {
    // The garbage collector removes what carries an ownerReference; the RBAC in other namespaces is ours to remove.
    if (!removeCrossNamespaceRbac(pass, {})) return runtime::Result::error(pass.error);
    return runtime::Result::done();
  }

  api::Gateway gateway;
  GatewayStatusInputs status;
  status.generation = runtime::generationOf(*object);
  if (auto problems = specProblems(*object, gateway); !problems.empty()) {
    pass.log.info("invalid spec; gateway objects left as they are", {{"error", joinErrors(problems)}});
    status.accepted = gatewayAccepted(problems);
    status.programmed.condition = {kConditionProgrammed, kConditionFalse, kReasonInvalid,
                                   "the Gateway spec is invalid; its pods keep the last configuration they loaded"};
    return finishTerminal(pass, std::move(status));
  }

  const render::GatewayRender render =
      render::renderGateway(gatewayInputsFromCache(caches_, withDefaultImage(gateway, gatewayImage_)));
  status.attachedRoutes = render.attachedRoutes;
  if (auto conflicts = ownershipConflicts(pass, render); !conflicts.empty()) {
    std::string message;
    for (const auto& conflict : conflicts) message += (message.empty() ? "" : "; ") + conflict;
    pass.log.info("ownership conflict; nothing applied", {{"error", message}});
    status.accepted = {kConditionAccepted, kConditionFalse, kReasonOwnershipConflict, message};
    status.programmed.condition = {kConditionProgrammed, kConditionFalse, kReasonOwnershipConflict,
                                   "nothing is applied while another owner holds the gateway's objects"};
    return finishTerminal(pass, std::move(status));
  }

  const bool written = applyAll(pass, render) && removeStale(pass, render);
  status.accepted = gatewayAccepted(render.gatewayErrors);
  status.programmed = programmedState(podReports(pass), render.configHash, status.generation);
  runtime::Result result = finish(pass, std::move(status));
  if (written || result.isError()) return result;
  return pass.retryAtOnce ? runtime::Result::requeue() : runtime::Result::error(pass.error);
}

api::FieldErrors GatewayReconciler::specProblems(const nlohmann::json& object, api::Gateway& gateway) const {
  auto parsed = api::parseGateway(object);
  if (!parsed.ok()) return parsed.errors;
  gateway = std::move(parsed.value);
  return api::validateGateway(gateway);
}

std::vector<std::string> GatewayReconciler::ownershipConflicts(const Pass& pass,
                                                               const render::GatewayRender& render) const {
  std::vector<std::string> conflicts;
  for (const auto& desired : render.objects.all()) {
    const OwnedKind owned = ownedKind(caches_, desired.value("kind", ""));
    if (!owned.informer) continue;
    auto live = owned.informer->cache().get(runtime::namespaceOf(desired), runtime::nameOf(desired));
    if (!live) continue;
    const bool ours = runtime::namespaceOf(desired) == pass.namespace_ ? isControlledBy(*live, kGatewayKind, pass.uid)
                                                                       : labelledFor(*live, pass.namespace_, pass.name);
    if (!ours) {
      conflicts.push_back(describeObject(desired) + " already exists and is not owned by this Gateway (" +
                          describeController(*live) + ")");
    }
  }
  return conflicts;
}

bool GatewayReconciler::applyAll(Pass& pass, const render::GatewayRender& render) {
  for (const auto& rendered : render.objects.all()) {
    const OwnedKind owned = ownedKind(caches_, rendered.value("kind", ""));
    if (!owned.resource) continue;
    const nlohmann::json desired = withAppliedHash(rendered);
    auto live = owned.informer->cache().get(runtime::namespaceOf(desired), runtime::nameOf(desired));
    std::optional<std::string> difference;
    if (live) {
      difference = firstDifference(desired, *live);
      if (!difference) continue;
    }
    auto applied = client_->apply(*owned.resource, desired);
    const std::string what = describeObject(desired);
    if (!applied.ok()) {
      pass.failed("applying " + what, applied.error());
      return false;
    }
    if (!live) {
      pass.log.info("created gateway object", {{"object", what}});
      events_.normal(*pass.object, "Created", what + " created");
    } else {
      pass.log.info("updated gateway object", {{"object", what}, {"field", *difference}});
      events_.normal(*pass.object, "Updated", what + " updated");
    }
  }
  return true;
}

bool GatewayReconciler::removeStale(Pass& pass, const render::GatewayRender& render) {
  if (!render.objects.horizontalPodAutoscaler) {
    const std::string name = render::gatewayWorkloadName(namedGateway(pass.namespace_, pass.name));
    auto live = caches_.horizontalPodAutoscalers->cache().get(pass.namespace_, name);
    if (live && isControlledBy(*live, kGatewayKind, pass.uid) &&
        !remove(pass, kube::resources::kHorizontalPodAutoscalers, *live)) {
      return false;
    }
  }
  std::set<std::string> keep;
  for (const auto& object : render.objects.crossNamespaceRbac) {
    keep.insert(object.value("kind", "") + "/" + runtime::objectKey(object));
  }
  return removeCrossNamespaceRbac(pass, keep);
}

bool GatewayReconciler::removeCrossNamespaceRbac(Pass& pass, const std::set<std::string>& keep) {
  const std::pair<const kube::ResourceRef*, runtime::Informer*> kinds[] = {
      {&kube::resources::kRoleBindings, caches_.roleBindings}, {&kube::resources::kRoles, caches_.roles}};
  for (const auto& [resource, informer] : kinds) {
    for (const auto& live : informer->cache().list()) {
      if (runtime::namespaceOf(*live) == pass.namespace_ || !labelledFor(*live, pass.namespace_, pass.name)) continue;
      if (keep.contains(resource->kind + "/" + runtime::objectKey(*live))) continue;
      if (!remove(pass, *resource, *live)) return false;
    }
  }
  return true;
}

bool GatewayReconciler::remove(Pass& pass, const kube::ResourceRef& resource, const nlohmann::json& live) {
  kube::DeleteOptions options;
  options.preconditionUid = runtime::uidOf(live);  // only the incarnation we saw
  const std::string what = resource.kind + " " + runtime::objectKey(live);
  auto removed = client_->remove(resource, runtime::namespaceOf(live), runtime::nameOf(live), options);
  if (!removed.ok() && !removed.is(kube::ErrorKind::NotFound)) {
    pass.failed("deleting " + what, removed.error());
    return false;
  }
  pass.log.info("deleted gateway object the render no longer asks for", {{"object", what}});
  if (pass.object) events_.normal(*pass.object, "Deleted", what + " deleted: no longer needed");
  return true;
}

std::vector<GatewayPodReport> GatewayReconciler::podReports(const Pass& pass) const {
  const auto selector = render::gatewaySelectorLabels(namedGateway(pass.namespace_, pass.name));
  std::vector<GatewayPodReport> reports;
  for (const auto& pod : caches_.pods->cache().listNamespace(pass.namespace_)) {
    const auto labels = runtime::labelsOf(*pod);
    const bool selected = std::all_of(selector.begin(), selector.end(), [&](const auto& label) {
      auto it = labels.find(label.first);
      return it != labels.end() && it->second == label.second;
    });
    if (selected) reports.push_back(gatewayPodReport(*pod));
  }
  return reports;
}

runtime::Result GatewayReconciler::finish(Pass& pass, GatewayStatusInputs inputs) {
  auto service = caches_.services->cache().get(pass.namespace_,
                                               render::gatewayWorkloadName(namedGateway(pass.namespace_, pass.name)));
  if (service && !isControlledBy(*service, kGatewayKind, pass.uid)) service = nullptr;
  inputs.addresses = gatewayAddresses(service.get(), podReports(pass));

  const nlohmann::json& previous = statusOf(*pass.object);
  const nlohmann::json status = gatewayStatus(inputs, previous, runtime::formatTime(clock_.wallNow()));
  auto written = patchStatusIfChanged(*client_, kube::resources::kGateways, *pass.object, status);
  if (!written.ok()) {
    if (written.is(kube::ErrorKind::NotFound)) return runtime::Result::done();  // deleted meanwhile
    pass.failed("writing the status", written.error());
    return pass.retryAtOnce ? runtime::Result::requeue() : runtime::Result::error(pass.error);
  }
  if (*written) {
    recordConditionEvents(events_, *pass.object, previous.value("conditions", nlohmann::json::array()),
                          status["conditions"]);
  }
  return runtime::Result::done();
}

runtime::Result GatewayReconciler::finishTerminal(Pass& pass, GatewayStatusInputs inputs) {
  const std::string message = inputs.accepted.message;
  runtime::Result result = finish(pass, std::move(inputs));
  // Retrying cannot help; a spec edit or the other object's removal (both watched) triggers the next reconcile.
  return result.isError() ? result : runtime::Result::terminalError(message);
}

}  // namespace flotilla::controllers
