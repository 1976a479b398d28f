#include "gateway/open_circuits.h"

#include "runtime/wall_time.h"

namespace flotilla::gateway {

std::vector<render::ReportedCircuit> reportedCircuits(const std::map<CircuitKey, Circuit>& circuits,
                                                      const std::vector<render::BackendSlots>& backends) {
  std::map<std::string, const render::BackendSlots*> byName;
  for (const auto& backend : backends) byName[backend.backend] = &backend;
  std::vector<render::ReportedCircuit> reported;
  for (const auto& [key, circuit] : circuits) {
    if (circuit.state == CircuitState::Closed) continue;
    render::ReportedCircuit r;
    r.backend = key.backend;
    r.endpoint = key.endpoint;
    r.route = circuit.route;
    r.state = toString(circuit.state);
    r.since = runtime::formatTime(circuit.openedAt);
    if (auto found = byName.find(key.backend); found != byName.end()) {
      r.microservice = found->second->microservice;
      r.breakerPolicy = found->second->breakerPolicy;
      if (r.route.empty()) r.route = found->second->route;
    }
    reported.push_back(std::move(r));
  }
  return reported;
}

}  // namespace flotilla::gateway
