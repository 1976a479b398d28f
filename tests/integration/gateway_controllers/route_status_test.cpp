// Route status per parent Gateway: invalid and conflicting Routes are reported and left out of the config while the
// others keep working; a Route from another namespace is refused unless the Gateway's allowedRoutes permits it.
#include "gateway_operator_fixture.h"

namespace flotilla::controllers::testing {
namespace {

class RouteStatusTest : public GatewayOperatorTest {
 protected:
  void SetUp() override {
    GatewayOperatorTest::SetUp();
    if (HasFatalFailure()) return;
    create(resources::kMicroservices, microserviceJson("shop", "users"));
    create(resources::kMicroservices, microserviceJson("shop", "orders"));
    create(resources::kMicroservices, microserviceJson("team-a", "reports"));
  }
  bool inConfig(const std::string& routeKey) {
    return haproxyConfig("public").find("str(" + routeKey + ")") != std::string::npos;
  }
};

TEST_F(RouteStatusTest, InvalidAndConflictingRoutesAreReportedAndLeftOut) {
  create(resources::kGateways, gatewayJson("shop", "public"));
  create(resources::kRoutes, routeJson("shop", "users", "shop", "public", {prefixRule("/api/users", "users")}));
  create(resources::kRoutes, routeJson("shop", "broken", "shop", "public", {prefixRule("/api/broken", "nope")}));
  std::this_thread::sleep_for(1100ms);  // creationTimestamp has whole seconds: "copycat" must be the newer Route
  create(resources::kRoutes, routeJson("shop", "copycat", "shop", "public", {prefixRule("/api/users", "orders")}));
  create(resources::kRoutes, routeJson("shop", "orders", "shop", "public", {prefixRule("/api/orders", "orders")}));
  startOperator();

  ASSERT_TRUE(eventually([&] { return inConfig("shop/users/0") && inConfig("shop/orders/0"); }))
      << haproxyConfig("public");
  EXPECT_FALSE(inConfig("shop/broken/0"));
  EXPECT_FALSE(inConfig("shop/copycat/0"));

  ASSERT_TRUE(
      eventually([&] { return has(routeCondition("shop", "users", "shop/public", "Accepted"), "True", "Accepted"); }));
  EXPECT_TRUE(eventually(
      [&] { return has(routeCondition("shop", "users", "shop/public", "ResolvedRefs"), "True", "ResolvedRefs"); }));
  ASSERT_TRUE(eventually([&] {
    return has(routeCondition("shop", "broken", "shop/public", "ResolvedRefs"), "False", "BackendNotFound");
  })) << statusOf(resources::kRoutes, "shop", "broken").dump();
  EXPECT_TRUE(has(routeCondition("shop", "broken", "shop/public", "Programmed"), "False", "BackendNotFound"));
  ASSERT_TRUE(eventually([&] {
    return has(routeCondition("shop", "copycat", "shop/public", "Accepted"), "False", "Conflicted");
  })) << statusOf(resources::kRoutes, "shop", "copycat").dump();
  const json accepted = routeCondition("shop", "users", "shop/public", "Accepted");
  EXPECT_EQ(accepted["observedGeneration"], 1);
  EXPECT_FALSE(accepted.value("lastTransitionTime", "").empty());
  EXPECT_EQ(statusOf(resources::kGateways, "shop", "public")["attachedRoutes"], 3);  // users, orders, broken

  // Warning Events on the Routes left out, a Normal one on the accepted Route.
  EXPECT_TRUE(eventually([&] { return !events("shop", "Route", "broken", "BackendNotFound").empty(); }));
  EXPECT_EQ(events("shop", "Route", "broken", "BackendNotFound").front()["type"], "Warning");
  EXPECT_TRUE(eventually([&] { return !events("shop", "Route", "copycat", "Conflicted").empty(); }));
  EXPECT_TRUE(eventually([&] { return !events("shop", "Route", "users", "Accepted").empty(); }));

  // The older Route goes: the conflict ends and the newer one is served.
  ASSERT_TRUE(setup_->remove(resources::kRoutes, "shop", "users").ok());
  EXPECT_TRUE(eventually([&] { return inConfig("shop/copycat/0") && !inConfig("shop/users/0"); }));
  EXPECT_TRUE(eventually(
      [&] { return has(routeCondition("shop", "copycat", "shop/public", "Accepted"), "True", "Accepted"); }));
  // Fixing the backend brings the broken Route in.
  mergePatch(resources::kRoutes, "shop", "broken",
             {{"spec", {{"rules", json::array({prefixRule("/api/broken", "users")})}}}});
  EXPECT_TRUE(eventually([&] { return inConfig("shop/broken/0"); }));
  EXPECT_TRUE(eventually(
      [&] { return has(routeCondition("shop", "broken", "shop/public", "ResolvedRefs"), "True", "ResolvedRefs"); }));
  EXPECT_EQ(routeCondition("shop", "broken", "shop/public", "ResolvedRefs")["observedGeneration"], 2);
}

TEST_F(RouteStatusTest, MissingGatewayIsNoMatchingParent) {
  create(resources::kRoutes, routeJson("shop", "users", "shop", "nowhere", {prefixRule("/api/users", "users")}));
  startOperator();
  ASSERT_TRUE(eventually([&] {
    return has(routeCondition("shop", "users", "shop/nowhere", "Accepted"), "False", "NoMatchingParent");
  })) << statusOf(resources::kRoutes, "shop", "users").dump();
  // Moving it to an existing Gateway replaces the parent entry.
  create(resources::kGateways, gatewayJson("shop", "public"));
  mergePatch(resources::kRoutes, "shop", "users", {{"spec", {{"gatewayRef", {{"name", "public"}}}}}});
  ASSERT_TRUE(
      eventually([&] { return has(routeCondition("shop", "users", "shop/public", "Accepted"), "True", "Accepted"); }));
  EXPECT_EQ(statusOf(resources::kRoutes, "shop", "users")["parents"].size(), 1u);
}

TEST_F(RouteStatusTest, CrossNamespaceRouteNeedsAllowedRoutes) {
  create(resources::kGateways, gatewayJson("shop", "public"));
  create(resources::kRoutes, routeJson("shop", "users", "shop", "public", {prefixRule("/api/users", "users")}));
  create(resources::kRoutes, routeJson("team-a", "reports", "shop", "public", {prefixRule("/reports", "reports")}));
  startOperator();

  ASSERT_TRUE(eventually([&] {
    return has(routeCondition("team-a", "reports", "shop/public", "Accepted"), "False", "NotAllowedByListeners");
  })) << statusOf(resources::kRoutes, "team-a", "reports").dump();
  ASSERT_TRUE(eventually([&] { return inConfig("shop/users/0"); }));
  EXPECT_FALSE(inConfig("team-a/reports/0"));
  EXPECT_FALSE(get(resources::kRoles, "team-a", "flotilla-gateway.shop.public").has_value());

  // allowedRoutes: All — accepted, served, and the agent may read the EndpointSlices of team-a.
  mergePatch(resources::kGateways, "shop", "public",
             {{"spec", {{"allowedRoutes", {{"namespaces", {{"from", "All"}}}}}}}});
  ASSERT_TRUE(eventually([&] { return inConfig("team-a/reports/0"); }));
  EXPECT_TRUE(eventually(
      [&] { return has(routeCondition("team-a", "reports", "shop/public", "Accepted"), "True", "Accepted"); }));
  ASSERT_TRUE(
      eventually([&] { return get(resources::kRoleBindings, "team-a", "flotilla-gateway.shop.public").has_value(); }));
  const json role = *get(resources::kRoles, "team-a", "flotilla-gateway.shop.public");
  EXPECT_EQ(runtime::labelsOf(role)["flotilla.io/gateway-namespace"], "shop");

  // Selector: only namespaces with the label; team-a gets it later.
  mergePatch(resources::kGateways, "shop", "public",
             {{"spec",
               {{"allowedRoutes",
                 {{"namespaces",
                   {{"from", "Selector"}, {"selector", {{"matchLabels", {{"gateway-access", "public"}}}}}}}}}}}});
  ASSERT_TRUE(eventually([&] { return !inConfig("team-a/reports/0"); }));
  EXPECT_TRUE(eventually([&] {
    return has(routeCondition("team-a", "reports", "shop/public", "Accepted"), "False", "NotAllowedByListeners");
  }));
  // No Route from team-a is served: its RBAC is removed.
  EXPECT_TRUE(
      eventually([&] { return !get(resources::kRoles, "team-a", "flotilla-gateway.shop.public").has_value(); }));
  EXPECT_TRUE(
      eventually([&] { return !get(resources::kRoleBindings, "team-a", "flotilla-gateway.shop.public").has_value(); }));
  mergePatch(resources::kNamespaces, "", "team-a", {{"metadata", {{"labels", {{"gateway-access", "public"}}}}}});
  EXPECT_TRUE(eventually([&] { return inConfig("team-a/reports/0"); }));
  EXPECT_TRUE(eventually(
      [&] { return has(routeCondition("team-a", "reports", "shop/public", "Accepted"), "True", "Accepted"); }));

  // Deleting the Gateway removes the RBAC it had in other namespaces (no ownerReference can reach there).
  ASSERT_TRUE(eventually([&] { return get(resources::kRoles, "team-a", "flotilla-gateway.shop.public").has_value(); }));
  ASSERT_TRUE(setup_->remove(resources::kGateways, "shop", "public").ok());
  EXPECT_TRUE(
      eventually([&] { return !get(resources::kRoles, "team-a", "flotilla-gateway.shop.public").has_value(); }));
  EXPECT_TRUE(eventually(
      [&] { return has(routeCondition("shop", "users", "shop/public", "Accepted"), "False", "NoMatchingParent"); }));
}

}  // namespace
}  // namespace flotilla::controllers::testing
