#include "api/limits.h"
#include "api/names.h"
#include "api/validate.h"
#include "api/validate_common.h"

namespace flotilla::api {
namespace {

using namespace validation;

void checkFailureOn(FieldErrors& errors, const std::vector<std::string>& failureOn) {
  const std::string path = "spec.failureOn";
  checkCount(errors, path, failureOn.size(), 1, limits::kFailureKinds.size());
  for (std::size_t i = 0; i < failureOn.size(); ++i) {
    checkEnum(errors, indexPath(path, i), failureOn[i], limits::kFailureKinds);
  }
  checkUnique(
      errors, failureOn, [](const std::string& v) { return v; }, [&](std::size_t i) { return indexPath(path, i); });
}

void checkFallback(FieldErrors& errors, const Fallback& fallback) {
  checkRange(errors, "spec.fallback.status", fallback.status, limits::kMinFallbackStatus, limits::kMaxFallbackStatus);
  if (fallback.body.size() > limits::kMaxFallbackBodyLength || !isSafeConfigText(fallback.body)) {
    add(errors, "spec.fallback.body",
        "must be at most " + std::to_string(limits::kMaxFallbackBodyLength) +
            " printable ASCII characters without quotes, '#', '\\', backquotes, '%[' or '${', and not start with "
            "'-' or start or end with a space");
  }
  // The fallback service is a Microservice, whose names are DNS-1035 labels.
  checkOptionalName(errors, "spec.fallback.service", fallback.service, NameRule::Dns1035Label);
}

}  // namespace

FieldErrors validateBreakerPolicy(const BreakerPolicy& policy) {
  FieldErrors errors;
  const auto& spec = policy.spec;
  checkObjectMeta(errors, policy.metadata, NameRule::Dns1123Label);
  checkRange(errors, "spec.consecutiveFailures", spec.consecutiveFailures, limits::kMinConsecutiveFailures,
             limits::kMaxConsecutiveFailures);
  checkDuration(errors, "spec.openDuration", spec.openDuration, limits::kMinOpenDuration, limits::kMaxOpenDuration);
  checkDuration(errors, "spec.halfOpen.probeInterval", spec.halfOpen.probeInterval, limits::kMinProbeInterval,
                limits::kMaxProbeInterval);
  checkRange(errors, "spec.halfOpen.successesToClose", spec.halfOpen.successesToClose, limits::kMinSuccessesToClose,
             limits::kMaxSuccessesToClose);
  checkFailureOn(errors, spec.failureOn);
  checkRange(errors, "spec.maxConnections", spec.maxConnections, 1, limits::kMaxConnectionLimit);
  checkRange(errors, "spec.maxPendingRequests", spec.maxPendingRequests, 0, limits::kMaxConnectionLimit);
  checkRange(errors, "spec.maxRequestsPerConnection", spec.maxRequestsPerConnection, 0, limits::kMaxConnectionLimit);
  checkRange(errors, "spec.maxRetries", spec.maxRetries, 0, limits::kMaxConnectionLimit);
  checkFallback(errors, spec.fallback);
  checkConfigPath(errors, "spec.healthCheck.path", spec.healthCheck.path);
  return errors;
}

}  // namespace flotilla::api
