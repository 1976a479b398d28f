#pragma once
// The gateway workload the operator server-side applies for a Gateway (DESIGN.md §2), all owned by the Gateway:
// ServiceAccount, Role + RoleBinding (least privilege for the agent), ConfigMap <gw>-config (haproxy.cfg,
// backends.json, config hash + Gateway generation annotations), Service, Deployment and, with autoscaling, an HPA.
//
// Pod: one container `gateway` running `flotilla gateway --config-map <ns>/<gw>-config --namespace <ns>`, which
// supervises HAProxy; restricted security context (non-root, read-only root filesystem, no privilege escalation,
// all capabilities dropped, seccomp RuntimeDefault). Writable emptyDirs: the runtime dir (config, sockets,
// certificates) and /tmp. Listener port p is served on pod port p (or p + 8000 when p < 1024).

#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/types.h"
#include "render/gateway_inputs.h"
#include "render/haproxy_config.h"
#include "render/listeners.h"

namespace flotilla::render {

struct GatewayObjects {
  nlohmann::json serviceAccount;
  nlohmann::json role;
  nlohmann::json roleBinding;
  nlohmann::json configMap;
  nlohmann::json service;
  nlohmann::json deployment;
  std::optional<nlohmann::json> horizontalPodAutoscaler;  // only with spec.autoscaling
  // Role + RoleBinding letting the agent read EndpointSlices in each other namespace that backends live in. An owner
  // reference cannot cross namespaces, so these carry the labels flotilla.io/gateway(-namespace) instead and the
  // operator deletes stale ones by label.
  std::vector<nlohmann::json> crossNamespaceRbac;

  // Every object in apply order (identity and RBAC first, the ConfigMap before the pods that read it).
  std::vector<nlohmann::json> all() const;
};

std::string gatewayWorkloadName(const api::Gateway& gateway);   // "<gw>-gateway": Deployment, Service, SA, RBAC
std::string gatewayConfigMapName(const api::Gateway& gateway);  // "<gw>-config"
std::map<std::string, std::string> gatewaySelectorLabels(const api::Gateway& gateway);

// backendNamespaces: namespaces of the Microservices the config routes to (the Gateway's own is ignored).
GatewayObjects renderGatewayObjects(const api::Gateway& gateway, const ListenerPlan& listeners,
                                    const HaproxyConfig& config, const std::set<std::string>& backendNamespaces,
                                    const GatewayRenderOptions& options);

}  // namespace flotilla::render
