#pragma once
// The circuit breaker's open duration, which HAProxy lacks (DESIGN.md §3, haproxy-gateway.md §1.4). HAProxy trips
// an endpoint itself (`observe layer7 error-limit N on-error mark-down`: its `hanafail` counter rises and it goes
// DOWN); its health checks would bring it back after `rise` passing checks, however short the outage. The agent
// therefore, on seeing `hanafail` rise, holds it in `maint` for the policy's openDuration (OPEN),
// then sends `state ready; health down` (that order) so it needs `successesToClose` passing checks (HALF-OPEN)
// before traffic returns (CLOSED once it is UP again).
//
// Circuits are keyed by backend and endpoint address, not by slot: a reload renumbers the slots and resets
// HAProxy's counters and states, so after every reload the agent re-applies the holds through the endpoint sync
// (heldOpen()). Pure apart from the clock the caller passes in.

#include <chrono>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "gateway/admin_socket.h"
#include "render/endpoint_slots.h"

namespace flotilla::gateway {

enum class CircuitState { Closed = 0, Open = 1, HalfOpen = 2 };
const char* toString(CircuitState state);

struct CircuitKey {
  std::string backend;
  std::string endpoint;  // endpointId()
  auto operator<=>(const CircuitKey&) const = default;
};

struct Circuit {
  CircuitState state = CircuitState::Closed;
  std::chrono::steady_clock::time_point openUntil{};  // Open only
  std::string server;                                 // the slot it was seen in last
  std::string route;
  // Wall-clock time it opened (from closed; a re-trip while half-open keeps it): the `since` the agent reports.
  std::chrono::system_clock::time_point openedAt{};
};

// A state change the agent reports (metrics, logs).
struct CircuitTransition {
  CircuitKey key;
  std::string route;
  CircuitState from = CircuitState::Closed;
  CircuitState to = CircuitState::Closed;
};

class BreakerMonitor {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;
  using WallTime = std::chrono::system_clock::time_point;

  // One poll of `show stat` (servers only). Returns the runtime commands to send now (each one line) and records
  // the transitions (transitions() / takeTransitions()). Backends without an open duration are only observed.
  // `now` times the holds; `wallNow` only stamps when a circuit opened.
  std::vector<std::string> observe(const std::vector<ServerStat>& stats,
                                   const std::vector<render::BackendSlots>& backends, TimePoint now,
                                   WallTime wallNow = std::chrono::system_clock::now());

  // After a reload HAProxy's counters restart at 0: forget the baselines (holds stay).
  void resetCounters();

  // Endpoints held open in `backend` (their slots must stay in maintenance).
  std::set<std::string> heldOpen(const std::string& backend) const;

  const std::map<CircuitKey, Circuit>& circuits() const { return circuits_; }
  std::vector<CircuitTransition> takeTransitions();

 private:
  void transition(const CircuitKey& key, Circuit& circuit, CircuitState to);

  std::map<std::pair<std::string, std::string>, std::int64_t> lastFailures_;  // (backend, server) → hanafail
  std::map<CircuitKey, Circuit> circuits_;
  std::vector<CircuitTransition> transitions_;
};

}  // namespace flotilla::gateway
