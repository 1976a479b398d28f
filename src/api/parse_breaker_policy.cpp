#include "api/parse_object.h"

namespace flotilla::api {
namespace {

void readBreakerPolicySpec(FieldReader& reader, BreakerPolicySpec& spec) {
  reader.read("consecutiveFailures", spec.consecutiveFailures);
  reader.read("openDuration", spec.openDuration);
  reader.readObject("halfOpen", [&spec](FieldReader& halfOpen) {
    halfOpen.read("probeInterval", spec.halfOpen.probeInterval);
    halfOpen.read("successesToClose", spec.halfOpen.successesToClose);
  });
  reader.read("failureOn", spec.failureOn);
  reader.read("maxConnections", spec.maxConnections);
  reader.read("maxPendingRequests", spec.maxPendingRequests);
  reader.read("maxRequestsPerConnection", spec.maxRequestsPerConnection);
  reader.read("maxRetries", spec.maxRetries);
  reader.read("scaleLimitsWithReplicas", spec.scaleLimitsWithReplicas);
  reader.readObject("fallback", [&spec](FieldReader& fallback) {
    fallback.read("status", spec.fallback.status);
    fallback.read("body", spec.fallback.body);
    fallback.read("service", spec.fallback.service);
  });
  reader.readObject("healthCheck", [&spec](FieldReader& check) { check.read("path", spec.healthCheck.path); });
}

}  // namespace

Parsed<BreakerPolicy> parseBreakerPolicy(const nlohmann::json& object) {
  return parsing::parseObject<BreakerPolicy>(object, "BreakerPolicy", readBreakerPolicySpec);
}

}  // namespace flotilla::api
