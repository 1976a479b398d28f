// Programmed follows what the gateway pods report they have loaded (the tests play the agent): True once a ready
// pod runs the current config hash and Gateway generation, False/Invalid with a Warning Event when HAProxy rejected
// it, and the Route's Programmed follows the Gateway's.
#include "gateway_operator_fixture.h"

namespace flotilla::controllers::testing {
namespace {

class ProgrammedTest : public GatewayOperatorTest {
 protected:
  void SetUp() override {
    GatewayOperatorTest::SetUp();
    if (HasFatalFailure()) return;
    create(resources::kMicroservices, microserviceJson("shop", "users"));
    create(resources::kRoutes, routeJson("shop", "users", "shop", "public", {prefixRule("/api/users", "users")}));
    create(resources::kGateways, gatewayJson("shop", "public"));
    startOperator();
    ASSERT_TRUE(eventually([&] { return !renderedHash("public").empty(); }));
  }
};

TEST_F(ProgrammedTest, FlipsWithWhatThePodsLoaded) {
  const std::string hash = renderedHash("public");
  const std::string generation = renderedGeneration("public");
  ASSERT_TRUE(eventually([&] { return has(gatewayCondition("public", "Programmed"), "False", "Pending"); }));
  ASSERT_TRUE(eventually(
      [&] { return has(routeCondition("shop", "users", "shop/public", "Programmed"), "False", "Pending"); }));

  // A pod that has loaded an older config keeps it Pending.
  createGatewayPod("public", "public-gateway-a", true, "sha256:older", generation);
  ASSERT_TRUE(eventually([&] {
    return gatewayCondition("public", "Programmed").value("message", "").find("0 of 1") != std::string::npos;
  })) << gatewayCondition("public", "Programmed").dump();

  reportLoaded("public-gateway-a", hash, generation);
  ASSERT_TRUE(eventually([&] { return has(gatewayCondition("public", "Programmed"), "True", "Programmed"); }))
      << gatewayCondition("public", "Programmed").dump();
  json status = statusOf(resources::kGateways, "shop", "public");
  EXPECT_EQ(status["configHash"], hash);
  EXPECT_EQ(std::to_string(status["loadedGeneration"].get<std::int64_t>()), generation);
  EXPECT_TRUE(eventually(
      [&] { return has(routeCondition("shop", "users", "shop/public", "Programmed"), "True", "Programmed"); }));
  EXPECT_TRUE(eventually([&] { return !events("shop", "Gateway", "public", "Programmed").empty(); }));

  // A second, ready pod still on the old config makes it Pending again.
  createGatewayPod("public", "public-gateway-b", true, "sha256:older", generation);
  EXPECT_TRUE(eventually([&] { return has(gatewayCondition("public", "Programmed"), "False", "Pending"); }));
  reportLoaded("public-gateway-b", hash, generation);
  EXPECT_TRUE(eventually([&] { return has(gatewayCondition("public", "Programmed"), "True", "Programmed"); }));
}

TEST_F(ProgrammedTest, RejectedConfigIsInvalidWithAWarning) {
  const std::string hash = renderedHash("public");
  const std::string generation = renderedGeneration("public");
  createGatewayPod("public", "public-gateway-a", true, hash, generation);
  ASSERT_TRUE(eventually([&] { return has(gatewayCondition("public", "Programmed"), "True", "Programmed"); }));

  // A spec change renders a new config; the agent's HAProxy refuses it and keeps running the old one.
  mergePatch(resources::kRoutes, "shop", "users", {{"spec", {{"hostnames", json::array({"shop.example.com"})}}}});
  ASSERT_TRUE(eventually([&] { return renderedHash("public") != hash; }));
  ASSERT_TRUE(eventually([&] { return has(gatewayCondition("public", "Programmed"), "False", "Pending"); }));
  reportLoaded("public-gateway-a", hash, generation, "parsing [haproxy.cfg:42] : unknown keyword 'bogus'",
               renderedHash("public"));

  ASSERT_TRUE(eventually([&] { return has(gatewayCondition("public", "Programmed"), "False", "Invalid"); }))
      << gatewayCondition("public", "Programmed").dump();
  EXPECT_NE(gatewayCondition("public", "Programmed").value("message", "").find("unknown keyword 'bogus'"),
            std::string::npos);
  ASSERT_TRUE(eventually([&] { return !events("shop", "Gateway", "public", "Invalid").empty(); }));
  const json warning = events("shop", "Gateway", "public", "Invalid").front();
  EXPECT_EQ(warning["type"], "Warning");
  EXPECT_NE(warning.value("message", "").find("unknown keyword 'bogus'"), std::string::npos);
  EXPECT_TRUE(eventually(
      [&] { return has(routeCondition("shop", "users", "shop/public", "Programmed"), "False", "Invalid"); }));
  // What the pods run is still the old config.
  EXPECT_EQ(statusOf(resources::kGateways, "shop", "public")["configHash"], hash);

  // The agent loads the next config: Programmed again.
  reportLoaded("public-gateway-a", renderedHash("public"), renderedGeneration("public"));
  EXPECT_TRUE(eventually([&] { return has(gatewayCondition("public", "Programmed"), "True", "Programmed"); }));
  EXPECT_TRUE(eventually(
      [&] { return has(routeCondition("shop", "users", "shop/public", "Programmed"), "True", "Programmed"); }));
}

TEST_F(ProgrammedTest, GatewayGenerationMustMatchToo) {
  const std::string hash = renderedHash("public");
  createGatewayPod("public", "public-gateway-a", true, hash, renderedGeneration("public"));
  ASSERT_TRUE(eventually([&] { return has(gatewayCondition("public", "Programmed"), "True", "Programmed"); }));
  // A spec change that leaves haproxy.cfg as it is (replicas) still has to reach the pods' report.
  mergePatch(resources::kGateways, "shop", "public", {{"spec", {{"replicas", 2}}}});
  ASSERT_TRUE(eventually([&] { return renderedGeneration("public") == "2"; }));
  EXPECT_EQ(renderedHash("public"), hash);
  EXPECT_TRUE(eventually([&] { return has(gatewayCondition("public", "Programmed"), "False", "Pending"); }));
  reportLoaded("public-gateway-a", hash, "2");
  EXPECT_TRUE(eventually([&] { return has(gatewayCondition("public", "Programmed"), "True", "Programmed"); }));
}

TEST_F(ProgrammedTest, LocalProcessPodsAreListedAsAddresses) {
  createGatewayPod("public", "public-gateway-a", true, renderedHash("public"), renderedGeneration("public"), "",
                   "127.0.0.42");
  ASSERT_TRUE(eventually([&] {
    const json addresses = statusOf(resources::kGateways, "shop", "public").value("addresses", json::array());
    return !addresses.empty() && addresses[0].value("value", "") == "127.0.0.42";
  })) << statusOf(resources::kGateways, "shop", "public").dump();
}

}  // namespace
}  // namespace flotilla::controllers::testing
