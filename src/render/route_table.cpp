#include "render/route_table.h"

#include <algorithm>
#include <cctype>
#include <iterator>
#include <map>
#include <set>
#include <string_view>
#include <tuple>
#include <unordered_map>

#include "api/limits.h"
#include "render/endpoint_slots.h"
#include "render/label_selector.h"
#include "render/route_checks.h"

namespace flotilla::render {
namespace {

// (namespace, name) without copies, to look up an ObjectKey-keyed index from strings the Route already holds.
struct KeyView {
  std::string_view namespace_;
  std::string_view name;
};

// Transparent: finds an ObjectKey by a KeyView (C++20 heterogeneous lookup).
struct ObjectKeyHash {
  using is_transparent = void;
  std::size_t operator()(const KeyView& key) const {
    const std::size_t ns = std::hash<std::string_view>{}(key.namespace_);
    return ns ^ (std::hash<std::string_view>{}(key.name) + 0x9e3779b97f4a7c15ULL + (ns << 6) + (ns >> 2));
  }
  std::size_t operator()(const ObjectKey& key) const { return (*this)(KeyView{key.namespace_, key.name}); }
};
struct ObjectKeyEqual {
  using is_transparent = void;
  static KeyView view(const ObjectKey& key) { return {key.namespace_, key.name}; }
  static KeyView view(const KeyView& key) { return key; }
  template <typename A, typename B>
  bool operator()(const A& a, const B& b) const {
    return view(a).namespace_ == view(b).namespace_ && view(a).name == view(b).name;
  }
};

// Hashed: only ever looked up (several times per rule), never iterated, so order cannot reach the output.
using MicroserviceIndex = std::unordered_map<ObjectKey, const api::Microservice*, ObjectKeyHash, ObjectKeyEqual>;

constexpr std::int32_t kDefaultConnectRetries = 2;  // retries of refused connects when a rule sets no retries

std::string indexed(const std::string& path, std::size_t i) {
  return path + "[" + std::to_string(i) + "]";
}

// Routes without a creationTimestamp (e.g. read from files) count as the newest. A view, not a copy: the sorts
// below compare ages O(N log N) times.
std::string_view ageKey(const std::string& creationTimestamp) {
  static constexpr char kNewest[] = "\x7f";
  return creationTimestamp.empty() ? std::string_view(kNewest, 1) : std::string_view(creationTimestamp);
}

// (namespace, name) of an object without copying it into an ObjectKey; orders like ObjectKey.
template <typename Object>
auto identity(const Object& object) {
  return std::tie(object.metadata.namespace_, object.metadata.name);
}

bool targetsGateway(const api::Route& route, const api::Gateway& gateway) {
  const std::string& ns =
      route.spec.gatewayRef.namespace_.empty() ? route.metadata.namespace_ : route.spec.gatewayRef.namespace_;
  return route.spec.gatewayRef.name == gateway.metadata.name && ns == gateway.metadata.namespace_;
}

bool namespaceAllowed(const api::Route& route, const GatewayInputs& inputs) {
  const auto& allowed = inputs.gateway.spec.allowedRoutes;
  switch (allowed.from) {
    case api::RouteNamespacesFrom::All:
      return true;
    case api::RouteNamespacesFrom::Selector: {
      auto it = inputs.namespaceLabels.find(route.metadata.namespace_);
      return labelSelectorMatches(
          allowed.selector, it == inputs.namespaceLabels.end() ? std::map<std::string, std::string>{} : it->second);
    }
    case api::RouteNamespacesFrom::Same:
      break;
  }
  return route.metadata.namespace_ == inputs.gateway.metadata.namespace_;
}

const api::ServicePort* findPort(const api::Microservice& ms, const std::optional<api::IntOrString>& port) {
  if (ms.spec.ports.empty()) return nullptr;
  if (!port) return &ms.spec.ports.front();
  for (const auto& candidate : ms.spec.ports) {
    if (port->isInt() ? candidate.port == *port->intValue : candidate.name == port->stringValue) return &candidate;
  }
  return nullptr;
}

std::string portText(const std::optional<api::IntOrString>& port) {
  if (!port) return "(first port)";
  return port->isInt() ? std::to_string(*port->intValue) : port->stringValue;
}

std::vector<HostPattern> hostPatterns(const api::Route& route) {
  std::set<HostPattern> hosts;
  for (const auto& hostname : route.spec.hostnames) {
    if (hostname.starts_with("*.")) {
      hosts.insert({HostPattern::Kind::Wildcard, hostname.substr(1)});
    } else {
      hosts.insert({HostPattern::Kind::Exact, hostname});
    }
  }
  if (hosts.empty()) hosts.insert({HostPattern::Kind::Any, ""});
  return {hosts.begin(), hosts.end()};
}

// A rule without matches matches every path (Gateway API default).
std::vector<api::RouteMatch> effectiveMatches(const api::RouteRule& rule) {
  if (!rule.matches.empty()) return rule.matches;
  return {api::RouteMatch{}};
}

api::PathMatch normalisedPath(const std::optional<api::PathMatch>& path) {
  api::PathMatch out = path.value_or(api::PathMatch{api::PathMatchType::PathPrefix, "/"});
  if (out.type == api::PathMatchType::PathPrefix) {
    while (out.value.size() > 1 && out.value.back() == '/') out.value.pop_back();
  }
  return out;
}

std::vector<MatchEntry> entriesOf(const api::Route& route, std::size_t ruleSlot, std::size_t ruleIndex) {
  std::vector<MatchEntry> entries;
  const auto matches = effectiveMatches(route.spec.rules[ruleIndex]);
  for (const auto& host : hostPatterns(route)) {
    for (std::size_t m = 0; m < matches.size(); ++m) {
      MatchEntry entry;
      entry.rule = ruleSlot;
      entry.matchIndex = m;
      entry.host = host;
      entry.path = normalisedPath(matches[m].path);
      std::set<std::string> methods(matches[m].methods.begin(), matches[m].methods.end());
      entry.methods.assign(methods.begin(), methods.end());
      entry.headers = matches[m].headers;
      for (auto& header : entry.headers) {
        std::transform(header.name.begin(), header.name.end(), header.name.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      }
      std::sort(entry.headers.begin(), entry.headers.end(), [](const auto& a, const auto& b) {
        return std::tie(a.name, a.type, a.value) < std::tie(b.name, b.type, b.value);
      });
      entry.creationTimestamp = route.metadata.creationTimestamp;
      entry.route = keyOf(route);
      entry.ruleIndex = ruleIndex;
      entries.push_back(std::move(entry));
    }
  }
  return entries;
}

// Two entries with equal keys match exactly the same requests: that is a conflict between Routes.
std::string conflictKey(const MatchEntry& entry) {
  std::string key =
      entry.host.str() + "\n" + std::to_string(static_cast<int>(entry.path.type)) + " " + entry.path.value + "\n";
  for (const auto& method : entry.methods) key += method + " ";
  key += "\n";
  for (const auto& header : entry.headers) {
    key += header.name + " " + std::to_string(static_cast<int>(header.type)) + " " + header.value + "\n";
  }
  return key;
}

int pathRank(const api::PathMatch& path) {
  switch (path.type) {
    case api::PathMatchType::Exact:
      return 2;
    case api::PathMatchType::PathPrefix:
      return 1;
    case api::PathMatchType::RegularExpression:
      break;
  }
  return 0;
}

std::int32_t desiredReplicas(const std::optional<std::int32_t>& replicas,
                             const std::optional<api::Autoscaling>& autoscaling) {
  return std::max<std::int32_t>(1, autoscaling ? autoscaling->maxReplicas : replicas.value_or(1));
}

std::int32_t currentReplicas(const std::optional<std::int32_t>& replicas,
                             const std::optional<api::Autoscaling>& autoscaling) {
  return std::max<std::int32_t>(1, autoscaling ? autoscaling->minReplicas : replicas.value_or(1));
}

// The time one attempt may take: perTryTimeout (with retries), else backendRequest, else request, else the
// Gateway default; never more than the whole-request timeout.
api::Duration attemptTimeout(const api::RouteRule& rule, const api::Gateway& gateway) {
  const auto& t = rule.timeout;
  api::Duration attempt = gateway.spec.defaults.timeout.value_or(kBuiltInTimeout);
  if (rule.retries && rule.retries->perTryTimeout) {
    attempt = *rule.retries->perTryTimeout;
  } else if (t.backendRequest) {
    attempt = *t.backendRequest;
  } else if (t.request) {
    attempt = *t.request;
  }
  if (t.request) attempt = std::min(attempt, *t.request);
  return attempt;
}

// HAProxy has no deadline across attempts: every retry of a timed-out attempt costs a whole attempt. So under a
// whole-request timeout, timeouts are retried only as often as whole attempts fit into it (nullopt: no bound).
std::optional<std::int32_t> timeoutRetriesThatFit(const api::RouteRule& rule, api::Duration attempt) {
  if (!rule.timeout.request) return std::nullopt;
  const std::int64_t attempts =
      rule.timeout.request->toMilliseconds() / std::max<std::int64_t>(1, attempt.toMilliseconds());
  return static_cast<std::int32_t>(std::clamp<std::int64_t>(attempts - 1, 0, 1000));
}

bool retriesTimeouts(const api::RouteRule& rule) {
  if (!rule.retries) return false;
  const auto& retryOn = rule.retries->retryOn;
  return std::any_of(retryOn.begin(), retryOn.end(), [](const auto& value) { return value == "timeout"; });
}

// The status warning when timeouts are retried less often than the rule asks (see timeoutRetriesThatFit).
std::optional<std::string> timeoutRetryWarning(const api::RouteRule& rule, const api::Gateway& gateway,
                                               const std::string& rulePath) {
  if (!retriesTimeouts(rule) || rule.retries->attempts <= 0) return std::nullopt;
  const api::Duration attempt = attemptTimeout(rule, gateway);
  const auto fit = timeoutRetriesThatFit(rule, attempt);
  if (!fit || *fit >= rule.retries->attempts) return std::nullopt;
  const std::string why = " within timeout.request " + api::formatDuration(*rule.timeout.request) +
                          " (each attempt may take " + api::formatDuration(attempt) + ")";
  if (*fit == 0) return rulePath + ".retries: timeouts are not retried: no second attempt fits" + why;
  return rulePath + ".retries: timeouts are retried at most " + std::to_string(*fit) +
         " time(s): no more attempts fit" + why;
}

void limitTimeoutRetries(RenderedBackend& backend, std::int32_t fit) {
  auto timeouts = std::find(backend.retryOn.begin(), backend.retryOn.end(), "response-timeout");
  if (timeouts == backend.retryOn.end()) return;
  if (fit == 0) {
    backend.retryOn.erase(timeouts);  // other failures (refused connections, 5xx) are still retried
  } else {
    backend.retries = std::min(backend.retries, fit);
  }
}

// ---------------------------------------------------------------- per-Route analysis

struct RefProblem {
  int priority;  // lower wins the reason: RefNotPermitted, BackendNotFound, BreakerPolicyNotFound
  std::string reason;
  std::string message;
};

struct RouteAnalysis {
  const api::Route* route = nullptr;
  api::FieldErrors errors;
  bool allowed = false;
  std::vector<RefProblem> refProblems;
  std::vector<std::string> warnings;
  std::string conflict;  // non-empty: message of the Conflicted condition
};

struct Context {
  const GatewayInputs& inputs;
  const GatewayRenderOptions& options;
  MicroserviceIndex microservices;
  BreakerPolicyIndex policies;
  std::map<ObjectKey, api::FieldErrors> policyErrors;
  std::map<ObjectKey, api::FieldErrors> microserviceErrors;  // not in `microservices`: cannot be routed to

  const api::Microservice* microservice(KeyView key) const {
    auto it = microservices.find(key);
    return it == microservices.end() ? nullptr : it->second;
  }

  // The breaker settings of a backend, resolved once per (rule policy, namespace, Microservice): a rule's backends
  // are judged (analyse) and rendered (renderRule), and thousands of rules share a few policies.
  const BreakerResolution& breaker(const std::optional<api::LocalObjectRef>& ruleRef, const std::string& routeNamespace,
                                   const api::Microservice* ms) const {
    const ResolutionKey key{ruleRef.has_value(), ruleRef ? std::string_view(ruleRef->name) : std::string_view(),
                            routeNamespace, ms};
    auto it = resolutions.find(key);
    if (it == resolutions.end()) {
      it = resolutions.emplace(key, resolveBreakerPolicy(ruleRef, routeNamespace, ms, inputs.gateway, policies)).first;
    }
    return it->second;
  }

  // Views into the inputs, which outlive the Context.
  using ResolutionKey = std::tuple<bool, std::string_view, std::string_view, const api::Microservice*>;
  struct ResolutionKeyHash {
    std::size_t operator()(const ResolutionKey& key) const {
      std::size_t h = std::hash<std::string_view>{}(std::get<1>(key)) * 31 + std::get<0>(key);
      h = h * 1000003 ^ std::hash<std::string_view>{}(std::get<2>(key));
      return h * 1000003 ^ std::hash<const void*>{}(std::get<3>(key));
    }
  };
  mutable std::unordered_map<ResolutionKey, BreakerResolution, ResolutionKeyHash> resolutions;
};

std::string joined(const api::FieldErrors& errors) {
  std::string text;
  for (const auto& error : errors) text += (text.empty() ? "" : "; ") + error.toString();
  return text;
}

void addWarnings(std::vector<std::string>& into, const std::vector<std::string>& warnings) {
  for (const auto& warning : warnings) {
    if (std::find(into.begin(), into.end(), warning) == into.end()) into.push_back(warning);
  }
}

// A policy that cannot be rendered makes the Route using it InvalidSpec: nothing unsafe reaches the config.
// `pathOf` names the field that brought the policy in; it is only built when there is something to report.
template <typename PathOf>
void checkPolicyOf(const Context& ctx, const BreakerResolution& breaker, const PathOf& pathOf,
                   RouteAnalysis& analysis) {
  if (!breaker.policy) return;
  auto it = ctx.policyErrors.find(*breaker.policy);
  if (it == ctx.policyErrors.end()) return;
  const std::string path = pathOf();
  for (const auto& error : it->second) {
    api::FieldError finding{path, "BreakerPolicy " + breaker.policy->str() + ": " + error.toString()};
    if (std::find(analysis.errors.begin(), analysis.errors.end(), finding) == analysis.errors.end()) {
      analysis.errors.push_back(std::move(finding));
    }
  }
}

RouteAnalysis analyse(const Context& ctx, const api::Route& route) {
  RouteAnalysis analysis;
  analysis.route = &route;
  analysis.errors = routeSpecErrors(route);
  analysis.allowed = namespaceAllowed(route, ctx.inputs);
  const std::string& ns = route.metadata.namespace_;
  for (std::size_t r = 0; r < route.spec.rules.size(); ++r) {
    const auto& rule = route.spec.rules[r];
    const std::string rulePath = indexed("spec.rules", r);
    const api::Microservice* first = nullptr;
    for (std::size_t b = 0; b < rule.backends.size(); ++b) {
      const auto& backend = rule.backends[b];
      // Only needed for a message: built when there is one.
      const auto path = [&] { return indexed(rulePath + ".backends", b); };
      if (backend.service.find('/') != std::string::npos) {
        analysis.refProblems.push_back({0, reason::kRefNotPermitted,
                                        path() + ".service: " + backend.service +
                                            " is in another namespace; backends must be in the Route's namespace"});
        continue;
      }
      const api::Microservice* ms = ctx.microservice({ns, backend.service});
      if (!ms) {
        const auto unusable = ctx.microserviceErrors.find({ns, backend.service});
        analysis.refProblems.push_back(
            {1, reason::kBackendNotFound,
             path() + ".service: Microservice " + ns + "/" + backend.service +
                 (unusable == ctx.microserviceErrors.end() ? " not found"
                                                           : " cannot be routed to: " + joined(unusable->second))});
        continue;
      }
      if (!first) first = ms;
      if (!findPort(*ms, backend.port)) {
        analysis.refProblems.push_back(
            {1, reason::kBackendNotFound,
             path() + ".port: Microservice " + ns + "/" + backend.service + " has no port " + portText(backend.port)});
      }
      const auto& breaker = ctx.breaker(rule.breakerPolicyRef, ns, ms);
      addWarnings(analysis.warnings, breaker.warnings);
      checkPolicyOf(
          ctx, breaker, [&] { return breaker.origin == BreakerOrigin::Rule ? rulePath + ".breakerPolicyRef" : path(); },
          analysis);
    }
    const auto& fallback = ctx.breaker(rule.breakerPolicyRef, ns, first);
    addWarnings(analysis.warnings, fallback.warnings);
    if (fallback.ruleRefMissing) {
      analysis.refProblems.push_back(
          {2, reason::kBreakerPolicyNotFound,
           rulePath + ".breakerPolicyRef: BreakerPolicy " + ns + "/" + rule.breakerPolicyRef->name + " not found"});
    }
    checkPolicyOf(
        ctx, fallback, [&] { return rulePath + ".breakerPolicyRef"; }, analysis);
    if (auto warning = timeoutRetryWarning(rule, ctx.inputs.gateway, rulePath))
      addWarnings(analysis.warnings, {*warning});
    if (fallback.policy && !fallback.spec.fallback.service.empty() &&
        !ctx.microservice({fallback.policy->namespace_, fallback.spec.fallback.service})) {
      addWarnings(analysis.warnings, {"BreakerPolicy " + fallback.policy->str() + " names fallback Microservice " +
                                      fallback.policy->namespace_ + "/" + fallback.spec.fallback.service +
                                      ", which does not exist: the fallback response is used instead"});
    }
  }
  return analysis;
}

RouteVerdict verdictOf(const RouteAnalysis& analysis, const api::Gateway& gateway) {
  const api::Route& route = *analysis.route;
  RouteVerdict verdict;
  verdict.route = keyOf(route);
  verdict.generation = route.metadata.generation;
  verdict.gateway = keyOf(gateway);
  verdict.errors = analysis.errors;
  verdict.warnings = analysis.warnings;

  verdict.accepted.type = condition::kAccepted;
  if (!analysis.errors.empty()) {
    std::string message;
    for (const auto& error : analysis.errors) message += (message.empty() ? "" : "; ") + error.toString();
    verdict.accepted.reason = reason::kInvalidSpec;
    verdict.accepted.message = message;
  } else if (!analysis.allowed) {
    verdict.accepted.reason = reason::kNotAllowedByListeners;
    verdict.accepted.message = "spec.gatewayRef: Gateway " + verdict.gateway.str() +
                               " does not allow Routes from namespace " + route.metadata.namespace_ +
                               " (spec.allowedRoutes of the Gateway)";
  } else if (!analysis.conflict.empty()) {
    verdict.accepted.reason = reason::kConflicted;
    verdict.accepted.message = analysis.conflict;
  } else {
    verdict.accepted.status = true;
    verdict.accepted.reason = reason::kAccepted;
    verdict.accepted.message = "Route is accepted by Gateway " + verdict.gateway.str();
  }

  verdict.resolvedRefs.type = condition::kResolvedRefs;
  if (analysis.refProblems.empty()) {
    verdict.resolvedRefs.status = true;
    verdict.resolvedRefs.reason = reason::kResolvedRefs;
    verdict.resolvedRefs.message = "All references resolved";
    for (const auto& warning : analysis.warnings) verdict.resolvedRefs.message += "; warning: " + warning;
  } else {
    const auto top = std::min_element(analysis.refProblems.begin(), analysis.refProblems.end(),
                                      [](const auto& a, const auto& b) { return a.priority < b.priority; });
    verdict.resolvedRefs.reason = top->reason;
    for (const auto& problem : analysis.refProblems) {
      verdict.resolvedRefs.message += (verdict.resolvedRefs.message.empty() ? "" : "; ") + problem.message;
    }
  }
  verdict.rendered = verdict.accepted.status && verdict.resolvedRefs.status;
  return verdict;
}

// The older Route keeps every (hostname, match) it claims; a newer Route claiming one of them is left out whole.
void detectConflicts(std::vector<RouteAnalysis>& analyses) {
  std::vector<RouteAnalysis*> candidates;
  for (auto& analysis : analyses) {
    if (analysis.errors.empty() && analysis.allowed && analysis.refProblems.empty()) candidates.push_back(&analysis);
  }
  std::sort(candidates.begin(), candidates.end(), [](const RouteAnalysis* a, const RouteAnalysis* b) {
    return std::tuple_cat(std::make_tuple(ageKey(a->route->metadata.creationTimestamp)), identity(*a->route)) <
           std::tuple_cat(std::make_tuple(ageKey(b->route->metadata.creationTimestamp)), identity(*b->route));
  });
  std::unordered_map<std::string, ObjectKey> claimed;  // looked up only: order cannot reach the output
  for (RouteAnalysis* analysis : candidates) {
    const api::Route& route = *analysis->route;
    std::vector<std::string> keys;
    for (std::size_t r = 0; r < route.spec.rules.size() && analysis->conflict.empty(); ++r) {
      for (const auto& entry : entriesOf(route, 0, r)) {
        const std::string key = conflictKey(entry);
        auto owner = claimed.find(key);
        if (owner != claimed.end() && owner->second != keyOf(route)) {
          analysis->conflict = "hostname " + entry.host.str() + " with the match of " + indexed("spec.rules", r) +
                               indexed(".matches", entry.matchIndex) + " is already routed by the older Route " +
                               owner->second.str();
          break;
        }
        keys.push_back(key);
      }
    }
    if (analysis->conflict.empty()) {
      for (const auto& key : keys) claimed.emplace(key, keyOf(route));
    }
  }
}

// ---------------------------------------------------------------- rendered rules

RenderedBackend renderBackend(const Context& ctx, const std::string& name, const api::Microservice& ms,
                              const api::ServicePort& port, std::int32_t weight, BreakerResolution breaker,
                              const std::optional<api::RetryPolicy>& retryPolicy) {
  RenderedBackend backend;
  backend.name = name;
  backend.microservice = keyOf(ms);
  backend.port = port;
  backend.weight = weight;
  // Retries are capped by the policy's budget; connect failures are always retried (the request was never sent).
  backend.retryOn = {"conn-failure"};
  const std::int32_t wanted = retryPolicy ? retryPolicy->attempts : kDefaultConnectRetries;
  backend.retries = std::min(wanted, breaker.spec.maxRetries);
  if (retryPolicy) {
    for (const auto& value : retryPolicy->retryOn) {
      for (const auto& keyword : retryOnKeywords(value).value_or(std::vector<std::string>{})) {
        if (std::find(backend.retryOn.begin(), backend.retryOn.end(), keyword) == backend.retryOn.end()) {
          backend.retryOn.push_back(keyword);
        }
      }
    }
  }
  backend.breaker = std::move(breaker);
  backend.currentReplicas = currentReplicas(ms.spec.replicas, ms.spec.autoscaling);
  const std::int32_t targetPort = port.targetPort.value_or(port.port);
  auto endpoints = ctx.inputs.endpoints.find(backend.microservice);
  if (endpoints != ctx.inputs.endpoints.end()) {
    backend.endpoints = usableEndpoints(endpoints->second, port.name, targetPort);
  }
  backend.slots = std::max<std::int32_t>(slotCountFor(ms, ctx.inputs, ctx.options),
                                         static_cast<std::int32_t>(backend.endpoints.size()));
  return backend;
}

RenderedRule renderRule(const Context& ctx, const api::Route& route, std::size_t r) {
  const auto& rule = route.spec.rules[r];
  const std::string& ns = route.metadata.namespace_;
  RenderedRule out;
  out.route = keyOf(route);
  out.ruleIndex = r;
  out.routeKey = ns + "/" + route.metadata.name + "/" + std::to_string(r);
  out.id = ns + "_" + route.metadata.name + "_r" + std::to_string(r);
  out.creationTimestamp = route.metadata.creationTimestamp;
  out.rule = rule;

  // How many weighted backends name a service (a rule has a handful: counted by scanning, no map).
  const auto serviceUses = [&rule](const std::string& service) {
    return std::count_if(rule.backends.begin(), rule.backends.end(),
                         [&](const api::BackendRef& b) { return b.weight > 0 && b.service == service; });
  };
  const api::Microservice* first = nullptr;
  for (std::size_t b = 0; b < rule.backends.size(); ++b) {
    const auto& ref = rule.backends[b];
    if (ref.weight <= 0) continue;
    const api::Microservice* ms = ctx.microservice({ns, ref.service});
    if (!first) first = ms;
    std::string name = "be_" + out.id + "_" + ref.service;
    if (serviceUses(ref.service) > 1) name += "_b" + std::to_string(b);
    out.backends.push_back(renderBackend(ctx, name, *ms, *findPort(*ms, ref.port), ref.weight,
                                         ctx.breaker(rule.breakerPolicyRef, ns, ms), rule.retries));
  }
  out.fallbackPolicy = ctx.breaker(rule.breakerPolicyRef, ns, first);
  const auto& fallbackService = out.fallbackPolicy.spec.fallback.service;
  if (out.fallbackPolicy.policy && !fallbackService.empty()) {
    const api::Microservice* ms = ctx.microservice({out.fallbackPolicy.policy->namespace_, fallbackService});
    if (ms && !ms->spec.ports.empty()) {
      out.fallbackBackend = renderBackend(ctx, "be_" + out.id + "_fallback_" + fallbackService, *ms,
                                          ms->spec.ports.front(), 0, out.fallbackPolicy, std::nullopt);
    }
  }

  const api::Duration attempt = attemptTimeout(rule, ctx.inputs.gateway);
  if (const auto fit = timeoutRetriesThatFit(rule, attempt)) {
    for (auto& backend : out.backends) limitTimeoutRetries(backend, *fit);
  }
  out.serverTimeout = attempt;
  out.queueTimeout = rule.timeout.request.value_or(attempt);
  const auto& gw = ctx.inputs.gateway.spec;
  out.gatewayReplicas = currentReplicas(gw.replicas, gw.autoscaling);
  return out;
}

}  // namespace

std::string HostPattern::str() const {
  switch (kind) {
    case Kind::Exact:
      return value;
    case Kind::Wildcard:
      return "*" + value;
    case Kind::Any:
      break;
  }
  return "*";
}

bool precedes(const MatchEntry& a, const MatchEntry& b) {
  if (a.host.kind != b.host.kind) return a.host.kind > b.host.kind;
  if (a.host.value.size() != b.host.value.size()) return a.host.value.size() > b.host.value.size();
  if (pathRank(a.path) != pathRank(b.path)) return pathRank(a.path) > pathRank(b.path);
  if (a.path.type == api::PathMatchType::PathPrefix && a.path.value.size() != b.path.value.size()) {
    return a.path.value.size() > b.path.value.size();
  }
  if (a.headers.size() != b.headers.size()) return a.headers.size() > b.headers.size();
  if (a.methods.empty() != b.methods.empty()) return !a.methods.empty();
  const std::string_view ageA = ageKey(a.creationTimestamp), ageB = ageKey(b.creationTimestamp);
  if (ageA != ageB) return ageA < ageB;
  return std::tie(a.route, a.ruleIndex, a.matchIndex, a.host.value, a.path.value) <
         std::tie(b.route, b.ruleIndex, b.matchIndex, b.host.value, b.path.value);
}

std::int32_t slotCountFor(const api::Microservice& microservice, const GatewayInputs& inputs,
                          const GatewayRenderOptions& options) {
  if (auto it = inputs.slotCounts.empty() ? inputs.slotCounts.end() : inputs.slotCounts.find(keyOf(microservice));
      it != inputs.slotCounts.end() && it->second > 0) {
    return it->second;
  }
  // Room for a rolling update's default 25 % surge on top of the most pods the Microservice may run. Capped at the
  // validation limit: an unvalidated replica count must neither overflow nor write millions of server lines.
  const std::int32_t desired = std::min(desiredReplicas(microservice.spec.replicas, microservice.spec.autoscaling),
                                        api::limits::kMaxAutoscalingReplicas);
  return std::max(options.minSlots, desired + (desired + 3) / 4);
}

RouteTable buildRouteTable(const GatewayInputs& inputs, const GatewayRenderOptions& options) {
  Context ctx{inputs, options, {}, indexBreakerPolicies(inputs.breakerPolicies), {}, {}, {}};
  for (const auto& ms : inputs.microservices) {
    auto errors = checkMicroserviceRenderable(ms);
    if (errors.empty()) {
      ctx.microservices.emplace(keyOf(ms), &ms);
    } else {
      ctx.microserviceErrors.emplace(keyOf(ms), std::move(errors));
    }
  }
  for (const auto& policy : inputs.breakerPolicies) {
    auto errors = breakerPolicySpecErrors(policy);
    if (!errors.empty()) ctx.policyErrors.emplace(keyOf(policy), std::move(errors));
  }

  RouteTable table;
  const auto& defaults = inputs.gateway.spec.defaults;
  if (defaults.breakerPolicyRef &&
      !ctx.policies.contains({inputs.gateway.metadata.namespace_, defaults.breakerPolicyRef->name})) {
    table.gatewayErrors.push_back({"spec.defaults.breakerPolicyRef",
                                   "BreakerPolicy " + inputs.gateway.metadata.namespace_ + "/" +
                                       defaults.breakerPolicyRef->name + " not found; built-in defaults are used"});
  }

  std::vector<const api::Route*> routes;
  for (const auto& route : inputs.routes) {
    if (!route.metadata.deleting && targetsGateway(route, inputs.gateway)) routes.push_back(&route);
  }
  std::sort(routes.begin(), routes.end(),
            [](const api::Route* a, const api::Route* b) { return identity(*a) < identity(*b); });
  routes.erase(std::unique(routes.begin(), routes.end(),
                           [](const api::Route* a, const api::Route* b) { return identity(*a) == identity(*b); }),
               routes.end());

  std::vector<RouteAnalysis> analyses;
  for (const api::Route* route : routes) analyses.push_back(analyse(ctx, *route));
  detectConflicts(analyses);

  // Reserved up front: a RenderedRule is large, and growing the vector would copy every rule rendered so far.
  std::size_t ruleCount = 0;
  for (const api::Route* route : routes) ruleCount += route->spec.rules.size();
  table.rules.reserve(ruleCount);
  table.verdicts.reserve(analyses.size());
  for (const auto& analysis : analyses) {
    table.verdicts.push_back(verdictOf(analysis, inputs.gateway));
    if (!table.verdicts.back().rendered) continue;
    const api::Route& route = *analysis.route;
    for (std::size_t r = 0; r < route.spec.rules.size(); ++r) {
      table.rules.push_back(renderRule(ctx, route, r));
      auto entries = entriesOf(route, table.rules.size() - 1, r);
      table.entries.insert(table.entries.end(), std::make_move_iterator(entries.begin()),
                           std::make_move_iterator(entries.end()));
    }
  }
  std::sort(table.entries.begin(), table.entries.end(), precedes);
  return table;
}

}  // namespace flotilla::render
