// A config HAProxy rejects is never loaded: the previous one keeps serving, and HAProxy's error is reported on the
// Pod (the operator turns it into the Gateway's Programmed=False condition).

#include "gateway_fixture.h"

namespace flotilla::gateway::testing {
namespace {

TEST_F(GatewayTest, RejectedConfigKeepsTheOldOneServingAndReportsTheError) {
  auto& users = startEcho("users", "users-1");
  putEndpointSlice("users", {&users});
  const auto good = render(1);
  putConfigMap(good.objects.configMap);
  startAgent();
  ASSERT_TRUE(waitUntilLoaded(good.configHash));
  ASSERT_TRUE(eventually([&] { return podServing("/api/users") == "users-1"; }));

  // The operator would never render this; a hand edit of the ConfigMap could.
  auto broken = render(2).objects.configMap;
  std::string text = broken["data"]["haproxy.cfg"];
  text.replace(text.find("defaults\n"), 9, "defaults\n    bogus-keyword here\n");
  broken["data"]["haproxy.cfg"] = text;
  broken["metadata"]["annotations"]["flotilla.io/config-hash"] = "sha256:broken";
  putConfigMap(broken);

  ASSERT_TRUE(eventually([&] { return podAnnotations()["flotilla.io/config-error-hash"] == "sha256:broken"; }))
      << "the rejection was never reported";
  auto annotations = podAnnotations();
  EXPECT_NE(annotations["flotilla.io/config-error"].find("[ALERT]"), std::string::npos)
      << annotations["flotilla.io/config-error"];
  EXPECT_NE(annotations["flotilla.io/config-error"].find("bogus-keyword"), std::string::npos);
  EXPECT_LE(annotations["flotilla.io/config-error"].size(), 1100u);
  EXPECT_EQ(annotations["flotilla.io/loaded-config-hash"], good.configHash);
  EXPECT_EQ(annotations["flotilla.io/loaded-gateway-generation"], "1");
  // Still serving the old config, still ready.
  for (int i = 0; i < 10; ++i) EXPECT_EQ(podServing("/api/users"), "users-1");
  EXPECT_TRUE(waitUntilReady(1s));
  EXPECT_GE(agentMetric("flotilla_gateway_config_reloads_total{result=\"failure\"}").value_or(0), 1);
  EXPECT_EQ(reloadsSucceeded(), 1);

  // A good config clears the error.
  const auto fixed = render(3);
  putConfigMap(fixed.objects.configMap);
  ASSERT_TRUE(waitUntilLoaded(fixed.configHash));
  EXPECT_TRUE(eventually([&] { return podAnnotations().count("flotilla.io/config-error") == 0; }));
  EXPECT_EQ(podAnnotations()["flotilla.io/loaded-gateway-generation"], "3");
  EXPECT_EQ(podServing("/api/users"), "users-1");
}

TEST_F(GatewayTest, UnusableConfigMapIsReported) {
  const auto good = render(1);
  putConfigMap(good.objects.configMap);
  startAgent();
  ASSERT_TRUE(waitUntilLoaded(good.configHash));

  auto broken = good.objects.configMap;
  broken["data"]["backends.json"] = "{not json";
  putConfigMap(broken);
  ASSERT_TRUE(eventually(
      [&] { return podAnnotations()["flotilla.io/config-error"].find("backends.json") != std::string::npos; }));
  EXPECT_EQ(podAnnotations()["flotilla.io/loaded-config-hash"], good.configHash);
  EXPECT_TRUE(waitUntilReady(1s));
}

}  // namespace
}  // namespace flotilla::gateway::testing
