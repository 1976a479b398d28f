#pragma once
// Where a Gateway can be reached, for status.addresses, in this order:
//  1. the gateway Service's load-balancer ingress (IP or hostname);
//  2. the IPs of ready gateway pods that run as local processes, which is recognisable by a loopback address: the
//     emulator's `flotilla apiserver --run-pods` gives each such pod its own 127.0.0.x, and nothing else reaches
//     them (in a cluster a pod IP is never a loopback address, so this adds nothing there);
//  3. the Service's cluster IP.
// Duplicates are dropped; at most 16 entries (the CRD's limit).

#include <vector>

#include <nlohmann/json.hpp>

#include "controllers/gateway_programmed.h"

namespace flotilla::controllers {

// `service` may be null (not created yet). Returns a JSON array of {type: IPAddress|Hostname, value}.
nlohmann::json gatewayAddresses(const nlohmann::json* service, const std::vector<GatewayPodReport>& pods);

bool isLoopbackAddress(const std::string& address);

}  // namespace flotilla::controllers
