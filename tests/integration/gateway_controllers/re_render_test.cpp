// A change to anything a Gateway's config reads re-renders it: BreakerPolicies (and their status), Microservice
// replicas (server slots). Unchanged inputs never rewrite the ConfigMap.
#include "gateway_operator_fixture.h"

namespace flotilla::controllers::testing {
namespace {

class ReRenderTest : public GatewayOperatorTest {
 protected:
  void SetUp() override {
    GatewayOperatorTest::SetUp();
    if (HasFatalFailure()) return;
    create(resources::kMicroservices, microserviceJson("shop", "users", 2));
    create(resources::kMicroservices, microserviceJson("shop", "orders", 2));
    create(resources::kBreakerPolicies, breakerPolicyJson("shop", "strict", 2));
    create(resources::kRoutes, routeJson("shop", "users", "shop", "public",
                                         {prefixRule("/api/users", "users", "strict"), prefixRule("/u", "users")}));
    create(resources::kRoutes, routeJson("shop", "orders", "shop", "public", {prefixRule("/api/orders", "orders")}));
    create(resources::kGateways, gatewayJson("shop", "public"));
    startOperator();
  }
  json backends() {
    const json cm = configMap("public");
    if (!cm.contains("data")) return json::array();
    return json::parse(cm["data"].value("backends.json", "[]"));
  }
  int slotsOf(const std::string& microservice) {
    for (const auto& backend : backends()) {
      if (backend.value("microservice", "") == microservice) return backend.value("slots", -1);
    }
    return -1;
  }
};

TEST_F(ReRenderTest, BreakerPolicyChangeReRendersTheConfigMap) {
  ASSERT_TRUE(eventually([&] { return haproxyConfig("public").find("error-limit 2 ") != std::string::npos; }))
      << haproxyConfig("public");
  ASSERT_TRUE(eventually([&] { return has(breakerPolicyCondition("strict", "Accepted"), "True", "Accepted"); }));
  EXPECT_TRUE(eventually(
      [&] { return statusOf(resources::kBreakerPolicies, "shop", "strict").value("attachedRoutes", -1) == 1; }));
  EXPECT_EQ(statusOf(resources::kBreakerPolicies, "shop", "strict")["observedGeneration"], 1);

  mergePatch(resources::kBreakerPolicies, "shop", "strict", {{"spec", {{"consecutiveFailures", 7}}}});
  EXPECT_TRUE(eventually([&] { return haproxyConfig("public").find("error-limit 7 ") != std::string::npos; }));
  EXPECT_EQ(haproxyConfig("public").find("error-limit 2 "), std::string::npos);

  // The orders Microservice adopts the policy: a second Route rule uses it.
  mergePatch(resources::kMicroservices, "shop", "orders", {{"spec", {{"breakerPolicyRef", {{"name", "strict"}}}}}});
  EXPECT_TRUE(eventually(
      [&] { return statusOf(resources::kBreakerPolicies, "shop", "strict").value("attachedRoutes", -1) == 2; }));
}

TEST_F(ReRenderTest, InvalidBreakerPolicyIsReportedAndItsRoutesLeftOut) {
  ASSERT_TRUE(eventually([&] { return haproxyConfig("public").find("str(shop/users/0)") != std::string::npos; }));
  // Well-formed for the CRD schema, but below the shortest open duration Flotilla accepts.
  mergePatch(resources::kBreakerPolicies, "shop", "strict", {{"spec", {{"openDuration", "500ms"}}}});
  ASSERT_TRUE(eventually([&] { return has(breakerPolicyCondition("strict", "Accepted"), "False", "InvalidSpec"); }))
      << statusOf(resources::kBreakerPolicies, "shop", "strict").dump();
  EXPECT_EQ(statusOf(resources::kBreakerPolicies, "shop", "strict")["attachedRoutes"], 0);
  EXPECT_TRUE(eventually([&] { return !events("shop", "BreakerPolicy", "strict", "InvalidSpec").empty(); }));
  EXPECT_TRUE(eventually([&] { return haproxyConfig("public").find("str(shop/users/0)") == std::string::npos; }));
  EXPECT_NE(haproxyConfig("public").find("str(shop/orders/0)"), std::string::npos);
  EXPECT_TRUE(eventually([&] {
    return has(routeCondition("shop", "users", "shop/public", "Accepted"), "False", "InvalidSpec");
  })) << statusOf(resources::kRoutes, "shop", "users").dump();
}

TEST_F(ReRenderTest, MicroserviceReplicasSetTheServerSlots) {
  ASSERT_TRUE(eventually([&] { return slotsOf("orders") == 4; })) << backends().dump();  // at least minSlots
  mergePatch(resources::kMicroservices, "shop", "orders", {{"spec", {{"replicas", 8}}}});
  EXPECT_TRUE(eventually([&] { return slotsOf("orders") == 10; })) << backends().dump();  // 8 + 25 % surge
  mergePatch(resources::kMicroservices, "shop", "orders",
             {{"spec", {{"replicas", nullptr}, {"autoscaling", {{"minReplicas", 2}, {"maxReplicas", 16}}}}}});
  EXPECT_TRUE(eventually([&] { return slotsOf("orders") == 20; })) << backends().dump();
}

TEST_F(ReRenderTest, ConfigMapIsWrittenOnlyWhenTheTextChanges) {
  ASSERT_TRUE(eventually([&] { return !renderedHash("public").empty(); }));
  waitForQuiet();
  const auto since = mark();
  // Status-only and metadata-only changes of the inputs re-render nothing.
  mergePatch(resources::kMicroservices, "shop", "users", {{"status", {{"readyReplicas", 2}}}}, "status");
  mergePatch(resources::kRoutes, "shop", "orders", {{"metadata", {{"labels", {{"team", "orders"}}}}}});
  // A spec change that does not reach the config: the ConfigMap stays as it is.
  json policy = breakerPolicyJson("shop", "unused", 3);
  create(resources::kBreakerPolicies, policy);
  ASSERT_TRUE(eventually([&] { return has(breakerPolicyCondition("unused", "Accepted"), "True", "Accepted"); }));
  waitForQuiet();
  for (const auto& write : operatorWrites(since)) {
    EXPECT_NE(write.resource, "configmaps") << describe(operatorWrites(since));
    EXPECT_NE(write.resource, "deployments") << describe(operatorWrites(since));
  }
}

}  // namespace
}  // namespace flotilla::controllers::testing
