// The circuit breaker's open duration: HAProxy trips a failing endpoint (observe layer7), the agent holds it out
// for the policy's openDuration (2 s here), then lets health checks close it again; flotilla_circuit_state shows it.

#include <sstream>

#include "gateway_fixture.h"

namespace flotilla::gateway::testing {
namespace {

class BreakerTest : public GatewayTest {
 protected:
  // flotilla_circuit_state for the endpoint at `address`, nullopt while there is no series.
  std::optional<double> circuitState(const std::string& address) {
    std::istringstream lines(agentMetrics());
    for (std::string line; std::getline(lines, line);) {
      if (!line.starts_with("flotilla_circuit_state{")) continue;
      if (line.find("endpoint=\"" + address + ":8080\"") == std::string::npos) continue;
      EXPECT_NE(line.find("route=\"shop/users\""), std::string::npos) << line;
      EXPECT_NE(line.find("gateway=\"shop/public\""), std::string::npos) << line;
      return std::stod(line.substr(line.rfind(' ') + 1));
    }
    return std::nullopt;
  }
  void control(const EchoBackend& echo, const std::string& settings) {
    apiserver::HttpCall call;
    call.host = echo.address;
    call.port = 8080;
    call.method = "POST";
    call.target = "/control";
    call.body = settings;
    auto outcome = apiserver::performHttpCall(call);
    ASSERT_TRUE(outcome.ok() && outcome.reply->status == 200) << outcome.error;
  }
};

TEST_F(BreakerTest, TrippedEndpointIsHeldOpenThenClosesAgain) {
  auto& healthy = startEcho("users", "users-1");
  auto& failing = startEcho("users", "users-2");
  putEndpointSlice("users", {&healthy, &failing});
  const auto rendered = render(1);
  putConfigMap(rendered.objects.configMap);
  startAgent();
  ASSERT_TRUE(waitUntilLoaded(rendered.configHash));
  ASSERT_TRUE(eventually([&] { return podServing("/api/users") == "users-2"; }));

  control(failing, R"({"failureRate": 1})");  // its /healthz keeps passing: only real requests fail
  int failures = 0;
  ASSERT_TRUE(eventually([&] {
    auto outcome = get("/api/users");
    if (outcome.ok() && outcome.reply->status >= 500) ++failures;
    return circuitState(failing.address) == 1;
  })) << "the circuit never opened";
  // HAProxy takes it out after 3 consecutive failures (consecutiveFailures); its own health check (every 200 ms,
  // rise 1) may readmit it once for another 3 before the agent's next poll (every 100 ms) holds it open.
  EXPECT_LE(failures, 6);

  // While open, only the healthy endpoint answers, although the failing one passes its health checks.
  for (int i = 0; i < 20; ++i) EXPECT_EQ(podServing("/api/users/" + std::to_string(i)), "users-1");

  control(failing, R"({"failureRate": 0})");
  EXPECT_TRUE(eventually([&] { return circuitState(failing.address) == 0; }, 20s)) << "the circuit never closed";
  EXPECT_TRUE(eventually([&] { return podServing("/api/users") == "users-2"; })) << "traffic did not return";
  EXPECT_EQ(circuitState(healthy.address), 0.0) << "a served endpoint that never tripped reads closed";
}

}  // namespace
}  // namespace flotilla::gateway::testing
