#include "render/gateway_render.h"

#include <set>

#include "render/haproxy_config.h"
#include "render/listeners.h"
#include "render/route_table.h"

namespace flotilla::render {

GatewayRender renderGateway(const GatewayInputs& inputs, const GatewayRenderOptions& options) {
  RouteTable table = buildRouteTable(inputs, options);
  const ListenerPlan listeners = planListeners(inputs.gateway, options);
  HaproxyConfig config = renderHaproxyConfig(inputs.gateway, table, listeners, options);

  std::set<std::string> backendNamespaces;
  for (const auto& backend : config.backends) backendNamespaces.insert(backend.microservice.namespace_);

  GatewayRender out;
  out.objects = renderGatewayObjects(inputs.gateway, listeners, config, backendNamespaces, options);
  out.haproxyConfig = std::move(config.text);
  out.configHash = std::move(config.hash);
  out.backends = std::move(config.backends);
  out.gatewayErrors = listeners.errors;
  out.gatewayErrors.insert(out.gatewayErrors.end(), table.gatewayErrors.begin(), table.gatewayErrors.end());
  out.routeVerdicts = std::move(table.verdicts);
  for (const auto& verdict : out.routeVerdicts) out.attachedRoutes += verdict.accepted.status ? 1 : 0;
  return out;
}

std::vector<RouteVerdict> computeRouteVerdicts(const GatewayInputs& inputs, const GatewayRenderOptions& options) {
  return buildRouteTable(inputs, options).verdicts;
}

}  // namespace flotilla::render
