#pragma once
// RouteTable + listeners -> haproxy.cfg for HAProxy 2.6 (forms verified in shared/notes/haproxy-gateway.md).
//
// Layout, always in this order: global, defaults, frontend stats, frontend gateway, then for each rendered rule
// (sorted by Route namespace/name and rule index) its backends, then its rate-limit table.
//  - The frontend decides the route once: `set-var(txn.route)` lines in precedence order, each guarded by
//    `!routed`, so the first match wins and nothing later (rewrites included) can change the decision.
//  - One backend per (rule, backend service): each carries that rule's timeouts, retries, rewrite and header
//    modifiers and the breaker settings of its BreakerPolicy, with its own server slots.
//  - Weighted split: one `rand(total weight)` draw per request picks a backend; when the pick has no usable server
//    another backend of the rule takes over, and when none has one the policy's fallback (service or response)
//    answers at once.
// Every CR string is whitelisted (route_checks.h) and single-quoted; log-format arguments double '%'.

#include <string>
#include <vector>

#include "api/types.h"
#include "render/endpoint_slots.h"
#include "render/gateway_inputs.h"
#include "render/listeners.h"
#include "render/route_table.h"

namespace flotilla::render {

struct HaproxyConfig {
  std::string text;
  std::string hash;                    // "sha256:<hex of text>"
  std::vector<BackendSlots> backends;  // every backend with server slots, in config order
};

HaproxyConfig renderHaproxyConfig(const api::Gateway& gateway, const RouteTable& table, const ListenerPlan& listeners,
                                  const GatewayRenderOptions& options);

// The HAProxy default-server options (except maxconn) for a breaker policy:
// "check inter <probeInterval> fastinter <probeInterval> downinter <probeInterval> rise <successesToClose> fall 3
//  observe layer7 error-limit <consecutiveFailures> on-error mark-down [max-reuse N]".
std::string serverOptionsFor(const api::BreakerPolicySpec& spec);

}  // namespace flotilla::render
