// The Gateway controller creates the gateway workload (owned by the Gateway), fills in its status, keeps an image
// the user chose, and never overwrites an object that is not its own.
#include "gateway_operator_fixture.h"

namespace flotilla::controllers::testing {
namespace {

class GatewayObjectsTest : public GatewayOperatorTest {
 protected:
  void SetUp() override {
    GatewayOperatorTest::SetUp();
    if (HasFatalFailure()) return;
    create(resources::kMicroservices, microserviceJson("shop", "users"));
    create(resources::kRoutes, routeJson("shop", "users", "shop", "public", {prefixRule("/api/users", "users")}));
  }
};

TEST_F(GatewayObjectsTest, CreatesTheWorkloadOwnedByTheGateway) {
  const json gateway = create(resources::kGateways, gatewayJson("shop", "public"));
  const std::string uid = runtime::uidOf(gateway);
  startOperator();

  ASSERT_TRUE(eventually([&] { return haproxyConfig("public").find("str(shop/users/0)") != std::string::npos; }))
      << haproxyConfig("public");
  const std::pair<const kube::ResourceRef*, std::string> owned[] = {
      {&resources::kServiceAccounts, "public-gateway"}, {&resources::kRoles, "public-gateway"},
      {&resources::kRoleBindings, "public-gateway"},    {&resources::kConfigMaps, "public-config"},
      {&resources::kServices, "public-gateway"},        {&resources::kDeployments, "public-gateway"}};
  for (const auto& [ref, name] : owned) {
    ASSERT_TRUE(eventually([&] { return get(*ref, "shop", name).has_value(); })) << ref->kind << " " << name;
    const auto controller = runtime::controllerOf(*get(*ref, "shop", name));
    ASSERT_TRUE(controller) << ref->kind;
    EXPECT_EQ(controller->kind, "Gateway");
    EXPECT_EQ(controller->name, "public");
    EXPECT_EQ(controller->uid, uid);
    EXPECT_EQ(runtime::annotationsOf(*get(*ref, "shop", name)).count("flotilla.io/applied-hash"), 1u);
  }
  // --gateway-image replaces the CRD's default image.
  const json deployment = *get(resources::kDeployments, "shop", "public-gateway");
  EXPECT_EQ(deployment["spec"]["template"]["spec"]["containers"][0]["image"], kGatewayImage);
  // The agent may report on its own Pod.
  const json role = *get(resources::kRoles, "shop", "public-gateway");
  bool podsRule = false;
  for (const auto& rule : role["rules"]) {
    podsRule |= rule["resources"] == json::array({"pods"}) && rule["verbs"] == json::array({"get", "patch"});
  }
  EXPECT_TRUE(podsRule) << role.dump();

  // Status: accepted, one Route attached, reachable at the Service's cluster IP, not programmed before a pod runs.
  const std::string clusterIP = (*get(resources::kServices, "shop", "public-gateway"))["spec"]["clusterIP"];
  ASSERT_TRUE(eventually([&] {
    const json status = statusOf(resources::kGateways, "shop", "public");
    return status.value("attachedRoutes", -1) == 1 && !status.value("addresses", json::array()).empty();
  })) << statusOf(resources::kGateways, "shop", "public").dump();
  const json status = statusOf(resources::kGateways, "shop", "public");
  EXPECT_EQ(status["addresses"], json::array({{{"type", "IPAddress"}, {"value", clusterIP}}}));
  EXPECT_EQ(status["observedGeneration"], runtime::generationOf(gateway));
  EXPECT_TRUE(has(gatewayCondition("public", "Accepted"), "True", "Accepted"));
  EXPECT_TRUE(has(gatewayCondition("public", "Programmed"), "False", "Pending"));
  EXPECT_FALSE(events("shop", "Gateway", "public", "Created").empty());
}

TEST_F(GatewayObjectsTest, KeepsAnImageTheUserChose) {
  json gateway = gatewayJson("shop", "public");
  gateway["spec"]["image"] = "registry.example/my-gateway:7";
  create(resources::kGateways, gateway);
  startOperator();
  ASSERT_TRUE(eventually([&] { return get(resources::kDeployments, "shop", "public-gateway").has_value(); }));
  EXPECT_EQ(
      (*get(resources::kDeployments, "shop", "public-gateway"))["spec"]["template"]["spec"]["containers"][0]["image"],
      "registry.example/my-gateway:7");
}

TEST_F(GatewayObjectsTest, NeverOverwritesAnObjectThatIsNotItsOwn) {
  create(resources::kConfigMaps,
         {{"metadata", {{"name", "public-config"}, {"namespace", "shop"}}}, {"data", {{"mine", "yes"}}}});
  create(resources::kGateways, gatewayJson("shop", "public"));
  startOperator();

  ASSERT_TRUE(eventually([&] { return has(gatewayCondition("public", "Accepted"), "False", "OwnershipConflict"); }))
      << statusOf(resources::kGateways, "shop", "public").dump();
  EXPECT_NE(gatewayCondition("public", "Accepted").value("message", "").find("ConfigMap shop/public-config"),
            std::string::npos);
  EXPECT_EQ(configMap("public")["data"], json({{"mine", "yes"}}));
  EXPECT_FALSE(get(resources::kDeployments, "shop", "public-gateway").has_value());  // nothing applied
  EXPECT_TRUE(eventually([&] { return !events("shop", "Gateway", "public", "OwnershipConflict").empty(); }));

  // Once the other object is gone, the Gateway takes over.
  ASSERT_TRUE(setup_->remove(resources::kConfigMaps, "shop", "public-config").ok());
  EXPECT_TRUE(eventually([&] { return haproxyConfig("public").find("str(shop/users/0)") != std::string::npos; }));
  EXPECT_TRUE(eventually([&] { return has(gatewayCondition("public", "Accepted"), "True", "Accepted"); }));
}

TEST_F(GatewayObjectsTest, InvalidSpecIsReportedAndTheWorkloadKept) {
  create(resources::kGateways, gatewayJson("shop", "public"));
  startOperator();
  ASSERT_TRUE(eventually([&] { return get(resources::kDeployments, "shop", "public-gateway").has_value(); }));
  const std::string hash = renderedHash("public");

  // Well-formed for the CRD schema, refused by Flotilla's validation.
  mergePatch(resources::kGateways, "shop", "public", {{"spec", {{"autoscaling", {{"maxReplicas", 3}}}}}});
  ASSERT_TRUE(eventually([&] { return has(gatewayCondition("public", "Accepted"), "False", "Invalid"); }))
      << statusOf(resources::kGateways, "shop", "public").dump();
  EXPECT_NE(gatewayCondition("public", "Accepted").value("message", "").find("spec.autoscaling"), std::string::npos);
  EXPECT_TRUE(has(gatewayCondition("public", "Programmed"), "False", "Invalid"));
  EXPECT_TRUE(eventually([&] { return !events("shop", "Gateway", "public", "Invalid").empty(); }));
  EXPECT_TRUE(get(resources::kDeployments, "shop", "public-gateway").has_value());
  EXPECT_EQ(renderedHash("public"), hash);
  EXPECT_FALSE(get(resources::kHorizontalPodAutoscalers, "shop", "public-gateway").has_value());

  // Fixed: autoscaling adds the HPA; removing it removes the HPA again.
  mergePatch(resources::kGateways, "shop", "public",
             {{"spec", {{"autoscaling", {{"maxReplicas", 3}, {"targetCPUUtilization", 70}}}}}});
  ASSERT_TRUE(
      eventually([&] { return get(resources::kHorizontalPodAutoscalers, "shop", "public-gateway").has_value(); }));
  EXPECT_TRUE(eventually([&] { return has(gatewayCondition("public", "Accepted"), "True", "Accepted"); }));
  mergePatch(resources::kGateways, "shop", "public", {{"spec", {{"autoscaling", nullptr}}}});
  EXPECT_TRUE(
      eventually([&] { return !get(resources::kHorizontalPodAutoscalers, "shop", "public-gateway").has_value(); }));
  EXPECT_TRUE(eventually([&] { return !events("shop", "Gateway", "public", "Deleted").empty(); }));
}

}  // namespace
}  // namespace flotilla::controllers::testing
