#include "gateway/endpoint_sync.h"

#include <algorithm>
#include <charconv>
#include <map>

namespace flotilla::gateway {
namespace {

std::optional<int> slotNumber(std::string_view server) {
  if (!server.starts_with("ep") || server.size() < 3) return std::nullopt;
  int value = 0;
  auto [end, ec] = std::from_chars(server.data() + 2, server.data() + server.size(), value);
  if (ec != std::errc() || end != server.data() + server.size()) return std::nullopt;
  return value;
}

enum class Want { Ready, Held, Drain, Maintenance };

struct Assignment {
  Want want = Want::Maintenance;
  const render::Endpoint* endpoint = nullptr;  // Ready / Held
};

// The usable endpoints (plus held ones, which usableEndpoints keeps since they are ready) keyed by id.
std::string idOf(const render::Endpoint& endpoint) {
  return endpointId(endpoint.address, endpoint.port);
}

bool samePort(const render::Endpoint& endpoint, const render::BackendSlots& backend) {
  return endpoint.portName.empty() ? endpoint.port == backend.targetPort : endpoint.portName == backend.portName;
}

}  // namespace

std::string endpointId(const std::string& address, std::int32_t port) {
  if (address.find(':') != std::string::npos) return "[" + address + "]:" + std::to_string(port);
  return address + ":" + std::to_string(port);
}

std::string ServerUpdate::commandLine() const {
  std::string line;
  for (const auto& command : commands) {
    if (!line.empty()) line += "; ";
    line += command;
  }
  return line;
}

SlotsByBackend slotsByBackend(const std::vector<ServerState>& states, const std::vector<ServerStat>& stats) {
  std::map<std::pair<std::string_view, std::string_view>, std::int32_t> limits;  // (backend, server) → maxconn
  for (const auto& stat : stats) limits[{stat.backend, stat.server}] = stat.sessionLimit;
  std::map<std::string, std::vector<std::pair<int, SlotState>>> numbered;
  for (const auto& state : states) {
    auto number = slotNumber(state.server);
    if (!number) continue;
    SlotState slot;
    slot.server = state.server;
    slot.address = state.address;
    slot.port = state.port;
    slot.maintenance = state.maintenance();
    slot.draining = state.draining();
    if (auto it = limits.find({state.backend, state.server}); it != limits.end()) slot.maxConnections = it->second;
    numbered[state.backend].emplace_back(*number, std::move(slot));
  }
  SlotsByBackend out;
  for (auto& [backend, slots] : numbered) {
    std::sort(slots.begin(), slots.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    auto& sorted = out[backend];
    for (auto& [number, slot] : slots) sorted.push_back(std::move(slot));
  }
  return out;
}

EndpointPlan planEndpointSync(const render::BackendSlots& backend, const std::vector<SlotState>& slots,
                              const std::vector<render::Endpoint>& endpoints, const std::set<std::string>& heldOpen) {
  EndpointPlan plan;
  const auto usable = render::usableEndpoints(endpoints, backend.portName, backend.targetPort);
  for (const auto& endpoint : usable) plan.usableEndpoints.push_back(idOf(endpoint));
  std::set<std::string> terminating;  // still serving in-flight requests: drain, not maint
  for (const auto& endpoint : endpoints) {
    if (endpoint.terminating && endpoint.serving && samePort(endpoint, backend)) terminating.insert(idOf(endpoint));
  }

  std::vector<Assignment> assignment(slots.size());
  std::map<std::string, std::size_t> placed;  // endpoint id → slot index
  // 1. Endpoints stay where they are.
  for (std::size_t i = 0; i < slots.size(); ++i) {
    const std::string id = endpointId(slots[i].address, slots[i].port);
    for (const auto& endpoint : usable) {
      if (idOf(endpoint) != id || placed.count(id)) continue;
      // (A slot in maintenance that still carries the address is reused for it as well.)
      placed[id] = i;
      assignment[i] = {heldOpen.count(id) ? Want::Held : Want::Ready, &endpoint};
    }
  }
  // 2. Free slots, best first: in maintenance, then active with an address no longer wanted, then draining ones.
  auto freeRank = [&](std::size_t i) {
    const std::string id = endpointId(slots[i].address, slots[i].port);
    if (slots[i].maintenance) return 0;
    if (!terminating.count(id)) return 1;
    return 2;
  };
  std::vector<std::size_t> freeSlots;
  for (std::size_t i = 0; i < slots.size(); ++i) {
    if (!assignment[i].endpoint) freeSlots.push_back(i);
  }
  std::stable_sort(freeSlots.begin(), freeSlots.end(),
                   [&](std::size_t a, std::size_t b) { return freeRank(a) < freeRank(b); });
  std::size_t nextFree = 0;
  for (const auto& endpoint : usable) {
    const std::string id = idOf(endpoint);
    if (placed.count(id)) continue;
    if (nextFree >= freeSlots.size()) {
      plan.slotsExhausted = true;
      continue;
    }
    const std::size_t i = freeSlots[nextFree++];
    placed[id] = i;
    assignment[i] = {heldOpen.count(id) ? Want::Held : Want::Ready, &endpoint};
  }
  // 3. What is left drains (its endpoint terminates) or goes to maintenance.
  for (std::size_t i = 0; i < slots.size(); ++i) {
    if (assignment[i].endpoint) continue;
    assignment[i].want =
        terminating.count(endpointId(slots[i].address, slots[i].port)) ? Want::Drain : Want::Maintenance;
  }

  const std::int32_t maxconn = render::perServerMaxConnections(backend, usable.size());
  for (std::size_t i = 0; i < slots.size(); ++i) {
    const SlotState& slot = slots[i];
    const Assignment& wanted = assignment[i];
    const std::string name = backend.backend + "/" + slot.server;
    ServerUpdate update{slot.server, {}};
    const bool active = !slot.maintenance && !slot.draining;
    switch (wanted.want) {
      case Want::Ready:
      case Want::Held: {
        const auto& endpoint = *wanted.endpoint;
        const bool moved = slot.address != endpoint.address || slot.port != endpoint.port;
        const bool held = wanted.want == Want::Held;
        // Re-addressing a live server would send traffic to an endpoint nobody has checked yet: stop it first.
        if (!slot.maintenance && (moved || held)) update.commands.push_back("set server " + name + " state maint");
        if (moved) {
          update.commands.push_back("set server " + name + " addr " + endpoint.address + " port " +
                                    std::to_string(endpoint.port));
        }
        if (held) break;
        if (maxconn > 0 && slot.maxConnections != maxconn) {
          update.commands.push_back("set maxconn server " + name + " " + std::to_string(maxconn));
        }
        // Serving at once: the endpoint is ready by its pod's readiness probe, and holding it back until HAProxy's
        // own checks pass (`health down`, `rise` x `inter`: 5-10 s) would leave a backend whose old endpoints are
        // gone with no server at all (503s during a rollout or scale-down) and miss the 100 ms target for an
        // endpoint change. HAProxy's checks (`fall`) and the circuit breaker still take a failing one out.
        if (moved || !active) update.commands.push_back("set server " + name + " state ready");
        break;
      }
      case Want::Drain:
        if (!slot.draining && !slot.maintenance) update.commands.push_back("set server " + name + " state drain");
        break;
      case Want::Maintenance:
        if (!slot.maintenance) update.commands.push_back("set server " + name + " state maint");
        break;
    }
    if (!update.commands.empty()) plan.updates.push_back(std::move(update));
  }
  return plan;
}

}  // namespace flotilla::gateway
