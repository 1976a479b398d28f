#include "controllers/gateway_indexes.h"

#include <set>

#include "api/parse.h"
#include "controllers/decoded_resources.h"

namespace flotilla::controllers {
namespace {

// Index values come from the typed object, so an index never disagrees with what the renderer reads. Decoding
// errors do not matter here: whatever could be read still tells which objects may be affected.
template <typename T>
T decoded(const nlohmann::json& object, ParseFunction<T> parse) {
  return parse(object).value;
}

std::string key(const std::string& namespace_, const std::string& name) {
  return namespace_ + "/" + name;
}

std::vector<std::string> values(const std::set<std::string>& set) {
  return {set.begin(), set.end()};
}

}  // namespace

std::vector<std::string> routeGateways(const nlohmann::json& object) {
  const auto route = decoded(object, &api::parseRoute);
  if (route.spec.gatewayRef.name.empty()) return {};
  return {gatewayKeyOf(route)};
}

std::vector<std::string> routeBreakerPolicies(const nlohmann::json& object) {
  const auto route = decoded(object, &api::parseRoute);
  std::set<std::string> out;
  for (const auto& rule : route.spec.rules) {
    if (rule.breakerPolicyRef) out.insert(key(route.metadata.namespace_, rule.breakerPolicyRef->name));
  }
  return values(out);
}

std::vector<std::string> routeMicroservices(const nlohmann::json& object) {
  const auto route = decoded(object, &api::parseRoute);
  std::set<std::string> out;
  for (const auto& rule : route.spec.rules) {
    for (const auto& backend : rule.backends) out.insert(key(route.metadata.namespace_, backend.service));
  }
  return values(out);
}

std::vector<std::string> microserviceBreakerPolicies(const nlohmann::json& object) {
  const auto microservice = decoded(object, &api::parseMicroservice);
  if (!microservice.spec.breakerPolicyRef) return {};
  return {key(microservice.metadata.namespace_, microservice.spec.breakerPolicyRef->name)};
}

std::vector<std::string> breakerPolicyFallbacks(const nlohmann::json& object) {
  const auto policy = decoded(object, &api::parseBreakerPolicy);
  if (policy.spec.fallback.service.empty()) return {};
  return {key(policy.metadata.namespace_, policy.spec.fallback.service)};
}

std::vector<std::string> gatewayBreakerPolicies(const nlohmann::json& object) {
  const auto gateway = decoded(object, &api::parseGateway);
  if (!gateway.spec.defaults.breakerPolicyRef) return {};
  return {key(gateway.metadata.namespace_, gateway.spec.defaults.breakerPolicyRef->name)};
}

std::vector<std::string> gatewayNamespaceSelector(const nlohmann::json& object) {
  const auto gateway = decoded(object, &api::parseGateway);
  if (gateway.spec.allowedRoutes.from != api::RouteNamespacesFrom::Selector) return {};
  return {kNamespaceSelectorValue};
}

}  // namespace flotilla::controllers
