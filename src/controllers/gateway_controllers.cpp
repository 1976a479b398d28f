// Wiring of the Gateway, Route and BreakerPolicy controllers: which informers they read and which changes wake
// which object. The reconciles themselves are gateway_controller.cpp, route_controller.cpp and
// breaker_policy_controller.cpp.
//
// Re-rendering is debounced only under bursts (render_debounce.h): a change of a Route, BreakerPolicy, Microservice
// or Namespace renders its Gateways at once when nothing else changed for them within kRenderDebounce; changes
// closer together wait kRenderDebounce and join the same reconcile (the delaying queue keeps the earliest deadline),
// so `kubectl apply -f` of many Routes renders and writes the ConfigMap about once per window. Changes of the
// Gateway itself, of its own objects and of its pods are handled at once.
#include <chrono>
#include <memory>

#include "controllers/breaker_policy_controller.h"
#include "controllers/controller_context.h"
#include "controllers/gateway_caches.h"
#include "controllers/gateway_controller.h"
#include "controllers/gateway_dependencies.h"
#include "controllers/gateway_indexes.h"
#include "controllers/managed_objects_metric.h"
#include "controllers/render_debounce.h"
#include "controllers/route_controller.h"
#include "kube/well_known_resources.h"
#include "render/circuit_report.h"
#include "runtime/event_handler.h"
#include "runtime/object.h"

namespace flotilla::controllers {
namespace {

constexpr auto kRenderDebounce = std::chrono::milliseconds(200);

using KeysOf = std::function<Keys(const nlohmann::json&)>;

// A mapped watch that schedules the mapped keys after the delay `debounce` decides (at once when idle) instead of
// always at once. (The controller's own mapped enqueue gets nothing back: the map function has already scheduled
// the keys.)
void watchDebounced(runtime::Controller& controller, const std::shared_ptr<RenderDebounce>& debounce,
                    runtime::Informer& informer, KeysOf keys, runtime::Predicate predicate = {}) {
  controller.watchMapped(
      informer,
      [&controller, debounce, keys = std::move(keys)](const nlohmann::json& object) {
        for (const auto& request : toRequests(keys(object))) {
          controller.enqueueAfter(request, debounce->delayFor(request.key()));
        }
        return std::vector<runtime::Request>{};
      },
      std::move(predicate));
}

runtime::MapFunc mapKeys(KeysOf keys) {
  return [keys = std::move(keys)](const nlohmann::json& object) { return toRequests(keys(object)); };
}

Keys gatewaysOfRoute(const nlohmann::json& route) {
  const auto keys = routeGateways(route);
  return {keys.begin(), keys.end()};
}

// The BreakerPolicies a gateway pod reports open circuits for (flotilla.io/open-circuits). Updates map the old and
// the new pod, so a policy whose last circuit closed is reconciled too.
std::string openCircuitsAnnotation(const nlohmann::json& pod) {
  const auto annotations = runtime::annotationsOf(pod);
  auto found = annotations.find(render::kAnnotationOpenCircuits);
  return found == annotations.end() ? std::string() : found->second;
}

Keys policiesWithReportedCircuits(const nlohmann::json& pod) {
  Keys policies;
  for (const auto& circuit : render::decodeOpenCircuits(openCircuitsAnnotation(pod))) {
    if (!circuit.breakerPolicy.empty()) policies.insert(circuit.breakerPolicy);
  }
  return policies;
}

runtime::Predicate openCircuitsChanged() {
  runtime::Predicate predicate;
  predicate.update = [](const nlohmann::json& o, const nlohmann::json& n) {
    return openCircuitsAnnotation(o) != openCircuitsAnnotation(n);
  };
  return predicate;
}

runtime::ControllerOptions optionsFor(const ControllerContext& context) {
  runtime::ControllerOptions options;
  options.workers = context.workers;
  return options;
}

void addGatewayController(ControllerContext& context, const GatewayCaches& caches) {
  auto reconciler = std::make_shared<GatewayReconciler>(caches, context.client, context.manager.eventRecorder(),
                                                        context.gatewayImage);
  auto& controller = context.manager.addController(
      "gateway", [reconciler](const runtime::Request& request) { return reconciler->reconcile(request); },
      optionsFor(context));
  const auto spec = runtime::generationChanged();  // status writes do not change what is rendered
  auto debounce = std::make_shared<RenderDebounce>(kRenderDebounce);

  controller.watchPrimary(*caches.gateways);
  watchDebounced(controller, debounce, *caches.routes, gatewaysOfRoute, spec);
  watchDebounced(
      controller, debounce, *caches.breakerPolicies,
      [caches](const nlohmann::json& policy) { return gatewaysUsingBreakerPolicy(caches, runtime::objectKey(policy)); },
      spec);
  watchDebounced(
      controller, debounce, *caches.microservices,
      [caches](const nlohmann::json& ms) { return gatewaysUsingMicroservice(caches, runtime::objectKey(ms)); }, spec);
  if (caches.namespaces) {
    watchDebounced(
        controller, debounce, *caches.namespaces,
        [caches](const nlohmann::json&) { return gatewaysSelectingNamespaces(caches); }, runtime::labelsChanged());
  }
  controller.watchMapped(*caches.pods, mapKeys(gatewayOfLabels));
  for (runtime::Informer* owned : {caches.serviceAccounts, caches.roles, caches.roleBindings, caches.configMaps,
                                   caches.services, caches.deployments, caches.horizontalPodAutoscalers}) {
    controller.watchMapped(
        *owned, mapKeys([caches](const nlohmann::json& object) { return gatewaysOfOwnedObject(caches, object); }));
  }

  auto& metrics = context.manager.metrics();
  trackManagedObjects(*caches.serviceAccounts, "ServiceAccount", "Gateway", metrics);
  trackManagedObjects(*caches.roles, "Role", "Gateway", metrics);
  trackManagedObjects(*caches.roleBindings, "RoleBinding", "Gateway", metrics);
  trackManagedObjects(*caches.configMaps, "ConfigMap", "Gateway", metrics);
  trackManagedObjects(*caches.services, "Service", "Gateway", metrics);
  trackManagedObjects(*caches.deployments, "Deployment", "Gateway", metrics);
  trackManagedObjects(*caches.horizontalPodAutoscalers, "HorizontalPodAutoscaler", "Gateway", metrics);
}

void addRouteController(ControllerContext& context, const GatewayCaches& caches) {
  auto reconciler = std::make_shared<RouteReconciler>(caches, context.client, context.manager.eventRecorder());
  auto& controller = context.manager.addController(
      "route", [reconciler](const runtime::Request& request) { return reconciler->reconcile(request); },
      optionsFor(context));
  const auto spec = runtime::generationChanged();

  controller.watchPrimary(*caches.routes);  // also its own status writes: see microservice_controller.cpp
  // One Route's change can change another's verdict (a conflict starts or ends): its siblings are judged again.
  controller.watchMapped(*caches.routes, mapKeys([caches](const nlohmann::json& route) {
    return routesOfGateways(caches, gatewaysOfRoute(route));
  }),
                         spec);
  // The Gateway's spec decides verdicts, its status (configHash, Programmed) decides Programmed.
  controller.watchMapped(*caches.gateways, mapKeys([caches](const nlohmann::json& gateway) {
    return routesOfGateways(caches, {runtime::objectKey(gateway)});
  }));
  controller.watchMapped(*caches.breakerPolicies, mapKeys([caches](const nlohmann::json& policy) {
    return routesOfGateways(caches, gatewaysUsingBreakerPolicy(caches, runtime::objectKey(policy)));
  }),
                         spec);
  controller.watchMapped(*caches.microservices, mapKeys([caches](const nlohmann::json& ms) {
    return routesOfGateways(caches, gatewaysUsingMicroservice(caches, runtime::objectKey(ms)));
  }),
                         spec);
  if (caches.namespaces) {
    controller.watchMapped(*caches.namespaces, mapKeys([caches](const nlohmann::json&) {
      return routesOfGateways(caches, gatewaysSelectingNamespaces(caches));
    }),
                           runtime::labelsChanged());
  }
}

void addBreakerPolicyController(ControllerContext& context, const GatewayCaches& caches) {
  auto reconciler = std::make_shared<BreakerPolicyReconciler>(caches, context.client, context.manager.eventRecorder());
  auto& controller = context.manager.addController(
      "breakerpolicy", [reconciler](const runtime::Request& request) { return reconciler->reconcile(request); },
      optionsFor(context));
  const auto spec = runtime::generationChanged();
  // attachedRoutes changes with the Routes, Microservices and Gateways around a policy: a policy is referenced from
  // its own namespace (Route rules, Microservices) or from its Gateway's (defaults).
  auto policiesAroundGateways = [caches](const Keys& gateways) {
    // Without any BreakerPolicy there is nothing to map to; collecting the namespaces of every Route of a Gateway
    // on each Route event would make a burst of N Routes cost O(N²) (bench/operator_scale.sh).
    if (caches.breakerPolicies->cache().size() == 0) return Keys{};
    std::set<std::string> namespaces;
    for (const auto& gateway : gateways) namespaces.merge(namespacesAroundGateway(caches, gateway));
    return breakerPoliciesInNamespaces(caches, namespaces);
  };

  controller.watchPrimary(*caches.breakerPolicies);
  controller.watchMapped(*caches.pods, mapKeys(policiesWithReportedCircuits), openCircuitsChanged());
  controller.watchMapped(*caches.routes, mapKeys([caches, policiesAroundGateways](const nlohmann::json& route) {
    Keys out = policiesAroundGateways(gatewaysOfRoute(route));
    out.merge(breakerPoliciesInNamespaces(caches, {runtime::namespaceOf(route)}));
    return out;
  }),
                         spec);
  controller.watchMapped(*caches.microservices, mapKeys([caches](const nlohmann::json& ms) {
    return breakerPoliciesInNamespaces(caches, {runtime::namespaceOf(ms)});
  }),
                         spec);
  controller.watchMapped(*caches.gateways, mapKeys([policiesAroundGateways](const nlohmann::json& gateway) {
    return policiesAroundGateways({runtime::objectKey(gateway)});
  }),
                         spec);
  if (caches.namespaces) {
    controller.watchMapped(*caches.namespaces, mapKeys([caches, policiesAroundGateways](const nlohmann::json&) {
      return policiesAroundGateways(gatewaysSelectingNamespaces(caches));
    }),
                           runtime::labelsChanged());
  }
}

}  // namespace

void addGatewayControllers(ControllerContext& context) {
  const GatewayCaches caches = registerGatewayCaches(context.manager, context.namespace_);
  addGatewayController(context, caches);
  addRouteController(context, caches);
  addBreakerPolicyController(context, caches);
}

}  // namespace flotilla::controllers
