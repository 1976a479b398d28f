#pragma once
// The agent's circuits as it reports them on its Pod (annotation flotilla.io/open-circuits, render/circuit_report.h):
// every circuit that is not closed, with the Route, Microservice and BreakerPolicy its backend has in the loaded
// backends.json, so the operator needs no copy of that file to attribute it. Pure.

#include <map>
#include <vector>

#include "gateway/breaker_monitor.h"
#include "render/circuit_report.h"
#include "render/endpoint_slots.h"

namespace flotilla::gateway {

std::vector<render::ReportedCircuit> reportedCircuits(const std::map<CircuitKey, Circuit>& circuits,
                                                      const std::vector<render::BackendSlots>& backends);

}  // namespace flotilla::gateway
