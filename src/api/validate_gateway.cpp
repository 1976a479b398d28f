#include <algorithm>

#include "api/limits.h"
#include "api/names.h"
#include "api/validate.h"
#include "api/validate_common.h"

namespace flotilla::api {
namespace {

using namespace validation;

void checkListener(FieldErrors& errors, const std::string& path, const Listener& listener, bool gatewayHasHttps) {
  checkName(errors, fieldPath(path, "name"), listener.name, NameRule::Dns1123Label);
  checkRange(errors, fieldPath(path, "port"), listener.port, limits::kMinPort, limits::kMaxPort);
  checkEnum(errors, fieldPath(path, "protocol"), listener.protocol, limits::kListenerProtocols);
  const bool https = listener.protocol == "HTTPS";
  if (https && !listener.tls) add(errors, fieldPath(path, "tls"), "required for protocol HTTPS");
  if (!https && listener.tls) add(errors, fieldPath(path, "tls"), "only allowed with protocol HTTPS");
  if (listener.tls) {
    checkName(errors, fieldPath(path, "tls.secretRef.name"), listener.tls->secretRef.name, NameRule::Dns1123Subdomain);
  }
  if (listener.redirectToHttps) {
    if (https) {
      add(errors, fieldPath(path, "redirectToHttps"), "only allowed on HTTP listeners");
    } else if (!gatewayHasHttps) {
      add(errors, fieldPath(path, "redirectToHttps"), "requires an HTTPS listener on this Gateway");
    }
  }
}

void checkListeners(FieldErrors& errors, const std::vector<Listener>& listeners) {
  const std::string path = "spec.listeners";
  checkCount(errors, path, listeners.size(), 1, limits::kMaxListeners);
  const bool hasHttps =
      std::any_of(listeners.begin(), listeners.end(), [](const Listener& l) { return l.protocol == "HTTPS"; });
  for (std::size_t i = 0; i < listeners.size(); ++i) checkListener(errors, indexPath(path, i), listeners[i], hasHttps);
  checkUnique(
      errors, listeners, [](const Listener& l) { return l.name; },
      [&](std::size_t i) { return fieldPath(indexPath(path, i), "name"); });
  checkUnique(
      errors, listeners, [](const Listener& l) { return std::to_string(l.port); },
      [&](std::size_t i) { return fieldPath(indexPath(path, i), "port"); });
}

void checkAllowedRoutes(FieldErrors& errors, const AllowedRoutes& allowed) {
  const std::string path = "spec.allowedRoutes.namespaces.selector";
  const bool hasSelector = allowed.selector.is_object() && !allowed.selector.empty();
  if (allowed.from == RouteNamespacesFrom::Selector) {
    if (!hasSelector) {
      add(errors, path, "required when from is Selector");
    } else {
      checkLabelSelector(errors, path, allowed.selector);
    }
  } else if (hasSelector) {
    add(errors, path, "only allowed when from is Selector");
  }
}

}  // namespace

FieldErrors validateGateway(const Gateway& gateway) {
  FieldErrors errors;
  const auto& spec = gateway.spec;
  // The name becomes the gateway Service's name, and Services need DNS-1035 labels.
  checkObjectMeta(errors, gateway.metadata, NameRule::Dns1035Label);
  checkScale(errors, "spec", spec.replicas, spec.autoscaling, limits::kMaxGatewayReplicas);
  checkImage(errors, "spec.image", spec.image);
  const auto resourceErrors = validateResourceRequirements(spec.resources, "spec.resources");
  errors.insert(errors.end(), resourceErrors.begin(), resourceErrors.end());
  checkEnum(errors, "spec.service.type", spec.service.type, limits::kServiceTypes);
  checkAnnotations(errors, "spec.service.annotations", spec.service.annotations);
  checkListeners(errors, spec.listeners);
  checkAllowedRoutes(errors, spec.allowedRoutes);
  if (spec.defaults.timeout) {
    checkPositiveDuration(errors, "spec.defaults.timeout", *spec.defaults.timeout, limits::kMaxTimeout);
  }
  if (spec.defaults.breakerPolicyRef) {
    checkName(errors, "spec.defaults.breakerPolicyRef.name", spec.defaults.breakerPolicyRef->name,
              NameRule::Dns1123Label);
  }
  return errors;
}

}  // namespace flotilla::api
