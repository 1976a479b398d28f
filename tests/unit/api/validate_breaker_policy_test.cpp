#include <gtest/gtest.h>

#include "api/validate.h"
#include "validation_case.h"

namespace flotilla::api::testing {
namespace {

using nlohmann::json;

const json& base() {
  static const json object = R"({
    "apiVersion": "flotilla.io/v1alpha1", "kind": "BreakerPolicy",
    "metadata": {"name": "default-breaker", "namespace": "shop"},
    "spec": {
      "consecutiveFailures": 5, "openDuration": "60s",
      "halfOpen": {"probeInterval": "5s", "successesToClose": 2},
      "failureOn": ["5xx", "connect-failure", "timeout"],
      "maxConnections": 1024, "maxPendingRequests": 1024, "maxRequestsPerConnection": 0, "maxRetries": 3,
      "scaleLimitsWithReplicas": true,
      "fallback": {"status": 503, "body": "service unavailable"},
      "healthCheck": {"path": "/healthz"}
    }
  })"_json;
  return object;
}

json spec(json patch) {
  return json{{"spec", std::move(patch)}};
}

class BreakerPolicyValidation : public ::testing::TestWithParam<ValidationCase> {};

TEST_P(BreakerPolicyValidation, ReportsFieldPath) {
  expectCase(base(), GetParam());
}

TEST(BreakerPolicyValidationBase, BaseAndEmptySpecAreValid) {
  EXPECT_TRUE(errorsAfterPatch(base(), json::object()).empty()) << describe(errorsAfterPatch(base(), json::object()));
  const auto defaults = errorsAfterPatch(base(), {{"spec", nullptr}});
  EXPECT_TRUE(defaults.empty()) << describe(defaults);
}

INSTANTIATE_TEST_SUITE_P(
    Rules, BreakerPolicyValidation,
    ::testing::Values(
        ValidationCase{"name bad", {{"metadata", {{"name", "Default"}}}}, "metadata.name", "DNS-1123 label"},
        ValidationCase{"failures zero", spec({{"consecutiveFailures", 0}}), "spec.consecutiveFailures",
                       "must be 1..1000"},
        ValidationCase{"failures above error limit", spec({{"consecutiveFailures", 1001}}), "spec.consecutiveFailures",
                       "must be 1..1000"},
        ValidationCase{"failures 1000 ok", spec({{"consecutiveFailures", 1000}}), "", ""},
        ValidationCase{"open too short", spec({{"openDuration", "999ms"}}), "spec.openDuration", "between 1s and 24h"},
        ValidationCase{"open too long", spec({{"openDuration", "25h"}}), "spec.openDuration", "between 1s and 24h"},
        ValidationCase{"open 24h ok", spec({{"openDuration", "24h"}}), "", ""},
        ValidationCase{"probe interval too short", spec({{"halfOpen", {{"probeInterval", "99ms"}}}}),
                       "spec.halfOpen.probeInterval", "between 100ms and 1h"},
        ValidationCase{"probe interval too long", spec({{"halfOpen", {{"probeInterval", "61m"}}}}),
                       "spec.halfOpen.probeInterval", "between 100ms and 1h"},
        ValidationCase{"probe interval 100ms ok", spec({{"halfOpen", {{"probeInterval", "100ms"}}}}), "", ""},
        ValidationCase{"successes zero", spec({{"halfOpen", {{"successesToClose", 0}}}}),
                       "spec.halfOpen.successesToClose", "must be 1..100"},
        ValidationCase{"successes too many", spec({{"halfOpen", {{"successesToClose", 101}}}}),
                       "spec.halfOpen.successesToClose", "must be 1..100"},
        ValidationCase{"failure on empty", spec({{"failureOn", json::array()}}), "spec.failureOn", "at least 1 item"},
        ValidationCase{"failure on unknown", spec({{"failureOn", {"5xx", "4xx"}}}), "spec.failureOn[1]",
                       "unsupported value \"4xx\""},
        ValidationCase{"failure on duplicate", spec({{"failureOn", {"reset", "reset"}}}), "spec.failureOn[1]",
                       "duplicate value"},
        ValidationCase{"failure on all ok", spec({{"failureOn", {"5xx", "connect-failure", "timeout", "reset"}}}), "",
                       ""},
        ValidationCase{"max connections zero", spec({{"maxConnections", 0}}), "spec.maxConnections",
                       "must be 1..1000000"},
        ValidationCase{"max pending negative", spec({{"maxPendingRequests", -1}}), "spec.maxPendingRequests",
                       "must be 0..1000000"},
        ValidationCase{"max per connection negative", spec({{"maxRequestsPerConnection", -1}}),
                       "spec.maxRequestsPerConnection", "must be 0..1000000"},
        ValidationCase{"max retries too many", spec({{"maxRetries", 1000001}}), "spec.maxRetries",
                       "must be 0..1000000"},
        ValidationCase{"limits zero ok", spec({{"maxPendingRequests", 0}, {"maxRetries", 0}, {"maxConnections", 1}}),
                       "", ""},
        ValidationCase{"fallback status low", spec({{"fallback", {{"status", 199}}}}), "spec.fallback.status",
                       "must be 200..599"},
        ValidationCase{"fallback status high", spec({{"fallback", {{"status", 600}}}}), "spec.fallback.status",
                       "must be 200..599"},
        ValidationCase{"fallback body newline", spec({{"fallback", {{"body", "down\nX-Injected: 1"}}}}),
                       "spec.fallback.body", "printable"},
        ValidationCase{"fallback body sample fetch", spec({{"fallback", {{"body", "%[env(SECRET)]"}}}}),
                       "spec.fallback.body", "%["},
        ValidationCase{"fallback body too long", spec({{"fallback", {{"body", std::string(1025, 'x')}}}}),
                       "spec.fallback.body", "at most 1024"},
        ValidationCase{"fallback service bad", spec({{"fallback", {{"service", "Static_Fallback"}}}}),
                       "spec.fallback.service", "DNS-1035"},
        ValidationCase{
            "fallback ok",
            spec({{"fallback",
                   {{"status", 200}, {"body", "try again later (maintenance)"}, {"service", "static-fallback"}}}}),
            "", ""},
        ValidationCase{"health path relative", spec({{"healthCheck", {{"path", "healthz"}}}}), "spec.healthCheck.path",
                       "absolute path"},
        ValidationCase{"health path query", spec({{"healthCheck", {{"path", "/healthz?full=1"}}}}),
                       "spec.healthCheck.path", "absolute path"},
        ValidationCase{"health path ok", spec({{"healthCheck", {{"path", "/-/ready"}}}}), "", ""}),
    caseName);

}  // namespace
}  // namespace flotilla::api::testing
