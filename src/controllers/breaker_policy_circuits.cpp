#include "controllers/breaker_policy_circuits.h"

#include <map>
#include <tuple>

namespace flotilla::controllers {
namespace {

// The CRD schema's limits on status.openCircuits (crds/breakerpolicies.flotilla.io.yaml).
constexpr std::size_t kMaxItems = 1024;
constexpr std::size_t kMaxRoute = 253;
constexpr std::size_t kMaxBackend = 63;
constexpr std::size_t kMaxEndpoint = 64;

using Key = std::tuple<std::string, std::string, std::string>;  // route, backend, endpoint

Key keyOf(const nlohmann::json& entry) {
  return {entry.value("route", ""), entry.value("backend", ""), entry.value("endpoint", "")};
}

std::map<Key, nlohmann::json> byKey(const nlohmann::json& list) {
  std::map<Key, nlohmann::json> out;
  if (!list.is_array()) return out;
  for (const auto& entry : list) {
    if (entry.is_object()) out.emplace(keyOf(entry), entry);
  }
  return out;
}

bool fitsSchema(const render::ReportedCircuit& c) {
  return !c.route.empty() && c.route.size() <= kMaxRoute && !c.microservice.name.empty() &&
         c.microservice.name.size() <= kMaxBackend && !c.endpoint.empty() && c.endpoint.size() <= kMaxEndpoint;
}

// RFC 3339 stamps of one format (the agent's runtime::formatTime) order as text; an empty one is "unknown".
bool earlier(const std::string& a, const std::string& b) {
  return !a.empty() && (b.empty() || a < b);
}

}  // namespace

nlohmann::json openCircuitsOfPolicy(const std::vector<std::vector<render::ReportedCircuit>>& podReports,
                                    const std::string& policyKey) {
  std::map<Key, std::string> since;
  for (const auto& report : podReports) {
    for (const auto& c : report) {
      if (c.breakerPolicy != policyKey || !fitsSchema(c)) continue;
      auto [it, inserted] = since.try_emplace({c.route, c.microservice.name, c.endpoint}, c.since);
      if (!inserted && earlier(c.since, it->second)) it->second = c.since;
    }
  }
  nlohmann::json list = nlohmann::json::array();
  for (const auto& [key, opened] : since) {
    if (list.size() == kMaxItems) break;
    const auto& [route, backend, endpoint] = key;
    nlohmann::json entry = {{"route", route}, {"backend", backend}, {"endpoint", endpoint}};
    if (!opened.empty()) entry["since"] = opened;
    list.push_back(std::move(entry));
  }
  return list;
}

CircuitChanges circuitChanges(const nlohmann::json& previous, const nlohmann::json& current) {
  const auto before = byKey(previous);
  const auto after = byKey(current);
  CircuitChanges changes;
  for (const auto& [key, entry] : after) {
    if (!before.count(key)) changes.opened.push_back(entry);
  }
  for (const auto& [key, entry] : before) {
    if (!after.count(key)) changes.closed.push_back(entry);
  }
  return changes;
}

std::string describeCircuit(const nlohmann::json& entry, const std::string& policyKey) {
  return "endpoint " + entry.value("endpoint", "") + " of Microservice " + entry.value("backend", "") +
         " (BreakerPolicy " + policyKey + ")";
}

}  // namespace flotilla::controllers
