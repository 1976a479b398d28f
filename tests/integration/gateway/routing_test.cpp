// The agent loads the operator's rendered config into a real HAProxy and reports it on its Pod; requests are routed
// to the right backends.

#include <fstream>

#include "gateway_fixture.h"

namespace flotilla::gateway::testing {
namespace {

TEST_F(GatewayTest, RoutesRequestsAndReportsTheLoadedConfig) {
  auto& users = startEcho("users", "users-1");
  auto& orders = startEcho("orders", "orders-1");
  putEndpointSlice("users", {&users});
  putEndpointSlice("orders", {&orders});
  const auto rendered = render(3);
  putConfigMap(rendered.objects.configMap);
  startAgent();

  ASSERT_TRUE(waitUntilLoaded(rendered.configHash)) << "agent never reported the config as loaded";
  auto annotations = podAnnotations();
  EXPECT_EQ(annotations["flotilla.io/loaded-gateway-generation"], "3");
  EXPECT_EQ(annotations.count("flotilla.io/config-error"), 0u);
  ASSERT_TRUE(waitUntilReady());

  ASSERT_TRUE(eventually([&] { return podServing("/api/users/7") == "users-1"; }));
  EXPECT_TRUE(eventually([&] { return podServing("/api/orders") == "orders-1"; }));
  EXPECT_EQ(podServing("/api/orders/42?x=1"), "orders-1");
  auto unrouted = get("/api/usersx");
  ASSERT_TRUE(unrouted.ok()) << unrouted.error;
  EXPECT_EQ(unrouted.reply->status, 404);
  EXPECT_NE(unrouted.reply->body.find("no route"), std::string::npos);

  EXPECT_EQ(reloadsSucceeded(), 1);
  EXPECT_EQ(agentMetric("flotilla_gateway_config_info{hash=\"" + rendered.configHash + "\"}"), 1);
  // The config HAProxy runs is on local disk, with the endpoints rendered into the slots.
  std::ifstream loaded(runtimeDir_ + "/haproxy.cfg");
  std::string text((std::istreambuf_iterator<char>(loaded)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("server ep1 " + users.address + ":8080"), std::string::npos) << text;
}

TEST_F(GatewayTest, WaitsForItsConfigMapAndIsNotReadyBefore) {
  auto& users = startEcho("users", "users-1");
  putEndpointSlice("users", {&users});
  startAgent();
  // Alive without a config (no restarts while the operator has not rendered yet), but not ready.
  ASSERT_TRUE(eventually([&] {
    apiserver::HttpCall call;
    call.host = gatewayAddress_;
    call.port = kAgentPort;
    call.target = "/healthz";
    auto outcome = apiserver::performHttpCall(call);
    return outcome.ok() && outcome.reply->status == 200;
  }));
  apiserver::HttpCall ready;
  ready.host = gatewayAddress_;
  ready.port = kAgentPort;
  ready.target = "/readyz";
  auto before = apiserver::performHttpCall(ready);
  ASSERT_TRUE(before.ok());
  EXPECT_EQ(before.reply->status, 500);
  EXPECT_TRUE(haproxyProcesses().empty());

  const auto rendered = render(1);
  putConfigMap(rendered.objects.configMap);
  ASSERT_TRUE(waitUntilLoaded(rendered.configHash));
  ASSERT_TRUE(waitUntilReady());
  EXPECT_TRUE(eventually([&] { return podServing("/api/users") == "users-1"; }));
}

}  // namespace
}  // namespace flotilla::gateway::testing
