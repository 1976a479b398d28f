// breaker_policy_circuits.h: BreakerPolicy .status.openCircuits from the gateway pods' reports, and which circuits
// opened or closed since the previous status.
#include "controllers/breaker_policy_circuits.h"

#include <gtest/gtest.h>

namespace flotilla::controllers {
namespace {

using nlohmann::json;

render::ReportedCircuit circuit(const std::string& endpoint, const std::string& since,
                                const std::string& policy = "shop/strict", const std::string& route = "shop/users") {
  return {route, "be_x", {"shop", "users"}, policy, endpoint, "open", since};
}

TEST(BreakerPolicyCircuits, GathersThePolicysCircuitsFromEveryPod) {
  const json list =
      openCircuitsOfPolicy({{circuit("10.0.0.2:8080", "2024-05-01T12:00:05Z"),
                             circuit("10.0.0.7:8080", "2024-05-01T12:00:00Z", "shop/other")},
                            {},
                            {circuit("10.0.0.2:8080", "2024-05-01T12:00:03Z"),
                             circuit("10.0.0.1:8080", "2024-05-01T12:00:09Z", "shop/strict", "shop/orders")}},
                           "shop/strict");
  EXPECT_EQ(list, json::parse(R"([
    {"route":"shop/orders","backend":"users","endpoint":"10.0.0.1:8080","since":"2024-05-01T12:00:09Z"},
    {"route":"shop/users","backend":"users","endpoint":"10.0.0.2:8080","since":"2024-05-01T12:00:03Z"}])"));
  EXPECT_EQ(openCircuitsOfPolicy({{circuit("10.0.0.7:8080", "x", "shop/other")}}, "shop/strict"), json::array());
}

TEST(BreakerPolicyCircuits, LeavesOutWhatTheSchemaWouldRefuse) {
  auto noTime = circuit("10.0.0.3:8080", "");
  auto longEndpoint = circuit(std::string(80, '1'), "2024-05-01T12:00:00Z");
  auto noService = circuit("10.0.0.4:8080", "2024-05-01T12:00:00Z");
  noService.microservice = {};
  const json list = openCircuitsOfPolicy({{noTime, longEndpoint, noService}}, "shop/strict");
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0], json::parse(R"({"route":"shop/users","backend":"users","endpoint":"10.0.0.3:8080"})"));
}

TEST(BreakerPolicyCircuits, ChangesCompareRouteBackendAndEndpoint) {
  const json a = {{"route", "shop/users"}, {"backend", "users"}, {"endpoint", "10.0.0.1:80"}, {"since", "t1"}};
  const json b = {{"route", "shop/users"}, {"backend", "users"}, {"endpoint", "10.0.0.2:80"}, {"since", "t1"}};
  json aLater = a;
  aLater["since"] = "t2";  // the same circuit, seen first on another pod: not a change
  auto changes = circuitChanges(json::array({a}), json::array({aLater, b}));
  ASSERT_EQ(changes.opened.size(), 1u);
  EXPECT_EQ(changes.opened[0], b);
  EXPECT_TRUE(changes.closed.empty());
  changes = circuitChanges(json::array({a, b}), json());
  EXPECT_TRUE(changes.opened.empty());
  EXPECT_EQ(changes.closed.size(), 2u);
  EXPECT_EQ(describeCircuit(a, "shop/strict"),
            "endpoint 10.0.0.1:80 of Microservice users (BreakerPolicy shop/strict)");
}

}  // namespace
}  // namespace flotilla::controllers
