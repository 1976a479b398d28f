#include "controllers/gateway_inputs_from_cache.h"

#include <set>

#include "controllers/decoded_resources.h"
#include "controllers/gateway_indexes.h"
#include "runtime/object.h"

namespace flotilla::controllers {

api::Gateway withDefaultImage(api::Gateway gateway, const std::string& gatewayImage) {
  if (!gatewayImage.empty() && (gateway.spec.image.empty() || gateway.spec.image == api::GatewaySpec{}.image)) {
    gateway.spec.image = gatewayImage;
  }
  return gateway;
}

render::GatewayInputs gatewayInputsFromCache(const GatewayCaches& caches, const api::Gateway& gateway) {
  render::GatewayInputs inputs;
  inputs.gateway = gateway;
  const std::string gatewayKey = render::keyOf(gateway).str();
  inputs.routes = decodeAll(caches.routes->cache().byIndex(kRouteByGateway, gatewayKey), &api::parseRoute);

  std::set<std::string> routeNamespaces;
  for (const auto& route : inputs.routes) routeNamespaces.insert(route.metadata.namespace_);
  std::set<std::string> policyNamespaces = routeNamespaces;
  policyNamespaces.insert(gateway.metadata.namespace_);

  for (const auto& ns : policyNamespaces) {
    auto policies = decodeAll(caches.breakerPolicies->cache().listNamespace(ns), &api::parseBreakerPolicy);
    std::move(policies.begin(), policies.end(), std::back_inserter(inputs.breakerPolicies));
  }
  for (const auto& ns : routeNamespaces) {
    auto microservices = decodeAll(caches.microservices->cache().listNamespace(ns), &api::parseMicroservice);
    std::move(microservices.begin(), microservices.end(), std::back_inserter(inputs.microservices));
  }
  if (gateway.spec.allowedRoutes.from == api::RouteNamespacesFrom::Selector && caches.namespaces != nullptr) {
    for (const auto& ns : routeNamespaces) {
      if (auto object = caches.namespaces->cache().get(ns)) inputs.namespaceLabels[ns] = runtime::labelsOf(*object);
    }
  }
  return inputs;
}

}  // namespace flotilla::controllers
