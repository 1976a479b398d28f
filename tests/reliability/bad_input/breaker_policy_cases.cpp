// Invalid BreakerPolicies. A Route using one is refused by the renderer with the policy's field path (its fallback
// body and health-check path would reach haproxy.cfg).
#include "bad_input_case.h"

namespace flotilla::reliability {

using nlohmann::json;

namespace {

constexpr unsigned kBoth = kSchema | kSemantic;
constexpr unsigned kEverywhere = kSchema | kSemantic | kRender;
constexpr const char* kInvalid = "InvalidSpec";

json spec(const json& patch) {
  return {{"spec", patch}};
}

}  // namespace

std::vector<BadInput> breakerPolicyCases() {
  const std::string k = "BreakerPolicy";
  return {
      {"consecutive_failures_zero", k, spec({{"consecutiveFailures", 0}}), kEverywhere, "spec.consecutiveFailures",
       "1..1000", kInvalid},
      {"consecutive_failures_too_high", k, spec({{"consecutiveFailures", 1001}}), kEverywhere,
       "spec.consecutiveFailures", "1..1000", kInvalid},
      {"consecutive_failures_wrong_type", k, spec({{"consecutiveFailures", "five"}}), kBoth, "spec.consecutiveFailures",
       "integer"},
      {"open_duration_unparsable", k, spec({{"openDuration", "forever"}}), kBoth, "spec.openDuration", ""},
      {"open_duration_zero", k, spec({{"openDuration", "0s"}}), kSemantic | kRender, "spec.openDuration", "", kInvalid},
      {"open_duration_two_days", k, spec({{"openDuration", "48h"}}), kSemantic | kRender, "spec.openDuration", "",
       kInvalid},
      {"probe_interval_too_short", k, spec({{"halfOpen", {{"probeInterval", "10ms"}}}}), kSemantic | kRender,
       "spec.halfOpen.probeInterval", "", kInvalid},
      {"successes_to_close_zero", k, spec({{"halfOpen", {{"successesToClose", 0}}}}), kEverywhere,
       "spec.halfOpen.successesToClose", "", kInvalid},
      {"failure_on_unknown", k, spec({{"failureOn", {"4xx"}}}), kEverywhere, "spec.failureOn[0]", "unsupported value",
       kInvalid},
      // The CRD schema has no minItems on failureOn: only the operator refuses this one.
      {"failure_on_empty", k, spec({{"failureOn", json::array()}}), kSemantic | kRender, "spec.failureOn", "at least 1",
       kInvalid},
      {"failure_on_duplicate", k, spec({{"failureOn", {"5xx", "5xx"}}}), kEverywhere, "spec.failureOn[1]",
       "duplicate value", kInvalid},
      {"max_connections_negative", k, spec({{"maxConnections", -1}}), kEverywhere, "spec.maxConnections", "", kInvalid},
      {"max_pending_negative", k, spec({{"maxPendingRequests", -5}}), kEverywhere, "spec.maxPendingRequests", "",
       kInvalid},
      {"max_retries_negative", k, spec({{"maxRetries", -1}}), kEverywhere, "spec.maxRetries", "", kInvalid},
      {"fallback_status_700", k, spec({{"fallback", {{"status", 700}}}}), kEverywhere, "spec.fallback.status",
       "200..599", kInvalid},
      {"fallback_body_closes_its_quote", k, spec({{"fallback", {{"body", "down' if TRUE '"}}}}), kEverywhere,
       "spec.fallback.body", "without quotes", kInvalid},
      {"fallback_body_with_newline", k, spec({{"fallback", {{"body", "down\n    server evil 192.0.2.1:80"}}}}),
       kEverywhere, "spec.fallback.body", "", kInvalid},
      {"fallback_body_oversize", k, spec({{"fallback", {{"body", repeated("x", 2000)}}}}), kEverywhere,
       "spec.fallback.body", "at most 1024", kInvalid},
      {"fallback_service_invalid", k, spec({{"fallback", {{"service", "Bad"}}}}), kEverywhere, "spec.fallback.service",
       "DNS-1035", kInvalid},
      {"health_check_path_relative", k, spec({{"healthCheck", {{"path", "healthz"}}}}), kEverywhere,
       "spec.healthCheck.path", "", kInvalid},
      {"health_check_path_sample_fetch", k, spec({{"healthCheck", {{"path", "/h%[env(X)]"}}}}), kEverywhere,
       "spec.healthCheck.path", "", kInvalid},
      {"unknown_field", k, spec({{"colour", "red"}}), kBoth, "spec.colour", "unknown field"},
  };
}

}  // namespace flotilla::reliability
