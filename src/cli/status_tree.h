#pragma once
// `kubectl flotilla status`: Gateway → Routes → backends (Microservices) → endpoints, with conditions and circuit
// states, as one text tree. Pure: the caller reads the cluster (cli/kubectl_plugin.cpp) into a StatusSnapshot, this
// only formats it, so the layout is unit-tested without a server.

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/types.h"
#include "render/circuit_report.h"
#include "render/gateway_inputs.h"

namespace flotilla::cli {

struct GatewaySnapshot {
  api::Gateway gateway;              // with .status as the cluster has it
  std::vector<nlohmann::json> pods;  // the gateway's pods (annotation flotilla.io/open-circuits)
};

struct StatusSnapshot {
  std::vector<GatewaySnapshot> gateways;
  std::vector<api::Route> routes;                                           // all Routes that may name the gateways
  std::vector<api::Microservice> microservices;                             // backends, with .status
  std::map<render::ObjectKey, std::vector<nlohmann::json>> endpointSlices;  // by Microservice
};

// "Ready=True" / "Programmed=False (NoReadyPods)" / "Ready=?" for each wanted condition type of `conditions`.
std::string conditionSummary(const nlohmann::json& conditions, const std::vector<std::string>& types);

std::string renderStatusTree(const StatusSnapshot& snapshot);

}  // namespace flotilla::cli
