#pragma once
// Which Gateways (and Routes, BreakerPolicies) a change affects, answered from the indexed caches. These feed the
// controllers' mapped watches and the BreakerPolicy's attachedRoutes count. Over-approximating is safe (a
// re-render that changes nothing writes nothing); missing a Gateway is not, so each function follows every
// reference the renderer follows.

#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "controllers/gateway_caches.h"
#include "runtime/reconcile.h"

namespace flotilla::controllers {

using Keys = std::set<std::string>;  // "namespace/name"

// Gateways reading a BreakerPolicy: through a Route rule's breakerPolicyRef, a routed-to Microservice's
// breakerPolicyRef, or the Gateway's defaults.breakerPolicyRef.
Keys gatewaysUsingBreakerPolicy(const GatewayCaches& caches, const std::string& policyKey);
// Gateways reading a Microservice: routed to directly, or as the fallback service of a BreakerPolicy they use.
Keys gatewaysUsingMicroservice(const GatewayCaches& caches, const std::string& microserviceKey);
// Gateways whose allowedRoutes select namespaces by label.
Keys gatewaysSelectingNamespaces(const GatewayCaches& caches);
// The Gateway an object belongs to by its labels: flotilla.io/gateway, in flotilla.io/gateway-namespace or else the
// object's own namespace (gateway Pods, cross-namespace RBAC).
Keys gatewayOfLabels(const nlohmann::json& object);
// The Gateway an object of an owned kind concerns: its controller ownerReference, its labels, or — for an object
// that is not ours but has a gateway object's name ("<gw>-gateway", "<gw>-config") — that Gateway, which may be
// waiting for it to go away (OwnershipConflict).
Keys gatewaysOfOwnedObject(const GatewayCaches& caches, const nlohmann::json& object);

Keys routesOfGateways(const GatewayCaches& caches, const Keys& gateways);
Keys breakerPoliciesInNamespaces(const GatewayCaches& caches, const std::set<std::string>& namespaces);
// The namespace of the Gateway and those of the Routes naming it.
std::set<std::string> namespacesAroundGateway(const GatewayCaches& caches, const std::string& gatewayKey);

std::vector<runtime::Request> toRequests(const Keys& keys);

}  // namespace flotilla::controllers
