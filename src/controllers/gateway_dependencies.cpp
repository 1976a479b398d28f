#include "controllers/gateway_dependencies.h"

#include "api/types.h"
#include "controllers/gateway_indexes.h"
#include "render/object_meta.h"
#include "runtime/object.h"

namespace flotilla::controllers {
namespace {

// The mappings below read names, specs and index entries, never a status: they use the *WithoutStatus reads, which
// cost no copy (runtime::CacheStorage::TreesWithPackedStatus).
void addGatewaysOfRoutes(const std::vector<runtime::ObjectPtr>& routes, Keys& out) {
  for (const auto& route : routes) {
    for (auto& gateway : routeGateways(*route)) out.insert(std::move(gateway));
  }
}

}  // namespace

Keys gatewaysUsingBreakerPolicy(const GatewayCaches& caches, const std::string& policyKey) {
  Keys out;
  for (const auto& key : caches.gateways->cache().indexKeys(kGatewayByBreakerPolicy, policyKey)) out.insert(key);
  addGatewaysOfRoutes(caches.routes->cache().byIndexWithoutStatus(kRouteByBreakerPolicy, policyKey), out);
  for (const auto& microservice : caches.microservices->cache().indexKeys(kMicroserviceByBreakerPolicy, policyKey)) {
    addGatewaysOfRoutes(caches.routes->cache().byIndexWithoutStatus(kRouteByMicroservice, microservice), out);
  }
  return out;
}

Keys gatewaysUsingMicroservice(const GatewayCaches& caches, const std::string& microserviceKey) {
  Keys out;
  addGatewaysOfRoutes(caches.routes->cache().byIndexWithoutStatus(kRouteByMicroservice, microserviceKey), out);
  for (const auto& policy : caches.breakerPolicies->cache().indexKeys(kBreakerPolicyByFallback, microserviceKey)) {
    for (const auto& gateway : gatewaysUsingBreakerPolicy(caches, policy)) out.insert(gateway);
  }
  return out;
}

Keys gatewaysSelectingNamespaces(const GatewayCaches& caches) {
  const auto keys = caches.gateways->cache().indexKeys(kGatewayByNamespaceSelector, kNamespaceSelectorValue);
  return {keys.begin(), keys.end()};
}

Keys gatewayOfLabels(const nlohmann::json& object) {
  const auto labels = runtime::labelsOf(object);
  auto name = labels.find(render::kLabelGateway);
  if (name == labels.end() || name->second.empty()) return {};
  auto ns = labels.find(render::kLabelGatewayNamespace);
  return {(ns != labels.end() ? ns->second : runtime::namespaceOf(object)) + "/" + name->second};
}

Keys gatewaysOfOwnedObject(const GatewayCaches& caches, const nlohmann::json& object) {
  Keys out = gatewayOfLabels(object);
  const std::string ns = runtime::namespaceOf(object);
  if (auto controller = runtime::controllerOf(object);
      controller && controller->kind == "Gateway" && runtime::groupOf(controller->apiVersion) == api::kGroup) {
    out.insert(runtime::objectKey(ns, controller->name));
  }
  const std::string name = runtime::nameOf(object);
  for (const std::string suffix : {"-gateway", "-config"}) {
    if (name.size() <= suffix.size() || name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0) continue;
    const std::string candidate = name.substr(0, name.size() - suffix.size());
    if (caches.gateways->cache().contains(ns, candidate)) out.insert(runtime::objectKey(ns, candidate));
  }
  return out;
}

Keys routesOfGateways(const GatewayCaches& caches, const Keys& gateways) {
  Keys out;
  for (const auto& gateway : gateways) {
    for (auto& key : caches.routes->cache().indexKeys(kRouteByGateway, gateway)) out.insert(std::move(key));
  }
  return out;
}

Keys breakerPoliciesInNamespaces(const GatewayCaches& caches, const std::set<std::string>& namespaces) {
  Keys out;
  for (const auto& ns : namespaces) {
    for (const auto& policy : caches.breakerPolicies->cache().listNamespaceWithoutStatus(ns))
      out.insert(runtime::objectKey(*policy));
  }
  return out;
}

std::set<std::string> namespacesAroundGateway(const GatewayCaches& caches, const std::string& gatewayKey) {
  std::set<std::string> out{runtime::splitObjectKey(gatewayKey).first};
  for (const auto& route : caches.routes->cache().byIndexWithoutStatus(kRouteByGateway, gatewayKey)) {
    out.insert(runtime::namespaceOf(*route));
  }
  return out;
}

std::vector<runtime::Request> toRequests(const Keys& keys) {
  std::vector<runtime::Request> out;
  for (const auto& key : keys) out.push_back(runtime::Request::fromKey(key));
  return out;
}

}  // namespace flotilla::controllers
