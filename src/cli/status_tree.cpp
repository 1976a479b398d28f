#include "cli/status_tree.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cstdio>
#include <set>
#include <sstream>

#include "controllers/route_status.h"

namespace flotilla::cli {
namespace {

// Box-drawing tree lines, as `tree` and `kubectl tree` print them.
class TreeWriter {
 public:
  void node(const std::vector<bool>& lastAtDepth, const std::string& text) {
    for (std::size_t d = 0; d + 1 < lastAtDepth.size(); ++d) out_ << (lastAtDepth[d] ? "    " : "│   ");
    if (!lastAtDepth.empty()) out_ << (lastAtDepth.back() ? "└── " : "├── ");
    out_ << text << "\n";
  }
  std::string str() const { return out_.str(); }

 private:
  std::ostringstream out_;
};

bool targets(const api::Route& route, const api::Gateway& gateway) {
  const auto& ref = route.spec.gatewayRef;
  const std::string ns = ref.namespace_.empty() ? route.metadata.namespace_ : ref.namespace_;
  return ref.name == gateway.metadata.name && ns == gateway.metadata.namespace_;
}

std::string pathText(const api::RouteMatch& match) {
  const api::PathMatch path = match.path.value_or(api::PathMatch{});
  std::string text;
  switch (path.type) {
    case api::PathMatchType::Exact:
      text = "=" + path.value;
      break;
    case api::PathMatchType::PathPrefix:
      text = path.value + (path.value.ends_with('/') ? "*" : "/*");
      break;
    case api::PathMatchType::RegularExpression:
      text = "~" + path.value;
      break;
  }
  for (const auto& method : match.methods) text = method + " " + text;
  return text;
}

std::string matchesText(const api::Route& route) {
  std::set<std::string> hosts(route.spec.hostnames.begin(), route.spec.hostnames.end());
  std::vector<std::string> paths;
  for (const auto& rule : route.spec.rules) {
    if (rule.matches.empty()) paths.push_back("/*");
    for (const auto& match : rule.matches) paths.push_back(pathText(match));
  }
  std::string text;
  for (const auto& host : hosts) text += (text.empty() ? "" : ",") + host;
  text += text.empty() ? "" : " ";
  for (std::size_t i = 0; i < paths.size(); ++i) text += (i ? " " : "") + paths[i];
  return text;
}

struct Backend {
  std::string service;
  std::string port;
  std::int32_t weight = 0;
};

// Each Microservice a Route sends to, once, with its port and summed weight.
std::vector<Backend> backendsOf(const api::Route& route) {
  std::vector<Backend> out;
  for (const auto& rule : route.spec.rules) {
    for (const auto& ref : rule.backends) {
      const std::string port =
          ref.port ? (ref.port->isInt() ? std::to_string(*ref.port->intValue) : ref.port->stringValue) : "";
      auto it = std::find_if(out.begin(), out.end(),
                             [&](const Backend& b) { return b.service == ref.service && b.port == port; });
      if (it == out.end()) {
        out.push_back({ref.service, port, ref.weight});
      } else {
        it->weight += ref.weight;
      }
    }
  }
  return out;
}

struct EndpointLine {
  std::string address;  // "10.0.0.3:8080"
  std::string pod;
  bool ready = false;
  bool terminating = false;
};

// "10.0.0.9:8080" before "10.0.0.10:8080": IPv4 addresses compare by number, anything else as text.
std::string addressOrder(const std::string& hostPort) {
  const auto colon = hostPort.rfind(':');
  in_addr ipv4{};
  if (inet_pton(AF_INET, hostPort.substr(0, colon).c_str(), &ipv4) != 1) return "~" + hostPort;
  char key[9];
  std::snprintf(key, sizeof key, "%08x", ntohl(ipv4.s_addr));
  return std::string(key) + hostPort.substr(colon);
}

std::vector<EndpointLine> endpointsOf(const std::vector<nlohmann::json>& slices) {
  std::vector<EndpointLine> out;
  for (const auto& slice : slices) {
    for (const auto& port : slice.value("ports", nlohmann::json::array())) {
      const int number = port.value("port", 0);
      for (const auto& endpoint : slice.value("endpoints", nlohmann::json::array())) {
        const auto conditions = endpoint.value("conditions", nlohmann::json::object());
        const std::string pod = endpoint.value("targetRef", nlohmann::json::object()).value("name", "");
        for (const auto& address : endpoint.value("addresses", nlohmann::json::array())) {
          if (!address.is_string()) continue;
          const std::string a = address.get<std::string>();
          const std::string hostPort =
              (a.find(':') != std::string::npos ? "[" + a + "]" : a) + ":" + std::to_string(number);
          out.push_back({hostPort, pod, conditions.value("ready", true), conditions.value("terminating", false)});
        }
      }
    }
  }
  std::sort(out.begin(), out.end(), [](const EndpointLine& a, const EndpointLine& b) {
    return addressOrder(a.address) < addressOrder(b.address);
  });
  return out;
}

// Circuit state per (Microservice, endpoint) across the gateway's pods; the worst state wins (open > half-open).
using CircuitStates = std::map<std::pair<render::ObjectKey, std::string>, std::string>;

CircuitStates circuitStates(const std::vector<nlohmann::json>& pods) {
  CircuitStates out;
  for (const auto& pod : pods) {
    const auto annotations =
        pod.value("metadata", nlohmann::json::object()).value("annotations", nlohmann::json::object());
    const std::string text = annotations.value(render::kAnnotationOpenCircuits, "");
    for (const auto& circuit : render::decodeOpenCircuits(text)) {
      auto& state = out[{circuit.microservice, circuit.endpoint}];
      if (state != "open") state = circuit.state;
    }
  }
  return out;
}

std::string podsSummary(const std::vector<nlohmann::json>& pods) {
  int ready = 0;
  for (const auto& pod : pods) {
    for (const auto& c : pod.value("status", nlohmann::json::object()).value("conditions", nlohmann::json::array())) {
      if (c.value("type", "") == "Ready" && c.value("status", "") == "True") ++ready;
    }
  }
  return "pods " + std::to_string(ready) + "/" + std::to_string(pods.size()) + " ready";
}

const api::Microservice* findMicroservice(const StatusSnapshot& s, const render::ObjectKey& key) {
  for (const auto& ms : s.microservices) {
    if (render::keyOf(ms) == key) return &ms;
  }
  return nullptr;
}

}  // namespace

std::string conditionSummary(const nlohmann::json& conditions, const std::vector<std::string>& types) {
  std::string out;
  for (const auto& type : types) {
    std::string text = type + "=?";
    if (conditions.is_array()) {
      for (const auto& c : conditions) {
        if (!c.is_object() || c.value("type", "") != type) continue;
        text = type + "=" + c.value("status", "?");
        if (c.value("status", "") != "True" && !c.value("reason", "").empty())
          text += " (" + c.value("reason", "") + ")";
      }
    }
    out += (out.empty() ? "" : "  ") + text;
  }
  return out;
}

std::string renderStatusTree(const StatusSnapshot& s) {
  TreeWriter w;
  if (s.gateways.empty()) return "no Gateways found\n";
  for (const auto& g : s.gateways) {
    const auto& gateway = g.gateway;
    const std::string gatewayKey = render::keyOf(gateway).str();
    w.node({}, "Gateway " + gatewayKey + "  " +
                   conditionSummary(gateway.status.value("conditions", nlohmann::json::array()),
                                    {"Accepted", "Programmed"}) +
                   "  " + podsSummary(g.pods));
    const CircuitStates circuits = circuitStates(g.pods);
    std::vector<const api::Route*> routes;
    for (const auto& route : s.routes) {
      if (targets(route, gateway)) routes.push_back(&route);
    }
    if (routes.empty()) w.node({true}, "(no Routes)");
    for (std::size_t r = 0; r < routes.size(); ++r) {
      const api::Route& route = *routes[r];
      const bool lastRoute = r + 1 == routes.size();
      const auto conditions = controllers::parentConditions(route.status, gatewayKey);
      w.node({lastRoute}, "Route " + render::keyOf(route).str() + " " + matchesText(route) + "  " +
                              conditionSummary(conditions, {"Accepted", "ResolvedRefs"}));
      const auto backends = backendsOf(route);
      for (std::size_t b = 0; b < backends.size(); ++b) {
        const bool lastBackend = b + 1 == backends.size();
        const render::ObjectKey key{route.metadata.namespace_, backends[b].service};
        const api::Microservice* ms = findMicroservice(s, key);
        std::string text = "Microservice " + key.str() + (backends[b].port.empty() ? "" : ":" + backends[b].port) +
                           " weight " + std::to_string(backends[b].weight) + "  ";
        text += ms ? conditionSummary(ms->status.value("conditions", nlohmann::json::array()), {"Ready"}) : "NOT FOUND";
        w.node({lastRoute, lastBackend}, text);
        if (!ms) continue;
        auto slices = s.endpointSlices.find(key);
        const auto endpoints =
            slices == s.endpointSlices.end() ? std::vector<EndpointLine>{} : endpointsOf(slices->second);
        if (endpoints.empty()) w.node({lastRoute, lastBackend, true}, "(no endpoints)");
        for (std::size_t e = 0; e < endpoints.size(); ++e) {
          const auto& endpoint = endpoints[e];
          auto circuit = circuits.find({key, endpoint.address});
          std::string line = endpoint.address + (endpoint.pod.empty() ? "" : " " + endpoint.pod) + "  " +
                             (endpoint.terminating ? "terminating"
                              : endpoint.ready     ? "ready"
                                                   : "not-ready") +
                             "  circuit " + (circuit == circuits.end() ? "closed" : circuit->second);
          w.node({lastRoute, lastBackend, e + 1 == endpoints.size()}, line);
        }
      }
    }
  }
  return w.str();
}

}  // namespace flotilla::cli
