#pragma once
// The informers the Gateway, Route and BreakerPolicy controllers read, created once through the manager (shared with
// any other controller watching the same type) with the indexes of gateway_indexes.h.
//
// Gateway Pods are watched through a label-selected informer (flotilla.io/gateway): the operator caches its
// gateways' pods, not every Pod of the cluster. The kinds a Gateway owns are watched whole, through the informers
// the Microservice controller shares: an object that merely has a gateway object's name must be visible too, so it
// is never overwritten (OwnershipConflict). Namespaces are watched only in cluster mode: their labels matter only
// for allowedRoutes.namespaces.from=Selector, and a namespaced operator may not read them.

#include <string>

#include "kube/resource.h"
#include "runtime/informer.h"
#include "runtime/manager.h"

namespace flotilla::controllers {

struct GatewayCaches {
  runtime::Informer* gateways = nullptr;
  runtime::Informer* routes = nullptr;
  runtime::Informer* breakerPolicies = nullptr;
  runtime::Informer* microservices = nullptr;
  runtime::Informer* namespaces = nullptr;  // null in namespaced mode
  runtime::Informer* pods = nullptr;        // gateway pods only
  // The kinds renderGateway outputs.
  runtime::Informer* serviceAccounts = nullptr;
  runtime::Informer* roles = nullptr;
  runtime::Informer* roleBindings = nullptr;
  runtime::Informer* configMaps = nullptr;
  runtime::Informer* services = nullptr;
  runtime::Informer* deployments = nullptr;
  runtime::Informer* horizontalPodAutoscalers = nullptr;
};

// The label every gateway pod carries (render::gatewaySelectorLabels): the selector of the Pod informer.
inline constexpr const char* kGatewayPodSelector = "flotilla.io/gateway";

// `watchNamespace` is the operator's --namespace (empty = all).
GatewayCaches registerGatewayCaches(runtime::Manager& manager, const std::string& watchNamespace);

// A kind renderGateway outputs ("ConfigMap", "Role"...): its API resource and the informer holding its objects.
struct OwnedKind {
  const kube::ResourceRef* resource = nullptr;
  runtime::Informer* informer = nullptr;
};
// Both null for any other kind.
OwnedKind ownedKind(const GatewayCaches& caches, const std::string& kind);

}  // namespace flotilla::controllers
