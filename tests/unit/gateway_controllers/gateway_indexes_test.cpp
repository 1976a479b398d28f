// Index functions (gateway_indexes.h) and the image defaulting of gateway_inputs_from_cache.h.
#include "controllers/gateway_indexes.h"

#include <gtest/gtest.h>

#include "api/parse.h"
#include "controllers/gateway_inputs_from_cache.h"
#include "gateway_fixtures.h"

namespace flotilla::controllers {
namespace {

using nlohmann::json;
using Values = std::vector<std::string>;
using namespace testing;

TEST(GatewayIndexes, RouteByGatewayDefaultsToItsOwnNamespace) {
  auto route = routeJson("team-a", "r", "edge", "public", {prefixRule("/", "svc")});
  EXPECT_EQ(routeGateways(route), Values{"edge/public"});
  route["spec"]["gatewayRef"].erase("namespace");
  EXPECT_EQ(routeGateways(route), Values{"team-a/public"});
}

TEST(GatewayIndexes, RouteReferences) {
  auto route = routeJson("shop", "r", "shop", "public",
                         {prefixRule("/a", "users", "strict"), prefixRule("/b", "orders", "strict"),
                          prefixRule("/c", "users", "lenient")});
  EXPECT_EQ(routeBreakerPolicies(route), (Values{"shop/lenient", "shop/strict"}));
  EXPECT_EQ(routeMicroservices(route), (Values{"shop/orders", "shop/users"}));
}

TEST(GatewayIndexes, DefaultsAndFallbacks) {
  auto ms = microserviceJson("shop", "users");
  EXPECT_EQ(microserviceBreakerPolicies(ms), Values{});
  ms["spec"]["breakerPolicyRef"] = {{"name", "strict"}};
  EXPECT_EQ(microserviceBreakerPolicies(ms), Values{"shop/strict"});

  auto policy = breakerPolicyJson("shop", "strict");
  EXPECT_EQ(breakerPolicyFallbacks(policy), Values{});
  policy["spec"]["fallback"] = {{"service", "static-page"}};
  EXPECT_EQ(breakerPolicyFallbacks(policy), Values{"shop/static-page"});

  auto gateway = gatewayJson("edge", "public");
  EXPECT_EQ(gatewayBreakerPolicies(gateway), Values{});
  EXPECT_EQ(gatewayNamespaceSelector(gateway), Values{});
  gateway["spec"]["defaults"] = {{"breakerPolicyRef", {{"name", "base"}}}};
  EXPECT_EQ(gatewayBreakerPolicies(gateway), Values{"edge/base"});
  EXPECT_EQ(gatewayNamespaceSelector(gatewayJson("edge", "public", "Selector")), Values{"selector"});
}

TEST(GatewayInputs, GatewayImageReplacesOnlyTheCrdDefault) {
  auto gateway = api::parseGateway(gatewayJson("shop", "public")).value;
  ASSERT_EQ(gateway.spec.image, "flotilla/gateway:latest");  // what the CRD defaults it to
  EXPECT_EQ(withDefaultImage(gateway, "registry.example/flotilla-gateway:1.2").spec.image,
            "registry.example/flotilla-gateway:1.2");
  gateway.spec.image = "mine/gateway:7";
  EXPECT_EQ(withDefaultImage(gateway, "registry.example/flotilla-gateway:1.2").spec.image, "mine/gateway:7");
  gateway.spec.image = "";
  EXPECT_EQ(withDefaultImage(gateway, "registry.example/flotilla-gateway:1.2").spec.image,
            "registry.example/flotilla-gateway:1.2");
}

}  // namespace
}  // namespace flotilla::controllers
