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

GatewayInputObjects gatewayInputObjects(const GatewayCaches& caches, const api::Gateway& gateway) {
  GatewayInputObjects objects;
  const std::string gatewayKey = render::keyOf(gateway).str();
  // Renders read specs only: the caches hand out the Routes, policies and Microservices as stored, without status.
  objects.routes = caches.routes->cache().byIndexWithoutStatus(kRouteByGateway, gatewayKey);

  // Every Route's namespace, also of Routes that will not decode: decodeGatewayInputs keeps only what the decoded
  // ones need, and deciding that here would parse every Route twice.
  std::set<std::string> routeNamespaces;
  for (const auto& route : objects.routes) routeNamespaces.insert(runtime::namespaceOf(*route));
  std::set<std::string> policyNamespaces = routeNamespaces;
  policyNamespaces.insert(gateway.metadata.namespace_);

  for (const auto& ns : policyNamespaces) {
    auto policies = caches.breakerPolicies->cache().listNamespaceWithoutStatus(ns);
    std::move(policies.begin(), policies.end(), std::back_inserter(objects.breakerPolicies));
  }
  for (const auto& ns : routeNamespaces) {
    auto microservices = caches.microservices->cache().listNamespaceWithoutStatus(ns);
    std::move(microservices.begin(), microservices.end(), std::back_inserter(objects.microservices));
  }
  if (gateway.spec.allowedRoutes.from == api::RouteNamespacesFrom::Selector && caches.namespaces != nullptr) {
    for (const auto& ns : routeNamespaces) {
      if (auto object = caches.namespaces->cache().get(ns)) objects.namespaces[ns] = object;
    }
  }
  return objects;
}

render::GatewayInputs decodeGatewayInputs(const GatewayInputObjects& objects, const api::Gateway& gateway) {
  render::GatewayInputs inputs;
  inputs.gateway = gateway;
  inputs.routes = decodeAll(objects.routes, &api::parseRoute);
  // The namespaces of the Routes that decoded (and the Gateway's, for policies): what the renderer may look up.
  std::set<std::string> routeNamespaces;
  for (const auto& route : inputs.routes) routeNamespaces.insert(route.metadata.namespace_);
  std::set<std::string> policyNamespaces = routeNamespaces;
  policyNamespaces.insert(gateway.metadata.namespace_);
  auto in = [](const std::set<std::string>& namespaces, const runtime::ObjectPtr& object) {
    return namespaces.count(runtime::namespaceOf(*object)) > 0;
  };
  for (const auto& object : objects.breakerPolicies) {
    if (!in(policyNamespaces, object)) continue;
    if (auto policy = api::parseBreakerPolicy(*object); policy.ok()) inputs.breakerPolicies.push_back(policy.value);
  }
  for (const auto& object : objects.microservices) {
    if (!in(routeNamespaces, object)) continue;
    if (auto microservice = api::parseMicroservice(*object); microservice.ok()) {
      inputs.microservices.push_back(microservice.value);
    }
  }
  for (const auto& [ns, object] : objects.namespaces) {
    if (routeNamespaces.count(ns) > 0) inputs.namespaceLabels[ns] = runtime::labelsOf(*object);
  }
  return inputs;
}

render::GatewayInputs gatewayInputsFromCache(const GatewayCaches& caches, const api::Gateway& gateway) {
  return decodeGatewayInputs(gatewayInputObjects(caches, gateway), gateway);
}

}  // namespace flotilla::controllers
