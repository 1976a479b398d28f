#pragma once
// BreakerPolicy .status.openCircuits, gathered from what the gateway pods report (annotation
// flotilla.io/open-circuits, render/circuit_report.h), and the Route Events announcing a circuit that opened or
// closed. The previous status is the memory: a circuit is announced when it enters or leaves the status list, so
// an operator restart announces nothing again. Pure.

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "render/circuit_report.h"

namespace flotilla::controllers {

// The openCircuits entries for BreakerPolicy `policyKey` ("namespace/name") from every pod's report: circuits whose
// backend takes its settings from that policy, open or half-open (traffic has not returned to them yet), as
// {route, backend (the Microservice), endpoint, since}. A circuit open on several gateway pods is listed once, with
// the earliest `since`. Sorted by (route, backend, endpoint); entries the CRD schema would refuse (over-long fields)
// are left out rather than failing the whole status, and the list is cut at the schema's maxItems.
nlohmann::json openCircuitsOfPolicy(const std::vector<std::vector<render::ReportedCircuit>>& podReports,
                                    const std::string& policyKey);

struct CircuitChanges {
  std::vector<nlohmann::json> opened;  // entries of `current` not in `previous`
  std::vector<nlohmann::json> closed;  // entries of `previous` not in `current`
};
// Compares two openCircuits lists by (route, backend, endpoint); non-arrays count as empty.
CircuitChanges circuitChanges(const nlohmann::json& previous, const nlohmann::json& current);

// The Event text for an entry: "endpoint 10.1.2.3:8080 of Microservice users (BreakerPolicy shop/strict)".
std::string describeCircuit(const nlohmann::json& entry, const std::string& policyKey);

}  // namespace flotilla::controllers
