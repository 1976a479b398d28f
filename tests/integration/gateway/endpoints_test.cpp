// Endpoint changes reach HAProxy through the runtime API: no reload, traffic follows at once (after the new
// endpoint's health check), removed endpoints stop getting requests, terminating ones drain.

#include <set>

#include "gateway/admin_socket.h"
#include "gateway_fixture.h"

namespace flotilla::gateway::testing {
namespace {

class EndpointsTest : public GatewayTest {
 protected:
  // The pods answering `count` consecutive requests to /api/users ("" for a failed one).
  std::set<std::string> users(int count = 20) {
    std::set<std::string> pods;
    for (int i = 0; i < count; ++i) pods.insert(podServing("/api/users/" + std::to_string(i)));
    return pods;
  }
  std::optional<ServerState> slotOf(const std::string& address) {
    AdminSocket admin(runtimeDir_ + "/admin.sock");
    std::string error;
    auto states = admin.serversState(error);
    if (!states) return std::nullopt;
    for (const auto& state : *states) {
      if (state.backend == "be_shop_users_r0_users" && state.address == address) return state;
    }
    return std::nullopt;
  }
};

TEST_F(EndpointsTest, AddedAndRemovedEndpointsNeedNoReload) {
  auto& first = startEcho("users", "users-1");
  putEndpointSlice("users", {&first});
  const auto rendered = render(1);
  putConfigMap(rendered.objects.configMap);
  startAgent();
  ASSERT_TRUE(waitUntilLoaded(rendered.configHash));
  ASSERT_TRUE(eventually([&] { return users() == std::set<std::string>{"users-1"}; }));
  ASSERT_EQ(reloadsSucceeded(), 1);

  auto& second = startEcho("users", "users-2");
  putEndpointSlice("users", {&first, &second});
  EXPECT_TRUE(eventually([&] {
    return users() == std::set<std::string>{"users-1", "users-2"};
  })) << "the new endpoint never got traffic";
  EXPECT_GE(agentMetric("flotilla_gateway_endpoint_updates_total").value_or(0), 1);

  putEndpointSlice("users", {&second});
  EXPECT_TRUE(eventually([&] { return users() == std::set<std::string>{"users-2"}; }))
      << "the removed endpoint still got traffic";
  auto removed = slotOf(first.address);
  ASSERT_TRUE(removed);
  EXPECT_TRUE(removed->maintenance());

  EXPECT_EQ(reloadsSucceeded(), 1) << "an endpoint-only change reloaded HAProxy";
  EXPECT_FALSE(agentMetric("flotilla_gateway_config_reloads_total{result=\"failure\"}").value_or(0) > 0);
}

TEST_F(EndpointsTest, TerminatingEndpointDrainsBeforeMaintenance) {
  auto& first = startEcho("users", "users-1");
  auto& second = startEcho("users", "users-2");
  putEndpointSlice("users", {&first, &second});
  const auto rendered = render(1);
  putConfigMap(rendered.objects.configMap);
  startAgent();
  ASSERT_TRUE(waitUntilLoaded(rendered.configHash));
  ASSERT_TRUE(eventually([&] { return users() == std::set<std::string>{"users-1", "users-2"}; }));

  putEndpointSlice("users", {&second}, {&first});
  ASSERT_TRUE(eventually([&] {
    auto slot = slotOf(first.address);
    return slot && slot->draining();
  })) << "a terminating endpoint was not drained";
  EXPECT_EQ(users(), std::set<std::string>{"users-2"});

  putEndpointSlice("users", {&second});
  EXPECT_TRUE(eventually([&] {
    auto slot = slotOf(first.address);
    return slot && slot->maintenance();
  }));
  EXPECT_EQ(reloadsSucceeded(), 1);
}

TEST_F(EndpointsTest, RunningOutOfSlotsReloadsWithTheEndpointsRendered) {
  auto& first = startEcho("users", "users-1");
  putEndpointSlice("users", {&first});
  const auto rendered = render(1, [](render::GatewayInputs& inputs) { inputs.slotCounts[{"shop", "users"}] = 1; });
  putConfigMap(rendered.objects.configMap);
  startAgent();
  ASSERT_TRUE(waitUntilLoaded(rendered.configHash));
  ASSERT_TRUE(eventually([&] { return users() == std::set<std::string>{"users-1"}; }));

  auto& second = startEcho("users", "users-2");
  putEndpointSlice("users", {&first, &second});
  EXPECT_TRUE(eventually([&] { return users() == std::set<std::string>{"users-1", "users-2"}; }));
  // The new worker may serve a moment before the master reports the reload done.
  EXPECT_TRUE(eventually([&] { return reloadsSucceeded() == 2; })) << "one reload for the extra slot";
  EXPECT_EQ(podAnnotations()["flotilla.io/loaded-config-hash"], rendered.configHash);
}

}  // namespace
}  // namespace flotilla::gateway::testing
