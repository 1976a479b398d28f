#include "controllers/gateway_caches.h"

#include "controllers/gateway_indexes.h"
#include "kube/well_known_resources.h"

namespace flotilla::controllers {
namespace {

void addIndex(runtime::Informer& informer, const char* name, runtime::IndexFunc function) {
  if (!informer.cache().hasIndexer(name)) informer.addIndexer(name, std::move(function));
}

}  // namespace

GatewayCaches registerGatewayCaches(runtime::Manager& manager, const std::string& watchNamespace) {
  namespace resources = kube::resources;
  GatewayCaches caches;
  caches.gateways = &manager.informer(resources::kGateways);
  caches.routes = &manager.informer(resources::kRoutes);
  caches.breakerPolicies = &manager.informer(resources::kBreakerPolicies);
  caches.microservices = &manager.informer(resources::kMicroservices);
  if (watchNamespace.empty()) caches.namespaces = &manager.informer(resources::kNamespaces);
  caches.pods = &manager.informer(resources::kPods, kGatewayPodSelector);
  caches.serviceAccounts = &manager.informer(resources::kServiceAccounts);
  caches.roles = &manager.informer(resources::kRoles);
  caches.roleBindings = &manager.informer(resources::kRoleBindings);
  caches.configMaps = &manager.informer(resources::kConfigMaps);
  caches.services = &manager.informer(resources::kServices);
  caches.deployments = &manager.informer(resources::kDeployments);
  caches.horizontalPodAutoscalers = &manager.informer(resources::kHorizontalPodAutoscalers);

  addIndex(*caches.routes, kRouteByGateway, routeGateways);
  addIndex(*caches.routes, kRouteByBreakerPolicy, routeBreakerPolicies);
  addIndex(*caches.routes, kRouteByMicroservice, routeMicroservices);
  addIndex(*caches.microservices, kMicroserviceByBreakerPolicy, microserviceBreakerPolicies);
  addIndex(*caches.breakerPolicies, kBreakerPolicyByFallback, breakerPolicyFallbacks);
  addIndex(*caches.gateways, kGatewayByBreakerPolicy, gatewayBreakerPolicies);
  addIndex(*caches.gateways, kGatewayByNamespaceSelector, gatewayNamespaceSelector);
  return caches;
}

OwnedKind ownedKind(const GatewayCaches& caches, const std::string& kind) {
  namespace resources = kube::resources;
  if (kind == "ServiceAccount") return {&resources::kServiceAccounts, caches.serviceAccounts};
  if (kind == "Role") return {&resources::kRoles, caches.roles};
  if (kind == "RoleBinding") return {&resources::kRoleBindings, caches.roleBindings};
  if (kind == "ConfigMap") return {&resources::kConfigMaps, caches.configMaps};
  if (kind == "Service") return {&resources::kServices, caches.services};
  if (kind == "Deployment") return {&resources::kDeployments, caches.deployments};
  if (kind == "HorizontalPodAutoscaler")
    return {&resources::kHorizontalPodAutoscalers, caches.horizontalPodAutoscalers};
  return {};
}

}  // namespace flotilla::controllers
