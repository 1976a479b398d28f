#pragma once
// Render-safety checks: every CR string that can reach haproxy.cfg is whitelisted by field (api/names.h), regexes
// must compile in PCRE2 (HAProxy's engine) on their own, and shapes HAProxy cannot express are rejected. A Route or
// BreakerPolicy that fails gets InvalidSpec with these field errors and is left out; nothing unsafe is ever written.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/field_error.h"
#include "api/types.h"

namespace flotilla::render {

api::FieldErrors checkRouteRenderable(const api::Route& route);
api::FieldErrors checkBreakerPolicyRenderable(const api::BreakerPolicySpec& spec);
// A Microservice's port names end up in haproxy.cfg comments and backends.json. The renderer reads Microservices
// decoded but not validated, so a backend whose ports fail this is not routed to (BackendNotFound).
api::FieldErrors checkMicroserviceRenderable(const api::Microservice& microservice);

// What makes a Route/BreakerPolicy InvalidSpec for the renderer: api validation (validate.h) plus the
// render-safety checks above; a render finding on a path validation already reported is not repeated.
api::FieldErrors routeSpecErrors(const api::Route& route);
api::FieldErrors breakerPolicySpecErrors(const api::BreakerPolicy& policy);

// Route retryOn value -> HAProxy retry-on keywords: connect-failure -> conn-failure, 5xx -> 500 502 503 504,
// reset -> empty-response, timeout -> response-timeout, and the status codes HAProxy 2.6 can retry on
// (401 403 404 408 425 500 501 502 503 504). nullopt for anything else.
std::optional<std::vector<std::string>> retryOnKeywords(std::string_view value);

// BreakerPolicy failureOn values the renderer knows: 5xx, connect-failure, timeout, reset.
bool isKnownFailureKind(std::string_view value);

// The longest body a fallback/refusal response may have (after JSON encoding).
inline constexpr std::size_t kMaxResponseBodyLength = 4096;

}  // namespace flotilla::render
