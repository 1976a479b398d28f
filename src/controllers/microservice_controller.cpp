// Wiring of the Microservice controller: which informers it reads and which changes wake which Microservice.
// The reconcile itself is microservice_reconciler.cpp.
#include <memory>

#include "api/types.h"
#include "controllers/controller_context.h"
#include "controllers/managed_objects_metric.h"
#include "controllers/microservice_reconciler.h"
#include "kube/well_known_resources.h"
#include "runtime/object.h"

namespace flotilla::controllers {
namespace {

constexpr const char* kControllerName = "microservice";
constexpr const char* kMicroserviceKind = "Microservice";

// An owned object's change goes to its controlling Microservice. An object of an owned kind that is *not* ours
// goes to the Microservice of the same name, if there is one: that Microservice may be waiting for it to be
// deleted (OwnershipConflict) and must hear about it.
runtime::MapFunc toMicroservice(const runtime::Informer& microservices) {
  return [&microservices](const nlohmann::json& object) -> std::vector<runtime::Request> {
    const std::string ns = runtime::namespaceOf(object);
    const auto controller = runtime::controllerOf(object);
    if (controller && controller->kind == kMicroserviceKind &&
        runtime::groupOf(controller->apiVersion) == api::kGroup) {
      return {runtime::Request{ns, controller->name}};
    }
    if (microservices.cache().contains(ns, runtime::nameOf(object))) {
      return {runtime::Request{ns, runtime::nameOf(object)}};
    }
    return {};
  };
}

// An EndpointSlice belongs to the Service its kubernetes.io/service-name label names, and our Services are named
// after their Microservice.
std::vector<runtime::Request> endpointSliceToMicroservice(const nlohmann::json& slice) {
  auto labels = runtime::labelsOf(slice);
  auto it = labels.find(kServiceNameLabel);
  if (it == labels.end() || it->second.empty()) return {};
  return {runtime::Request{runtime::namespaceOf(slice), it->second}};
}

runtime::MapFunc configSourceToMicroservices(const runtime::Informer& microservices, std::string kind) {
  return runtime::mapThroughIndex(microservices, kConfigSourceIndex, [kind](const nlohmann::json& source) {
    return std::vector<std::string>{configSourceKey(kind, runtime::namespaceOf(source), runtime::nameOf(source))};
  });
}

}  // namespace

void addMicroserviceController(ControllerContext& context) {
  namespace resources = kube::resources;
  auto& manager = context.manager;
  auto& microservices = manager.informer(resources::kMicroservices);
  auto& deployments = manager.informer(resources::kDeployments);
  auto& services = manager.informer(resources::kServices);
  auto& autoscalers = manager.informer(resources::kHorizontalPodAutoscalers);
  auto& disruptionBudgets = manager.informer(resources::kPodDisruptionBudgets);
  auto& endpointSlices = manager.informer(resources::kEndpointSlices);
  auto& configMaps = manager.informer(resources::kConfigMaps);
  auto& secrets = manager.informer(resources::kSecrets);
  microservices.addIndexer(kConfigSourceIndex, indexConfigSources);
  endpointSlices.addIndexer(kServiceNameIndex, indexByServiceName);

  auto reconciler = std::make_shared<MicroserviceReconciler>(
      MicroserviceReconciler::Caches{microservices, deployments, services, autoscalers, disruptionBudgets,
                                     endpointSlices, configMaps, secrets},
      context.client, manager.eventRecorder());
  runtime::ControllerOptions options;
  options.workers = context.workers;
  auto& controller = manager.addController(
      kControllerName, [reconciler](const runtime::Request& request) { return reconciler->reconcile(request); },
      std::move(options));

  // Also on its own status writes: a reconcile that read a cache older than its last write compared against the
  // status before it, and only the write's own event brings a comparison against what is really there
  // (tests/reliability/fault_conflicts.sh caught a Microservice left showing a finished rollout as in progress).
  controller.watchPrimary(microservices);
  for (runtime::Informer* owned : {&deployments, &services, &autoscalers, &disruptionBudgets}) {
    controller.watchMapped(*owned, toMicroservice(microservices));
  }
  controller.watchMapped(endpointSlices, endpointSliceToMicroservice);
  controller.watchMapped(configMaps, configSourceToMicroservices(microservices, "ConfigMap"));
  controller.watchMapped(secrets, configSourceToMicroservices(microservices, "Secret"));

  trackManagedObjects(deployments, resources::kDeployments.kind, kMicroserviceKind, manager.metrics());
  trackManagedObjects(services, resources::kServices.kind, kMicroserviceKind, manager.metrics());
  trackManagedObjects(autoscalers, resources::kHorizontalPodAutoscalers.kind, kMicroserviceKind, manager.metrics());
  trackManagedObjects(disruptionBudgets, resources::kPodDisruptionBudgets.kind, kMicroserviceKind, manager.metrics());
}

}  // namespace flotilla::controllers
