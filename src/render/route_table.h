#pragma once
// The resolved routing table of one Gateway: every Route's verdict, the rules that are rendered (with backends,
// breaker settings, timeouts and retries worked out), and every (hostname, match) entry in precedence order.
// Both the verdicts and haproxy.cfg come from this one table, so status never disagrees with the config.
//
// Precedence (first entry wins), each step breaking ties of the one before:
//   1. hostname: exact > wildcard (longer suffix first) > Route without hostnames
//   2. path: Exact > PathPrefix (longer prefix first) > RegularExpression
//   3. more header matches first
//   4. a match restricted to methods before one that is not
//   5. the older Route (creationTimestamp; a Route without one counts as newest)
//   6. Route namespace/name, then rule index, match index and hostname
// Hostname first is how Gateway API implementations and virtual hosts behave: a host-specific Route is never
// shadowed by a catch-all one. Steps 2-6 are DESIGN.md §1.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "api/field_error.h"
#include "api/types.h"
#include "render/breaker_resolution.h"
#include "render/gateway_inputs.h"
#include "render/route_verdict.h"

namespace flotilla::render {

// A backend attempt's timeout when neither the rule nor the Gateway's defaults.timeout sets one.
inline constexpr api::Duration kBuiltInTimeout = api::Duration::seconds(30);

struct HostPattern {
  enum class Kind { Any, Wildcard, Exact };  // ascending specificity
  Kind kind = Kind::Any;
  std::string value;        // Exact: "shop.example.com"; Wildcard: ".example.com" (the suffix); Any: ""
  std::string str() const;  // "shop.example.com", "*.example.com" or "*"
  auto operator<=>(const HostPattern&) const = default;
};

// One server group of a rule: a Microservice port, with its own breaker, retries and server slots.
struct RenderedBackend {
  std::string name;  // be_<namespace>_<route>_r<rule>_<service>[_b<index>] (or ..._fallback_<service>)
  ObjectKey microservice;
  api::ServicePort port;
  std::int32_t weight = 0;
  BreakerResolution breaker;
  std::int32_t retries = 0;
  std::vector<std::string> retryOn;  // HAProxy keywords, always starting with conn-failure
  std::int32_t slots = 0;            // servers in the backend (>= endpoints.size())
  std::int32_t currentReplicas = 1;  // divides service-wide limits when no endpoint is known
  std::vector<Endpoint> endpoints;   // ready, not terminating, on this port; sorted
};

struct RenderedRule {
  ObjectKey route;
  std::size_t ruleIndex = 0;
  std::string routeKey;  // "shop/users/0": the value of txn.route and the route in access logs
  std::string id;        // "shop_users_r0": ACL and section names
  std::string creationTimestamp;
  api::RouteRule rule;                             // as written
  std::vector<RenderedBackend> backends;           // weight > 0, in spec order
  std::optional<RenderedBackend> fallbackBackend;  // the breaker policy's fallback.service
  BreakerResolution fallbackPolicy;                // decides fallback status/body
  api::Duration serverTimeout;                     // one attempt
  api::Duration queueTimeout;                      // waiting for a free server slot
  std::int32_t gatewayReplicas = 1;                // divides the rate limit (stick tables are per HAProxy process)
};

struct MatchEntry {
  std::size_t rule = 0;  // index into RouteTable::rules
  std::size_t matchIndex = 0;
  HostPattern host;
  api::PathMatch path;                    // normalised: a PathPrefix has no trailing '/' (except "/")
  std::vector<std::string> methods;       // sorted
  std::vector<api::HeaderMatch> headers;  // names lower-cased, sorted
  // Copied from the rule for ordering.
  std::string creationTimestamp;
  ObjectKey route;
  std::size_t ruleIndex = 0;
};

struct RouteTable {
  std::vector<RouteVerdict> verdicts;  // one per Route naming the Gateway, sorted by namespace/name
  std::vector<RenderedRule> rules;     // rendered rules, sorted by Route namespace/name and rule index
  std::vector<MatchEntry> entries;     // precedence order: the first entry that matches a request wins
  api::FieldErrors gatewayErrors;      // problems of the Gateway itself (e.g. a missing default policy)
};

RouteTable buildRouteTable(const GatewayInputs& inputs, const GatewayRenderOptions& options);

// True when entry a must be tried before entry b (the order documented above).
bool precedes(const MatchEntry& a, const MatchEntry& b);

// The server slots a backend of this Microservice gets (see GatewayInputs::slotCounts).
std::int32_t slotCountFor(const api::Microservice& microservice, const GatewayInputs& inputs,
                          const GatewayRenderOptions& options);

}  // namespace flotilla::render
