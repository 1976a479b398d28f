#pragma once
// What renderGateway reads, gathered from the informer caches: the Gateway, every Route naming it, the
// BreakerPolicies of its and its Routes' namespaces, the Microservices of its Routes' namespaces and, only for an
// allowedRoutes label selector, those namespaces' labels. Endpoints are left out on purpose: the gateway agent fills
// the server slots at run time, so pods coming and going never change the rendered config.

#include <map>
#include <string>
#include <vector>

#include "api/types.h"
#include "controllers/gateway_caches.h"
#include "render/gateway_inputs.h"

namespace flotilla::controllers {

// The Gateway as the renderer should see it: an image left at the CRD default is replaced by the operator's
// --gateway-image (an image the user wrote is kept; one equal to the CRD default cannot be told apart from it).
api::Gateway withDefaultImage(api::Gateway gateway, const std::string& gatewayImage);

render::GatewayInputs gatewayInputsFromCache(const GatewayCaches& caches, const api::Gateway& gateway);

// The cached objects gatewayInputsFromCache decodes (the same selection), for callers that first check whether
// anything changed (route_verdict_memo.h).
struct GatewayInputObjects {
  std::vector<runtime::ObjectPtr> routes;
  std::vector<runtime::ObjectPtr> breakerPolicies;
  std::vector<runtime::ObjectPtr> microservices;
  std::map<std::string, runtime::ObjectPtr> namespaces;  // only for an allowedRoutes label selector
};
GatewayInputObjects gatewayInputObjects(const GatewayCaches& caches, const api::Gateway& gateway);
render::GatewayInputs decodeGatewayInputs(const GatewayInputObjects& objects, const api::Gateway& gateway);

}  // namespace flotilla::controllers
