#include "gateway/breaker_monitor.h"

#include "gateway/endpoint_sync.h"

namespace flotilla::gateway {
namespace {

// `show stat` prints addr as "ip:port" (IPv6 possibly bracketed); normalised to endpointId() form.
std::string endpointOfStat(const ServerStat& stat) {
  const auto colon = stat.address.rfind(':');
  if (colon == std::string::npos) return stat.address;
  std::string address = stat.address.substr(0, colon);
  if (address.size() >= 2 && address.front() == '[' && address.back() == ']')
    address = address.substr(1, address.size() - 2);
  std::int32_t port = 0;
  try {
    port = std::stoi(stat.address.substr(colon + 1));
  } catch (const std::exception&) {
    return stat.address;
  }
  return endpointId(address, port);
}

}  // namespace

const char* toString(CircuitState state) {
  switch (state) {
    case CircuitState::Closed:
      return "closed";
    case CircuitState::Open:
      return "open";
    case CircuitState::HalfOpen:
      return "half-open";
  }
  return "closed";
}

void BreakerMonitor::transition(const CircuitKey& key, Circuit& circuit, CircuitState to) {
  if (circuit.state == to) return;
  transitions_.push_back({key, circuit.route, circuit.state, to});
  circuit.state = to;
}

std::vector<std::string> BreakerMonitor::observe(const std::vector<ServerStat>& stats,
                                                 const std::vector<render::BackendSlots>& backends, TimePoint now,
                                                 WallTime wallNow) {
  std::map<std::string, const render::BackendSlots*> byName;
  for (const auto& backend : backends) byName[backend.backend] = &backend;
  std::vector<std::string> commands;
  std::set<CircuitKey> seen;
  for (const auto& stat : stats) {
    auto backend = byName.find(stat.backend);
    if (backend == byName.end()) continue;
    const auto counterKey = std::pair{stat.backend, stat.server};
    const auto previous = lastFailures_.find(counterKey);
    // hanafail counts the trips of `on-error mark-down`. The server may already be UP again by the time we look
    // (its health checks pass after `rise` x fastinter), so its state at poll time does not matter.
    const bool tripped = previous != lastFailures_.end() && stat.healthAnalysisFailures > previous->second;
    lastFailures_[counterKey] = stat.healthAnalysisFailures;
    const CircuitKey key{stat.backend, endpointOfStat(stat)};
    auto found = circuits_.find(key);
    if (!tripped && found == circuits_.end()) continue;
    Circuit& circuit = circuits_[key];
    seen.insert(key);
    circuit.server = stat.server;
    circuit.route = backend->second->route;
    const std::string name = stat.backend + "/" + stat.server;
    const auto openFor = std::chrono::milliseconds(backend->second->openDurationMs);
    if (tripped && circuit.state != CircuitState::Open) {
      if (circuit.state == CircuitState::Closed) circuit.openedAt = wallNow;
      transition(key, circuit, CircuitState::Open);
      circuit.openUntil = now + openFor;
      if (openFor.count() > 0) commands.push_back("set server " + name + " state maint");
      continue;
    }
    switch (circuit.state) {
      case CircuitState::Open:
        if (now >= circuit.openUntil) {
          transition(key, circuit, CircuitState::HalfOpen);
          // This order: `health down` before `state ready` would let the server straight back in (UP at once).
          if (openFor.count() > 0) {
            commands.push_back("set server " + name + " state ready; set server " + name + " health down");
          }
        }
        break;
      case CircuitState::HalfOpen:
        if (stat.up()) transition(key, circuit, CircuitState::Closed);
        break;
      case CircuitState::Closed:
        break;
    }
  }
  // Circuits whose endpoint is in no slot any more, and closed ones, are dropped.
  for (auto it = circuits_.begin(); it != circuits_.end();) {
    const bool gone = !seen.count(it->first);
    if (gone || it->second.state == CircuitState::Closed) {
      if (gone && it->second.state != CircuitState::Closed) transition(it->first, it->second, CircuitState::Closed);
      it = circuits_.erase(it);
    } else {
      ++it;
    }
  }
  return commands;
}

void BreakerMonitor::resetCounters() {
  lastFailures_.clear();
}

std::set<std::string> BreakerMonitor::heldOpen(const std::string& backend) const {
  // The map is ordered by backend first: only this backend's circuits are visited (asked once per backend per pass).
  std::set<std::string> held;
  for (auto it = circuits_.lower_bound(CircuitKey{backend, ""}); it != circuits_.end() && it->first.backend == backend;
       ++it) {
    if (it->second.state == CircuitState::Open) held.insert(it->first.endpoint);
  }
  return held;
}

std::vector<CircuitTransition> BreakerMonitor::takeTransitions() {
  return std::exchange(transitions_, {});
}

}  // namespace flotilla::gateway
