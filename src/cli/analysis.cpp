#include "cli/analysis.h"

#include <algorithm>
#include <set>
#include <tuple>
#include <type_traits>
#include <variant>

#include "render/route_table.h"

namespace flotilla::cli {
namespace {

using render::ObjectKey;

std::string indexed(const std::string& path, std::size_t i) {
  return path + "[" + std::to_string(i) + "]";
}

std::string namespaceOr(const std::string& ns, const std::string& fallback) {
  return ns.empty() ? fallback : ns;
}

// ---------------------------------------------------------------- FLT002 helpers
// Whether entry `a` matches every request entry `b` matches. Only called for a ahead of b in the route table's
// precedence order (render/route_table.h), so what the data plane does is what this reasons about: HAProxy tries the
// entries in that order and the first that matches wins.

bool pathCovers(const api::PathMatch& a, const api::PathMatch& b) {
  using T = api::PathMatchType;
  if (a.type == T::PathPrefix) {
    if (a.value == "/") return true;  // every path
    // Which paths a regular expression matches is not decidable here: never claim a regex is covered.
    if (b.type == T::RegularExpression) return false;
    // Segment-aware, as the rendered ACLs are: "/api" covers "/api" and "/api/...", not "/apix".
    return b.value == a.value || b.value.starts_with(a.value + "/");
  }
  // An Exact path covers the same Exact path; a regex covers only the very same regex.
  return a.type == b.type && a.value == b.value;
}

bool headersCover(const std::vector<api::HeaderMatch>& a, const std::vector<api::HeaderMatch>& b) {
  // Every header condition of a is also a condition of b (header names are already lower-cased by the table).
  return std::all_of(a.begin(), a.end(), [&](const api::HeaderMatch& h) {
    return std::any_of(b.begin(), b.end(), [&](const api::HeaderMatch& other) {
      return std::tie(h.name, h.type, h.value) == std::tie(other.name, other.type, other.value);
    });
  });
}

bool methodsCover(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  if (a.empty()) return true;                                    // any method
  if (b.empty()) return false;                                   // b takes methods a does not
  return std::includes(a.begin(), a.end(), b.begin(), b.end());  // both sorted by the table
}

bool covers(const render::MatchEntry& a, const render::MatchEntry& b) {
  // A host pattern only ever precedes a less specific one, which it cannot cover: only the same host can shadow.
  return a.host == b.host && pathCovers(a.path, b.path) && headersCover(a.headers, b.headers) &&
         methodsCover(a.methods, b.methods);
}

std::string describeMatch(const render::MatchEntry& e) {
  return indexed(indexed("spec.rules", e.ruleIndex) + ".matches", e.matchIndex);
}

}  // namespace

std::string severityName(Severity severity) {
  switch (severity) {
    case Severity::Info:
      return "info";
    case Severity::Warning:
      return "warning";
    case Severity::Error:
      break;
  }
  return "error";
}

std::string Finding::str() const {
  return code + " " + kind + " " + object.str() + ": " + message;
}

std::vector<Finding> unusedBreakerPolicies(const AnalysisInputs& in) {
  // The three places a policy can be named (render/breaker_resolution.h): a Route rule and a Microservice name it in
  // their own namespace, a Gateway's defaults in the Gateway's namespace.
  std::set<ObjectKey> used;
  for (const auto& ms : in.microservices) {
    if (ms.spec.breakerPolicyRef) used.insert({ms.metadata.namespace_, ms.spec.breakerPolicyRef->name});
  }
  for (const auto& route : in.routes) {
    for (const auto& rule : route.spec.rules) {
      if (rule.breakerPolicyRef) used.insert({route.metadata.namespace_, rule.breakerPolicyRef->name});
    }
  }
  for (const auto& gateway : in.gateways) {
    if (const auto& ref = gateway.spec.defaults.breakerPolicyRef) used.insert({gateway.metadata.namespace_, ref->name});
  }
  std::vector<Finding> out;
  for (const auto& policy : in.policies) {
    if (used.contains(render::keyOf(policy))) continue;
    out.push_back({finding_code::kUnusedBreakerPolicy, Severity::Warning, "BreakerPolicy", render::keyOf(policy),
                   "no Microservice, Route rule or Gateway default names this policy, so it governs nothing"});
  }
  return out;
}

std::vector<Finding> shadowedRoutes(const AnalysisInputs& in) {
  std::vector<Finding> out;
  for (const auto& gateway : in.gateways) {
    const render::GatewayInputs inputs{gateway, in.routes, in.policies, in.microservices, {}, {}, {}};
    // The very table haproxy.cfg is written from: only rendered Routes, entries in precedence order.
    const auto table = render::buildRouteTable(inputs, render::GatewayRenderOptions{});
    const auto& entries = table.entries;
    for (std::size_t b = 1; b < entries.size(); ++b) {
      for (std::size_t a = 0; a < b; ++a) {
        // Two matches of one rule overlapping is redundancy, not shadowing: the same backends answer.
        if (entries[a].rule == entries[b].rule || !covers(entries[a], entries[b])) continue;
        out.push_back({finding_code::kShadowedRoute, Severity::Warning, "Route", entries[b].route,
                       describeMatch(entries[b]) + " (host " + entries[b].host.str() + ") on Gateway " +
                           render::keyOf(gateway).str() + " is never reached: Route " + entries[a].route.str() + " " +
                           describeMatch(entries[a]) + " takes precedence and matches every request it would match"});
        break;
      }
    }
  }
  return out;
}

std::vector<Finding> microservicesWithoutRoute(const AnalysisInputs& in) {
  // Reached through a gateway: a backend of some Route rule, or the fallback service of a BreakerPolicy.
  std::set<ObjectKey> routed;
  for (const auto& route : in.routes) {
    for (const auto& rule : route.spec.rules) {
      for (const auto& backend : rule.backends) routed.insert({route.metadata.namespace_, backend.service});
    }
  }
  for (const auto& policy : in.policies) {
    if (!policy.spec.fallback.service.empty()) {
      routed.insert({policy.metadata.namespace_, policy.spec.fallback.service});
    }
  }
  std::vector<Finding> out;
  for (const auto& ms : in.microservices) {
    if (routed.contains(render::keyOf(ms))) continue;
    // Info, not warning: a service called only from inside the cluster needs no Route.
    out.push_back({finding_code::kMicroserviceWithoutRoute, Severity::Info, "Microservice", render::keyOf(ms),
                   "no Route sends traffic to it, so no Gateway reaches it (fine for a service only called "
                   "inside the cluster)"});
  }
  return out;
}

std::vector<Finding> maxReplicasBelowCurrent(const AnalysisInputs& in) {
  std::vector<Finding> out;
  for (const auto& ms : in.microservices) {
    if (!ms.spec.autoscaling) continue;
    const auto current = in.currentReplicas.find(render::keyOf(ms));
    if (current == in.currentReplicas.end()) continue;  // offline, or no Deployment yet
    const std::int32_t max = ms.spec.autoscaling->maxReplicas;
    if (current->second <= max) continue;
    out.push_back(
        {finding_code::kMaxReplicasBelowCurrent, Severity::Warning, "Microservice", render::keyOf(ms),
         "spec.autoscaling.maxReplicas " + std::to_string(max) + " is below the " + std::to_string(current->second) +
             " replicas the Deployment runs now: the autoscaler will scale it down to " + std::to_string(max)});
  }
  return out;
}

std::vector<Finding> routeBackendsNotFound(const AnalysisInputs& in) {
  std::set<ObjectKey> microservices;
  for (const auto& ms : in.microservices) microservices.insert(render::keyOf(ms));
  std::vector<Finding> out;
  for (const auto& route : in.routes) {
    const std::string& ns = route.metadata.namespace_;
    for (std::size_t r = 0; r < route.spec.rules.size(); ++r) {
      const auto& backends = route.spec.rules[r].backends;
      for (std::size_t b = 0; b < backends.size(); ++b) {
        // "other-ns/name" is refused by validation (RefNotPermitted); only a missing local Microservice is ours.
        if (backends[b].service.find('/') != std::string::npos) continue;
        if (microservices.contains({ns, backends[b].service})) continue;
        out.push_back({finding_code::kRouteBackendNotFound, Severity::Error, "Route", render::keyOf(route),
                       indexed(indexed("spec.rules", r) + ".backends", b) + ".service: Microservice " + ns + "/" +
                           backends[b].service + " does not exist"});
      }
    }
  }
  return out;
}

std::vector<Finding> routeGatewaysNotFound(const AnalysisInputs& in) {
  std::set<ObjectKey> gateways;
  for (const auto& gateway : in.gateways) gateways.insert(render::keyOf(gateway));
  std::vector<Finding> out;
  for (const auto& route : in.routes) {
    const auto& ref = route.spec.gatewayRef;
    const ObjectKey gateway{namespaceOr(ref.namespace_, route.metadata.namespace_), ref.name};
    if (gateways.contains(gateway)) continue;
    out.push_back({finding_code::kRouteGatewayNotFound, Severity::Warning, "Route", render::keyOf(route),
                   "spec.gatewayRef: Gateway " + gateway.str() + " does not exist, so this Route is not served"});
  }
  return out;
}

void AnalysisInputs::add(const api::AnyResource& resource) {
  std::visit(
      [this](const auto& r) {
        using T = std::decay_t<decltype(r)>;
        if constexpr (std::is_same_v<T, api::Microservice>) microservices.push_back(r);
        if constexpr (std::is_same_v<T, api::Route>) routes.push_back(r);
        if constexpr (std::is_same_v<T, api::BreakerPolicy>) policies.push_back(r);
        if constexpr (std::is_same_v<T, api::Gateway>) gateways.push_back(r);
      },
      resource);
}

std::vector<Finding> analyze(const AnalysisInputs& in) {
  std::vector<Finding> out;
  for (auto check : {unusedBreakerPolicies, shadowedRoutes, microservicesWithoutRoute, maxReplicasBelowCurrent,
                     routeBackendsNotFound, routeGatewaysNotFound}) {
    auto found = check(in);
    out.insert(out.end(), found.begin(), found.end());
  }
  std::sort(out.begin(), out.end(), [](const Finding& a, const Finding& b) {
    return std::tie(a.code, a.kind, a.object, a.message) < std::tie(b.code, b.kind, b.object, b.message);
  });
  return out;
}

bool hasErrors(const std::vector<Finding>& findings) {
  return std::any_of(findings.begin(), findings.end(), [](const Finding& f) { return f.severity == Severity::Error; });
}

}  // namespace flotilla::cli
