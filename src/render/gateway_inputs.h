#pragma once
// Everything the gateway renderer reads: one Gateway, the Routes that name it, the BreakerPolicies and Microservices
// they may reference, namespace labels (for allowedRoutes Selector) and, optionally, live endpoints.
// Input order never matters: the renderer sorts everything it reads.

#include <compare>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "api/types.h"

namespace flotilla::render {

struct ObjectKey {
  std::string namespace_;
  std::string name;
  std::string str() const { return namespace_ + "/" + name; }
  auto operator<=>(const ObjectKey&) const = default;
};

template <typename Object>
ObjectKey keyOf(const Object& object) {
  return {object.metadata.namespace_, object.metadata.name};
}

// One address:port of a Microservice's Service, as an EndpointSlice lists it.
struct Endpoint {
  std::string address;    // IPv4 or IPv6 literal
  std::int32_t port = 0;  // the target port number
  std::string portName;   // the Service port name this port belongs to (EndpointSlice ports[].name); "" = any
  bool ready = false;
  bool serving = false;
  bool terminating = false;
  std::string podName;
  auto operator<=>(const Endpoint&) const = default;
};

struct GatewayInputs {
  api::Gateway gateway;
  std::vector<api::Route> routes;  // Routes whose gatewayRef names another Gateway (or that are deleting) are ignored
  std::vector<api::BreakerPolicy> breakerPolicies;
  std::vector<api::Microservice> microservices;
  std::map<std::string, std::map<std::string, std::string>> namespaceLabels;  // namespace -> labels
  // Endpoints by Microservice. Only ready, non-terminating ones are rendered. Leave empty for a config that does not
  // change when pods come and go (the gateway agent fills the slots at run time).
  std::map<ObjectKey, std::vector<Endpoint>> endpoints;
  // Server slots per Microservice backend; without an entry: replicas (or autoscaling.maxReplicas) plus a 25 % surge,
  // at least GatewayRenderOptions::minSlots.
  std::map<ObjectKey, std::int32_t> slotCounts;
};

// Choices of the operator (not of CR authors). Paths are the defaults of environment variables that HAProxy expands
// at load time, so one rendered config works in a cluster pod and in a local test process alike:
//   FLOTILLA_RUNTIME_DIR (admin socket), FLOTILLA_CERT_DIR (<secret>.pem files), FLOTILLA_BIND_ADDRESS (default all).
struct GatewayRenderOptions {
  std::int32_t statsPort = 8404;  // HAProxy stats page + Prometheus exporter (/metrics)
  std::int32_t agentPort = 8405;  // the `flotilla gateway` agent: /metrics, /healthz, /readyz
  std::string runtimeDir = "/var/run/flotilla";
  std::string certDir = "/var/run/flotilla/certs";
  std::int32_t minSlots = 4;
  // Listener ports below 1024 are served on port + lowPortOffset in the pod, so HAProxy runs without privileges.
  std::int32_t lowPortOffset = 8000;
  std::int64_t runAsUser = 65532;
};

}  // namespace flotilla::render
