// Steady state costs nothing: once everything converged the operator makes no write at all, and in namespaced mode
// it never touches Namespaces (a namespaced operator has no permission for them). Only gateway Pods are watched.
#include "gateway_operator_fixture.h"

namespace flotilla::controllers::testing {
namespace {

class QuietTest : public GatewayOperatorTest {
 protected:
  void createShop() {
    create(resources::kMicroservices, microserviceJson("shop", "users"));
    create(resources::kMicroservices, microserviceJson("shop", "orders"));
    create(resources::kBreakerPolicies, breakerPolicyJson("shop", "strict", 3));
    create(resources::kRoutes,
           routeJson("shop", "users", "shop", "public", {prefixRule("/api/users", "users", "strict")}));
    create(resources::kRoutes, routeJson("shop", "orders", "shop", "public", {prefixRule("/api/orders", "orders")}));
    create(resources::kRoutes, routeJson("shop", "broken", "shop", "public", {prefixRule("/api/broken", "nope")}));
    create(resources::kGateways, gatewayJson("shop", "public"));
  }
  // Everything the controllers write has been written and the gateway pod has loaded the config.
  void converge() {
    ASSERT_TRUE(eventually([&] { return !renderedHash("public").empty(); }));
    createGatewayPod("public", "public-gateway-a", true, renderedHash("public"), renderedGeneration("public"));
    ASSERT_TRUE(eventually([&] {
      return has(gatewayCondition("public", "Programmed"), "True", "Programmed") &&
             has(routeCondition("shop", "users", "shop/public", "Programmed"), "True", "Programmed") &&
             has(routeCondition("shop", "orders", "shop/public", "Programmed"), "True", "Programmed") &&
             has(routeCondition("shop", "broken", "shop/public", "ResolvedRefs"), "False", "BackendNotFound") &&
             statusOf(resources::kBreakerPolicies, "shop", "strict").value("attachedRoutes", -1) == 1;
    }));
  }
};

TEST_F(QuietTest, NoWritesOnceConverged) {
  createShop();
  startOperator();
  converge();
  waitForQuiet();
  const auto since = mark();
  std::this_thread::sleep_for(3s);
  EXPECT_EQ(operatorWrites(since).size(), 0u) << describe(operatorWrites(since));
}

TEST_F(QuietTest, RestartedOperatorWritesNothing) {
  createShop();
  startOperator();
  converge();
  waitForQuiet();
  operator_.reset();
  const auto since = mark();
  startOperator();
  // The new operator lists everything and reconciles every object once; nothing it would write differs.
  ASSERT_TRUE(eventually([&] { return operatorWatches(since, "gateways"); }));
  std::this_thread::sleep_for(3s);
  EXPECT_EQ(operatorWrites(since).size(), 0u) << describe(operatorWrites(since));
}

TEST_F(QuietTest, NamespacedOperatorNeverReadsNamespaces) {
  createShop();
  const auto since = mark();
  startOperator("shop");
  converge();
  waitForQuiet();
  bool watchedPods = false;
  for (const auto& request : operatorRequests(since)) {
    EXPECT_NE(request.resource, "namespaces") << request.verb << " " << request.path;
    EXPECT_EQ(request.namespace_, "shop") << request.verb << " " << request.path;
    if (request.resource == "pods") {
      // Only gateway pods are cached.
      EXPECT_NE(request.query.find("labelSelector=flotilla.io"), std::string::npos) << request.query;
      watchedPods |= request.verb == "watch";
    }
  }
  EXPECT_TRUE(watchedPods);
}

}  // namespace
}  // namespace flotilla::controllers::testing
