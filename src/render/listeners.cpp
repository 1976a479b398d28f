#include "render/listeners.h"

#include <set>

#include "api/names.h"

namespace flotilla::render {

std::int32_t containerPortFor(std::int32_t listenerPort, const GatewayRenderOptions& options) {
  return listenerPort < 1024 ? listenerPort + options.lowPortOffset : listenerPort;
}

ListenerPlan planListeners(const api::Gateway& gateway, const GatewayRenderOptions& options) {
  ListenerPlan plan;
  std::set<std::string> names;
  std::set<std::int32_t> containerPorts{options.statsPort, options.agentPort};
  const auto& listeners = gateway.spec.listeners;
  for (std::size_t i = 0; i < listeners.size(); ++i) {
    const auto& listener = listeners[i];
    const std::string path = "spec.listeners[" + std::to_string(i) + "]";
    const std::size_t before = plan.errors.size();
    if (!api::isDns1123Label(listener.name)) {
      plan.errors.push_back({path + ".name", "must be a DNS-1123 label"});
    } else if (!names.insert(listener.name).second) {
      plan.errors.push_back({path + ".name", "duplicates another listener's name"});
    }
    RenderedListener out{listener.name, listener.port, containerPortFor(listener.port, options), "",
                         listener.redirectToHttps};
    if (listener.port < 1 || listener.port > 65535) {
      plan.errors.push_back({path + ".port", "must be 1..65535"});
    } else if (out.containerPort > 65535 || !containerPorts.insert(out.containerPort).second) {
      plan.errors.push_back({path + ".port", "is served on pod port " + std::to_string(out.containerPort) +
                                                 ", which another listener, the stats port or the agent port uses"});
    }
    if (listener.tls) {
      if (!api::isDns1123Subdomain(listener.tls->secretRef.name)) {
        plan.errors.push_back({path + ".tls.secretRef.name", "must be a Secret name (DNS-1123 subdomain)"});
      }
      out.tlsSecret = listener.tls->secretRef.name;
    } else if (listener.protocol == "HTTPS") {
      plan.errors.push_back({path + ".tls", "an HTTPS listener needs tls.secretRef"});
    }
    if (listener.protocol != "HTTP" && listener.protocol != "HTTPS") {
      plan.errors.push_back({path + ".protocol", "must be HTTP or HTTPS"});
    }
    if (plan.errors.size() != before) continue;
    if (!out.tlsSecret.empty() && !plan.httpsTarget) plan.httpsTarget = out;
    plan.listeners.push_back(std::move(out));
  }
  for (std::size_t i = 0; i < listeners.size(); ++i) {
    if (listeners[i].redirectToHttps && !plan.httpsTarget) {
      plan.errors.push_back({"spec.listeners[" + std::to_string(i) + "].redirectToHttps",
                             "needs a TLS listener to redirect to; no redirect is rendered"});
    }
  }
  return plan;
}

}  // namespace flotilla::render
