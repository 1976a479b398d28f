// BreakerPolicy status (breaker_policy_status.h): attachedRoutes counts the rendered Route rules a policy governs;
// Accepted reports validation findings.
#include "controllers/breaker_policy_status.h"

#include <gtest/gtest.h>

#include "api/parse.h"
#include "gateway_fixtures.h"
#include "render/route_table.h"

namespace flotilla::controllers {
namespace {

using nlohmann::json;
using namespace testing;

template <typename T>
T decode(api::Parsed<T> parsed) {
  EXPECT_TRUE(parsed.ok()) << (parsed.errors.empty() ? "" : parsed.errors.front().toString());
  return parsed.value;
}

render::GatewayInputs shop() {
  render::GatewayInputs inputs;
  inputs.gateway = decode(api::parseGateway(gatewayJson("shop", "public")));
  inputs.microservices = {decode(api::parseMicroservice(microserviceJson("shop", "users"))),
                          decode(api::parseMicroservice(microserviceJson("shop", "orders")))};
  inputs.breakerPolicies = {decode(api::parseBreakerPolicy(breakerPolicyJson("shop", "strict", 2))),
                            decode(api::parseBreakerPolicy(breakerPolicyJson("shop", "lenient", 9)))};
  inputs.routes = {
      decode(api::parseRoute(routeJson("shop", "users", "shop", "public",
                                       {prefixRule("/api/users", "users", "strict"), prefixRule("/u", "users")}))),
      decode(api::parseRoute(
          routeJson("shop", "orders", "shop", "public", {prefixRule("/api/orders", "orders", "strict")}))),
  };
  return inputs;
}

TEST(BreakerPolicyStatus, CountsRenderedRulesGovernedByThePolicy) {
  auto inputs = shop();
  auto table = render::buildRouteTable(inputs, {});
  EXPECT_EQ(rulesUsingBreakerPolicy(table, {"shop", "strict"}), 2);
  EXPECT_EQ(rulesUsingBreakerPolicy(table, {"shop", "lenient"}), 0);

  // The Gateway's default governs every rule without a policy of its own.
  inputs.gateway.spec.defaults.breakerPolicyRef = api::LocalObjectRef{"lenient"};
  table = render::buildRouteTable(inputs, {});
  EXPECT_EQ(rulesUsingBreakerPolicy(table, {"shop", "lenient"}), 1);

  // A Route left out (unknown backend) uses nothing.
  inputs.routes[1].spec.rules[0].backends[0].service = "nope";
  table = render::buildRouteTable(inputs, {});
  EXPECT_EQ(rulesUsingBreakerPolicy(table, {"shop", "strict"}), 1);
}

TEST(BreakerPolicyStatus, AcceptedOrInvalidSpec) {
  auto valid = breakerPolicyStatus(3, {}, 2, json::object(), "2024-05-01T12:00:00Z");
  EXPECT_EQ(valid["observedGeneration"], 3);
  EXPECT_EQ(valid["attachedRoutes"], 2);
  ASSERT_EQ(valid["conditions"].size(), 1u);
  EXPECT_EQ(valid["conditions"][0]["type"], "Accepted");
  EXPECT_EQ(valid["conditions"][0]["status"], "True");
  EXPECT_FALSE(valid.contains("openCircuits"));  // the agent's field

  auto invalid =
      breakerPolicyStatus(4, {{"spec.openDuration", "must be at least 1s"}}, 0, valid, "2024-05-01T12:01:00Z");
  EXPECT_EQ(invalid["conditions"][0]["status"], "False");
  EXPECT_EQ(invalid["conditions"][0]["reason"], "InvalidSpec");
  EXPECT_EQ(invalid["conditions"][0]["message"], "spec.openDuration: must be at least 1s");
  EXPECT_EQ(invalid["conditions"][0]["lastTransitionTime"], "2024-05-01T12:01:00Z");
  EXPECT_EQ(breakerPolicyStatus(4, {{"spec.openDuration", "must be at least 1s"}}, 0, invalid, "2024-05-01T13:00:00Z"),
            invalid);
}

}  // namespace
}  // namespace flotilla::controllers
