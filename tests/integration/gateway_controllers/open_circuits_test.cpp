// Breaker visibility through the operator: the gateway pods report their open circuits in annotation
// flotilla.io/open-circuits (the test plays the agent, writing it with the agent's own codec), and the BreakerPolicy
// controller gathers them into .status.openCircuits of the policy each circuit's backend uses, announcing each
// circuit that opens or closes with a CircuitOpened / CircuitClosed Event on its Route, once, and writing nothing
// when a report changes nothing the status shows.
#include "gateway_operator_fixture.h"
#include "render/circuit_report.h"
#include "render/endpoint_slots.h"

namespace flotilla::controllers::testing {
namespace {

class OpenCircuitsTest : public GatewayOperatorTest {
 protected:
  void SetUp() override {
    GatewayOperatorTest::SetUp();
    if (HasFatalFailure()) return;
    create(resources::kMicroservices, microserviceJson("shop", "users"));
    create(resources::kMicroservices, microserviceJson("shop", "orders"));
    create(resources::kBreakerPolicies, breakerPolicyJson("shop", "strict", 3));
    create(resources::kRoutes,
           routeJson("shop", "users", "shop", "public", {prefixRule("/api/users", "users", "strict")}));
    create(resources::kRoutes, routeJson("shop", "orders", "shop", "public", {prefixRule("/api/orders", "orders")}));
    create(resources::kGateways, gatewayJson("shop", "public"));
    startOperator();
    ASSERT_TRUE(eventually([&] { return !renderedHash("public").empty(); }));
    createGatewayPod("public", "public-gateway-a", true, renderedHash("public"), renderedGeneration("public"));
    createGatewayPod("public", "public-gateway-b", true, renderedHash("public"), renderedGeneration("public"));
    ASSERT_TRUE(eventually([&] { return has(breakerPolicyCondition("strict", "Accepted"), "True", "Accepted"); }));
  }

  // The backend of Route `route` in the rendered backends.json, as the agent reads it.
  render::BackendSlots backendOf(const std::string& route) {
    const json cm = configMap("public");
    const json backends = json::parse(cm["data"].value("backends.json", "[]"));
    for (const auto& b : backends) {
      if (b.value("route", "") == route) return render::backendSlotsFromJson(b);
    }
    ADD_FAILURE() << "no backend of " << route << " in " << backends.dump();
    return {};
  }
  // What the agent would report for an open circuit of `backend` at `endpoint`.
  static render::ReportedCircuit circuitOf(const render::BackendSlots& backend, const std::string& endpoint,
                                           const std::string& since, const std::string& state = "open") {
    return {backend.route, backend.backend, backend.microservice, backend.breakerPolicy, endpoint, state, since};
  }
  void reportCircuits(const std::string& pod, const std::vector<render::ReportedCircuit>& circuits) {
    const std::string value = render::encodeOpenCircuits(circuits);
    mergePatch(
        resources::kPods, "shop", pod,
        {{"metadata", {{"annotations", {{render::kAnnotationOpenCircuits, value.empty() ? json() : json(value)}}}}}});
  }
  json openCircuits() { return statusOf(resources::kBreakerPolicies, "shop", "strict").value("openCircuits", json()); }

  // Events on Route shop/<route> with `reason` whose message names `endpoint`, counting aggregated repeats.
  int eventCount(const std::string& route, const std::string& reason, const std::string& endpoint) {
    int count = 0;
    for (const auto& event : events("shop", "Route", route, reason)) {
      if (event.value("message", "").find(endpoint) != std::string::npos) count += event.value("count", 1);
    }
    return count;
  }
  std::vector<apiserver::RequestRecord> policyWrites(std::uint64_t since) {
    std::vector<apiserver::RequestRecord> writes;
    for (auto& r : operatorWrites(since)) {
      if (r.resource == "breakerpolicies") writes.push_back(r);
    }
    return writes;
  }
};

TEST_F(OpenCircuitsTest, ReportedCircuitsReachThePolicyStatusAndTheRoute) {
  const auto users = backendOf("shop/users");
  ASSERT_EQ(users.breakerPolicy, "shop/strict");  // backends.json names the policy each backend uses
  EXPECT_EQ(users.microservice.name, "users");

  reportCircuits("public-gateway-a", {circuitOf(users, "10.1.0.5:8080", "2024-05-01T12:00:09Z")});
  ASSERT_TRUE(eventually([&] {
    return openCircuits() == json::parse(R"([{"route":"shop/users","backend":"users","endpoint":"10.1.0.5:8080",
                                              "since":"2024-05-01T12:00:09Z"}])");
  })) << openCircuits().dump();
  ASSERT_TRUE(eventually([&] { return eventCount("users", "CircuitOpened", "10.1.0.5:8080") == 1; }));
  const json opened = events("shop", "Route", "users", "CircuitOpened").front();
  EXPECT_EQ(opened["type"], "Warning");
  EXPECT_NE(opened.value("message", "").find("BreakerPolicy shop/strict"), std::string::npos) << opened.dump();

  // The second pod sees the same endpoint fail (earlier) and another one: one entry per circuit, earliest time.
  reportCircuits("public-gateway-b", {circuitOf(users, "10.1.0.5:8080", "2024-05-01T12:00:03Z"),
                                      circuitOf(users, "10.1.0.6:8080", "2024-05-01T12:00:04Z")});
  ASSERT_TRUE(eventually([&] {
    return openCircuits() == json::parse(R"([
      {"route":"shop/users","backend":"users","endpoint":"10.1.0.5:8080","since":"2024-05-01T12:00:03Z"},
      {"route":"shop/users","backend":"users","endpoint":"10.1.0.6:8080","since":"2024-05-01T12:00:04Z"}])");
  })) << openCircuits().dump();
  ASSERT_TRUE(eventually([&] { return eventCount("users", "CircuitOpened", "10.1.0.6:8080") == 1; }));

  // Pod a's circuit closes; pod b still holds it open: nothing closes.
  reportCircuits("public-gateway-a", {});
  const auto since = waitForQuiet();
  EXPECT_EQ(openCircuits().size(), 2u);
  EXPECT_EQ(eventCount("users", "CircuitClosed", "10.1.0.5:8080"), 0);

  // A report that changes nothing the status shows (half-open now) writes nothing.
  reportCircuits("public-gateway-b", {circuitOf(users, "10.1.0.5:8080", "2024-05-01T12:00:03Z", "half-open"),
                                      circuitOf(users, "10.1.0.6:8080", "2024-05-01T12:00:04Z")});
  std::this_thread::sleep_for(1500ms);
  EXPECT_TRUE(policyWrites(since).empty()) << describe(policyWrites(since));

  reportCircuits("public-gateway-b", {});
  ASSERT_TRUE(eventually([&] { return openCircuits().is_null(); })) << openCircuits().dump();
  ASSERT_TRUE(eventually([&] {
    return eventCount("users", "CircuitClosed", "10.1.0.5:8080") == 1 &&
           eventCount("users", "CircuitClosed", "10.1.0.6:8080") == 1;
  }));
  EXPECT_EQ(events("shop", "Route", "users", "CircuitClosed").front()["type"], "Normal");
  // Announced once each, whatever the number of reconciles in between.
  waitForQuiet();
  EXPECT_EQ(eventCount("users", "CircuitOpened", "10.1.0.5:8080"), 1);
  EXPECT_EQ(eventCount("users", "CircuitOpened", "10.1.0.6:8080"), 1);
}

TEST_F(OpenCircuitsTest, OnlyThePolicyTheBackendUsesAndDeletedPodsCloseTheirCircuits) {
  const auto users = backendOf("shop/users");
  const auto orders = backendOf("shop/orders");
  EXPECT_EQ(orders.breakerPolicy, "");  // built-in defaults: there is no policy status to show it in
  reportCircuits("public-gateway-a",
                 {circuitOf(users, "10.1.0.5:8080", "2024-05-01T12:00:09Z"), circuitOf(orders, "10.1.0.7:8080", "")});
  ASSERT_TRUE(eventually([&] { return openCircuits().size() == 1; })) << openCircuits().dump();
  EXPECT_EQ(openCircuits()[0]["endpoint"], "10.1.0.5:8080");

  auto deleted = setup_->remove(resources::kPods, "shop", "public-gateway-a");
  ASSERT_TRUE(deleted.ok()) << deleted.error().toString();
  ASSERT_TRUE(eventually([&] { return openCircuits().is_null(); })) << openCircuits().dump();
  EXPECT_TRUE(eventually([&] { return eventCount("users", "CircuitClosed", "10.1.0.5:8080") == 1; }));
}

TEST_F(OpenCircuitsTest, ARestartedOperatorAnnouncesNothingAgain) {
  const auto users = backendOf("shop/users");
  reportCircuits("public-gateway-a", {circuitOf(users, "10.1.0.5:8080", "2024-05-01T12:00:09Z")});
  ASSERT_TRUE(eventually([&] { return eventCount("users", "CircuitOpened", "10.1.0.5:8080") == 1; }));
  waitForQuiet();
  operator_.reset();
  const auto since = mark();
  startOperator();
  ASSERT_TRUE(eventually([&] { return operatorWatches(since, "pods"); }));
  std::this_thread::sleep_for(3s);
  EXPECT_TRUE(policyWrites(since).empty()) << describe(policyWrites(since));
  EXPECT_EQ(eventCount("users", "CircuitOpened", "10.1.0.5:8080"), 1);
}

TEST_F(OpenCircuitsTest, AHandEditedAnnotationIsIgnoredNotFatal) {
  mergePatch(resources::kPods, "shop", "public-gateway-a",
             {{"metadata", {{"annotations", {{render::kAnnotationOpenCircuits, "{not json"}}}}}});
  const auto users = backendOf("shop/users");
  reportCircuits("public-gateway-b", {circuitOf(users, "10.1.0.5:8080", "2024-05-01T12:00:09Z")});
  EXPECT_TRUE(eventually([&] { return openCircuits().size() == 1; })) << openCircuits().dump();
}

}  // namespace
}  // namespace flotilla::controllers::testing
