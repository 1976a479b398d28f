#pragma once
// Endpoint changes without reload (haproxy-gateway.md §6): the difference between what a backend's server slots
// hold now (observed through the admin socket) and the endpoints its Service has, as runtime API commands. Pure.
//
// Rules:
//  - an endpoint already in a slot stays there (no traffic moves needlessly);
//  - a new endpoint takes a free slot, preferring slots in maintenance: `set server B/S addr A port P`, then
//    `state ready` in the same line: it serves at once (its pod's readiness probe passed; HAProxy's own checks and
//    the breaker take it out again if it fails);
//  - an endpoint that is terminating but still serving keeps its slot in `drain` (in-flight requests finish, no new
//    ones); one that is gone entirely goes to `maint`;
//  - an endpoint whose circuit the agent holds open stays in `maint` at its slot;
//  - when the slots run out, the plan says so: the agent then reloads with the endpoints rendered into the config
//    (render::applyEndpoints adds as many servers as needed).

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "gateway/admin_socket.h"
#include "render/endpoint_slots.h"

namespace flotilla::gateway {

// One server slot of a backend as HAProxy has it now.
struct SlotState {
  std::string server;  // "ep3"
  std::string address;
  std::int32_t port = 0;
  bool maintenance = false;
  bool draining = false;
  std::int32_t maxConnections = 0;  // the server's current maxconn (0 = none / unknown)
};

// Joins `show servers state` and `show stat` rows into each backend's slots (servers named ep<N>), sorted by N.
// One pass over both lists for all backends: joining per backend made every agent pass O(backends × servers)
// (1,000 backends: the agent's largest cost while a bulk of Routes converged).
using SlotsByBackend = std::map<std::string, std::vector<SlotState>>;
SlotsByBackend slotsByBackend(const std::vector<ServerState>& states, const std::vector<ServerStat>& stats);

// "10.0.0.7:8080" / "[fd00::7]:8080": how endpoints are named in holds, metrics and logs.
std::string endpointId(const std::string& address, std::int32_t port);

struct ServerUpdate {
  std::string server;
  std::vector<std::string> commands;  // run as one line, joined by "; ", in this order
  std::string commandLine() const;
};

struct EndpointPlan {
  std::vector<ServerUpdate> updates;         // one per server that changes
  bool slotsExhausted = false;               // more usable endpoints than slots
  std::vector<std::string> usableEndpoints;  // endpointId() of every usable endpoint, sorted
};

// `endpoints`: every endpoint the backend's Service has (not yet filtered); `heldOpen`: endpointIds whose circuit
// the agent holds open in this backend.
EndpointPlan planEndpointSync(const render::BackendSlots& backend, const std::vector<SlotState>& slots,
                              const std::vector<render::Endpoint>& endpoints,
                              const std::set<std::string>& heldOpen = {});

}  // namespace flotilla::gateway
