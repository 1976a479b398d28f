// Config changes reload HAProxy through the master CLI without dropping a request.

#include <atomic>
#include <iostream>
#include <thread>

#include "gateway_fixture.h"

namespace flotilla::gateway::testing {
namespace {

// A new timeout changes the text (and so the hash) of the config.
std::function<void(render::GatewayInputs&)> withTimeout(int seconds) {
  return [seconds](render::GatewayInputs& inputs) {
    inputs.gateway.spec.defaults.timeout = api::Duration::seconds(seconds);
  };
}

TEST_F(GatewayTest, ReloadsUnderSteadyTrafficDropNothing) {
  auto& first = startEcho("users", "users-1");
  auto& second = startEcho("users", "users-2");
  putEndpointSlice("users", {&first, &second});
  const auto initial = render(1);
  putConfigMap(initial.objects.configMap);
  startAgent();
  ASSERT_TRUE(waitUntilLoaded(initial.configHash));
  ASSERT_TRUE(eventually([&] { return !podServing("/api/users").empty(); }));

  std::atomic<bool> stop{false};
  std::atomic<int> ok{0}, non2xx{0}, errors{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < 3; ++c) {
    clients.emplace_back([&] {
      while (!stop) {
        auto outcome = get("/api/users/x", 5s);
        if (!outcome.ok()) {
          ++errors;
        } else if (outcome.reply->status / 100 != 2) {
          ++non2xx;
        } else {
          ++ok;
        }
      }
    });
  }
  constexpr int kChanges = 10;
  for (int n = 1; n <= kChanges; ++n) {
    const auto changed = render(1 + n, withTimeout(5 + n));
    putConfigMap(changed.objects.configMap);
    ASSERT_TRUE(waitUntilLoaded(changed.configHash)) << "change " << n << " never loaded";
  }
  stop = true;
  for (auto& client : clients) client.join();
  std::cout << "requests during " << kChanges << " reloads: " << ok << " ok, " << non2xx << " non-2xx, " << errors
            << " errors\n";
  EXPECT_EQ(errors, 0);
  EXPECT_EQ(non2xx, 0);
  EXPECT_GT(ok, 0);
  EXPECT_EQ(reloadsSucceeded(), 1 + kChanges);
  EXPECT_GT(agentMetric("flotilla_gateway_reload_duration_seconds_count").value_or(0), 0);
}

TEST_F(GatewayTest, ChangesArrivingQuicklyConvergeOnTheLatest) {
  const auto initial = render(1);
  putConfigMap(initial.objects.configMap);
  startAgent();
  ASSERT_TRUE(waitUntilLoaded(initial.configHash));
  std::string last;
  for (int n = 1; n <= 5; ++n) {
    const auto changed = render(1 + n, withTimeout(5 + n));
    putConfigMap(changed.objects.configMap);
    last = changed.configHash;
  }
  ASSERT_TRUE(waitUntilLoaded(last));
  EXPECT_EQ(podAnnotations()["flotilla.io/loaded-gateway-generation"], "6");
  // Never more than one load per change (plus the first); coalescing may make it fewer.
  EXPECT_LE(reloadsSucceeded(), 6);
  EXPECT_EQ(agentMetric("flotilla_gateway_config_info{hash=\"" + last + "\"}"), 1);
  EXPECT_FALSE(agentMetric("flotilla_gateway_config_info{hash=\"" + initial.configHash + "\"}"));
}

}  // namespace
}  // namespace flotilla::gateway::testing
