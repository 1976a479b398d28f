#include "render/endpoint_slots.h"

#include <algorithm>
#include <set>

#include "api/names.h"

namespace flotilla::render {
namespace {

constexpr std::string_view kIndent = "    ";
constexpr std::string_view kMarker = "    # endpoints of ";

bool isIpv4(std::string_view s) {
  int dots = 0;
  for (char c : s) {
    if (c == '.') {
      ++dots;
    } else if (c < '0' || c > '9') {
      return false;
    }
  }
  return dots == 3 && !s.empty();
}

bool isIpv6(std::string_view s) {
  if (s.find(':') == std::string_view::npos || s.size() > 45) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == ':' || c == '.';
  });
}

// HAProxy takes the last ':' as the port separator; the ipv6@ prefix says the rest is an IPv6 address.
std::string serverAddress(const Endpoint& endpoint) {
  const std::string port = std::to_string(endpoint.port);
  if (isIpv6(endpoint.address)) return "ipv6@" + endpoint.address + ":" + port;
  return endpoint.address + ":" + port;
}

}  // namespace

std::vector<Endpoint> usableEndpoints(const std::vector<Endpoint>& endpoints, const std::string& portName,
                                      std::int32_t targetPort) {
  std::set<std::pair<std::string, std::int32_t>> seen;
  std::vector<Endpoint> usable;
  for (const auto& endpoint : endpoints) {
    if (!endpoint.ready || endpoint.terminating) continue;
    if (endpoint.port < 1 || endpoint.port > 65535) continue;
    if (!(isIpv4(endpoint.address) || isIpv6(endpoint.address))) continue;
    const bool samePort = endpoint.portName.empty() ? endpoint.port == targetPort : endpoint.portName == portName;
    if (!samePort) continue;
    usable.push_back(endpoint);
  }
  std::sort(usable.begin(), usable.end());
  std::erase_if(usable, [&seen](const Endpoint& e) { return !seen.insert({e.address, e.port}).second; });
  return usable;
}

std::int32_t perServerMaxConnections(const BackendSlots& backend, std::size_t endpointCount) {
  if (backend.maxConnections <= 0) return 0;
  if (!backend.scaleLimitsWithReplicas) return backend.maxConnections;
  const std::int64_t divisor =
      endpointCount > 0 ? static_cast<std::int64_t>(endpointCount) : std::max<std::int64_t>(1, backend.currentReplicas);
  return static_cast<std::int32_t>((backend.maxConnections + divisor - 1) / divisor);
}

std::string renderEndpointBlock(const BackendSlots& backend, const std::vector<Endpoint>& usable) {
  const std::int32_t slots = std::max<std::int32_t>(backend.slots, static_cast<std::int32_t>(usable.size()));
  // Appended piece by piece: every backend of a large config goes through here.
  std::string block;
  block.append(kMarker).append("Microservice ").append(backend.microservice.namespace_).append("/");
  block.append(backend.microservice.name).append(" port ");
  block.append(backend.portName.empty() ? std::to_string(backend.targetPort) : backend.portName).append(" (");
  block.append(std::to_string(slots)).append(" slots, ").append(std::to_string(usable.size()));
  block.append(" filled; the gateway agent fills the others at run time)\n");
  block.append(kIndent).append("default-server ").append(backend.serverOptions);
  if (const auto maxconn = perServerMaxConnections(backend, usable.size()); maxconn > 0) {
    block.append(" maxconn ").append(std::to_string(maxconn));
  }
  block += '\n';
  for (std::size_t i = 0; i < usable.size(); ++i) {
    block.append(kIndent).append("server ep").append(std::to_string(i + 1)).append(" ");
    block.append(serverAddress(usable[i]));
    if (api::isDns1123Subdomain(usable[i].podName)) block.append("  # pod ").append(usable[i].podName);
    block += '\n';
  }
  const std::int32_t firstSpare = static_cast<std::int32_t>(usable.size()) + 1;
  if (firstSpare <= slots) {
    block.append(kIndent).append("server-template ep ").append(std::to_string(firstSpare)).append("-");
    block.append(std::to_string(slots)).append(" 127.0.0.1:1 disabled\n");
  }
  return block;
}

std::string applyEndpoints(std::string_view config, const std::vector<BackendSlots>& backends,
                           const std::map<ObjectKey, std::vector<Endpoint>>& endpoints) {
  std::map<std::string, const BackendSlots*> byName;
  for (const auto& backend : backends) byName.emplace(backend.backend, &backend);
  const auto isEndpointLine = [](std::string_view line) {
    return line.starts_with("    default-server ") || line.starts_with("    server ") ||
           line.starts_with("    server-template ");
  };

  std::string out;
  const BackendSlots* current = nullptr;  // the listed backend whose section we are in
  bool skipping = false;                  // inside a block being replaced
  std::size_t pos = 0;
  while (pos < config.size()) {
    std::size_t end = config.find('\n', pos);
    const bool lastLine = end == std::string_view::npos;
    if (lastLine) end = config.size();
    const std::string_view line = config.substr(pos, end - pos);
    pos = lastLine ? config.size() : end + 1;

    if (skipping && isEndpointLine(line)) continue;
    skipping = false;
    if (!line.empty() && line.front() != ' ' && line.front() != '#') {
      current = nullptr;
      if (line.starts_with("backend ")) {
        auto it = byName.find(std::string(line.substr(8)));
        if (it != byName.end()) current = it->second;
      }
    }
    if (current && line.starts_with(kMarker)) {
      auto found = endpoints.find(current->microservice);
      const std::vector<Endpoint> none;
      out += renderEndpointBlock(*current, usableEndpoints(found == endpoints.end() ? none : found->second,
                                                           current->portName, current->targetPort));
      skipping = true;
      continue;
    }
    out.append(line);
    if (!lastLine) out.push_back('\n');
  }
  return out;
}

nlohmann::json toJson(const BackendSlots& b) {
  return {{"backend", b.backend},
          {"namespace", b.microservice.namespace_},
          {"microservice", b.microservice.name},
          {"portName", b.portName},
          {"targetPort", b.targetPort},
          {"slots", b.slots},
          {"serverOptions", b.serverOptions},
          {"maxConnections", b.maxConnections},
          {"scaleLimitsWithReplicas", b.scaleLimitsWithReplicas},
          {"currentReplicas", b.currentReplicas},
          {"route", b.route},
          {"rule", b.rule},
          {"breakerPolicy", b.breakerPolicy},
          {"openDurationMs", b.openDurationMs},
          {"successesToClose", b.successesToClose}};
}

BackendSlots backendSlotsFromJson(const nlohmann::json& json) {
  BackendSlots b;
  if (!json.is_object()) return b;
  b.backend = json.value("backend", "");
  b.microservice = {json.value("namespace", ""), json.value("microservice", "")};
  b.portName = json.value("portName", "");
  b.targetPort = json.value("targetPort", 0);
  b.slots = json.value("slots", 0);
  b.serverOptions = json.value("serverOptions", "");
  b.maxConnections = json.value("maxConnections", 0);
  b.scaleLimitsWithReplicas = json.value("scaleLimitsWithReplicas", false);
  b.currentReplicas = json.value("currentReplicas", 1);
  b.route = json.value("route", "");
  b.rule = json.value("rule", 0);
  b.breakerPolicy = json.value("breakerPolicy", "");
  b.openDurationMs = json.value("openDurationMs", std::int64_t{0});
  b.successesToClose = json.value("successesToClose", 0);
  return b;
}

}  // namespace flotilla::render
