#include "render/breaker_resolution.h"

namespace flotilla::render {
namespace {

const char* originName(BreakerOrigin origin) {
  switch (origin) {
    case BreakerOrigin::Rule:
      return "rule";
    case BreakerOrigin::Microservice:
      return "Microservice default";
    case BreakerOrigin::Gateway:
      return "Gateway default";
    case BreakerOrigin::BuiltIn:
      break;
  }
  return "built-in";
}

}  // namespace

BreakerPolicyIndex indexBreakerPolicies(const std::vector<api::BreakerPolicy>& policies) {
  BreakerPolicyIndex index;
  for (const auto& policy : policies) index.emplace(keyOf(policy), &policy);
  return index;
}

std::string BreakerResolution::describe() const {
  if (!policy) return "built-in defaults";
  return "BreakerPolicy " + policy->str() + " (" + originName(origin) + ")";
}

BreakerResolution resolveBreakerPolicy(const std::optional<api::LocalObjectRef>& ruleRef,
                                       const std::string& routeNamespace, const api::Microservice* microservice,
                                       const api::Gateway& gateway, const BreakerPolicyIndex& policies) {
  BreakerResolution resolution;
  const auto use = [&](const ObjectKey& key, BreakerOrigin origin) {
    auto it = policies.find(key);
    if (it == policies.end()) return false;
    resolution.spec = it->second->spec;
    resolution.policy = key;
    resolution.origin = origin;
    return true;
  };
  if (ruleRef) {
    if (use({routeNamespace, ruleRef->name}, BreakerOrigin::Rule)) return resolution;
    resolution.ruleRefMissing = true;
  }
  if (microservice && microservice->spec.breakerPolicyRef) {
    const ObjectKey key{routeNamespace, microservice->spec.breakerPolicyRef->name};
    if (use(key, BreakerOrigin::Microservice)) return resolution;
    resolution.warnings.push_back("Microservice " + routeNamespace + "/" + microservice->metadata.name +
                                  " names BreakerPolicy " + key.str() + ", which does not exist");
  }
  if (gateway.spec.defaults.breakerPolicyRef) {
    const ObjectKey key{gateway.metadata.namespace_, gateway.spec.defaults.breakerPolicyRef->name};
    if (use(key, BreakerOrigin::Gateway)) return resolution;
    resolution.warnings.push_back("Gateway " + gateway.metadata.namespace_ + "/" + gateway.metadata.name +
                                  " names default BreakerPolicy " + key.str() + ", which does not exist");
  }
  return resolution;
}

}  // namespace flotilla::render
