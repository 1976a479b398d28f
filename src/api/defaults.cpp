#include "api/defaults.h"

namespace flotilla::api {

void applyDefaults(Microservice& microservice) {
  auto& spec = microservice.spec;
  if (!spec.replicas && !spec.autoscaling) spec.replicas = 1;
  for (auto& port : spec.ports) {
    if (!port.targetPort) port.targetPort = port.port;
  }
}

void applyDefaults(Route& route) {
  for (auto& rule : route.spec.rules) {
    if (rule.matches.empty()) rule.matches.emplace_back();
    for (auto& match : rule.matches) {
      if (!match.path) match.path = PathMatch{};
    }
  }
}

void applyDefaults(BreakerPolicy&) {}

void applyDefaults(Gateway& gateway) {
  auto& spec = gateway.spec;
  if (!spec.replicas && !spec.autoscaling) spec.replicas = 1;
}

}  // namespace flotilla::api
