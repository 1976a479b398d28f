// The agent-held open duration of a tripped circuit: OPEN (maint) for openDuration, then HALF-OPEN (`state ready;
// health down`), CLOSED once HAProxy reports the server UP.

#include <gtest/gtest.h>

#include "gateway/breaker_monitor.h"

namespace flotilla::gateway {
namespace {

using namespace std::chrono_literals;
using TimePoint = BreakerMonitor::TimePoint;

std::vector<render::BackendSlots> backends(std::int64_t openMs = 10000) {
  render::BackendSlots b;
  b.backend = "be_users";
  b.route = "shop/users";
  b.openDurationMs = openMs;
  return {b};
}

ServerStat stat(const std::string& status, std::int64_t hanafail, const std::string& server = "ep1",
                const std::string& address = "10.0.0.1:8080") {
  return {"be_users", server, status, hanafail, 0, address};
}

TEST(BreakerMonitor, HoldsATrippedServerOpenThenProbesThenCloses) {
  BreakerMonitor monitor;
  const TimePoint t0{};
  EXPECT_TRUE(monitor.observe({stat("UP", 0)}, backends(), t0).empty());  // baseline
  auto trip = monitor.observe({stat("DOWN", 5)}, backends(), t0 + 1s);
  EXPECT_EQ(trip, (std::vector<std::string>{"set server be_users/ep1 state maint"}));
  EXPECT_EQ(monitor.heldOpen("be_users"), (std::set<std::string>{"10.0.0.1:8080"}));
  EXPECT_TRUE(monitor.heldOpen("be_user").empty()) << "a backend whose name is a prefix";
  EXPECT_TRUE(monitor.heldOpen("be_users2").empty()) << "a backend after it";
  auto transitions = monitor.takeTransitions();
  ASSERT_EQ(transitions.size(), 1u);
  EXPECT_EQ(transitions[0].to, CircuitState::Open);
  EXPECT_EQ(transitions[0].route, "shop/users");

  EXPECT_TRUE(monitor.observe({stat("MAINT", 5)}, backends(), t0 + 10s).empty());  // still within openDuration
  auto probe = monitor.observe({stat("MAINT", 5)}, backends(), t0 + 11s);
  EXPECT_EQ(probe,
            (std::vector<std::string>{"set server be_users/ep1 state ready; set server be_users/ep1 health down"}));
  EXPECT_TRUE(monitor.heldOpen("be_users").empty());
  EXPECT_TRUE(monitor.observe({stat("DOWN", 5)}, backends(), t0 + 12s).empty());
  EXPECT_EQ(monitor.circuits().begin()->second.state, CircuitState::HalfOpen);
  EXPECT_TRUE(monitor.observe({stat("UP", 5)}, backends(), t0 + 13s).empty());
  EXPECT_TRUE(monitor.circuits().empty());
  transitions = monitor.takeTransitions();
  ASSERT_EQ(transitions.size(), 2u);
  EXPECT_EQ(transitions[0].to, CircuitState::HalfOpen);
  EXPECT_EQ(transitions[1].to, CircuitState::Closed);
}

TEST(BreakerMonitor, HealthCheckDownIsNotATrip) {
  BreakerMonitor monitor;
  monitor.observe({stat("UP", 0)}, backends(), TimePoint{});
  EXPECT_TRUE(monitor.observe({stat("DOWN", 0)}, backends(), TimePoint{} + 1s).empty());
  EXPECT_TRUE(monitor.circuits().empty());
}

TEST(BreakerMonitor, ATripIsSeenEvenWhenHealthChecksReadmittedTheServerAlready) {
  BreakerMonitor monitor;
  monitor.observe({stat("UP", 0)}, backends(), TimePoint{});
  auto trip = monitor.observe({stat("UP", 1)}, backends(), TimePoint{} + 1s);
  EXPECT_EQ(trip, (std::vector<std::string>{"set server be_users/ep1 state maint"}));
}

TEST(BreakerMonitor, CountersRestartingAfterAReloadAreNotTrips) {
  BreakerMonitor monitor;
  monitor.observe({stat("UP", 7)}, backends(), TimePoint{});
  monitor.resetCounters();
  EXPECT_TRUE(monitor.observe({stat("DOWN", 0)}, backends(), TimePoint{} + 1s).empty());
  EXPECT_TRUE(monitor.observe({stat("DOWN", 0)}, backends(), TimePoint{} + 2s).empty());
  EXPECT_TRUE(monitor.circuits().empty());
}

TEST(BreakerMonitor, HoldFollowsTheEndpointToAnotherSlot) {
  BreakerMonitor monitor;
  monitor.observe({stat("UP", 0)}, backends(), TimePoint{});
  monitor.observe({stat("DOWN", 5)}, backends(), TimePoint{} + 1s);
  monitor.resetCounters();  // a reload renumbered the slots
  EXPECT_TRUE(monitor.observe({stat("UP", 0, "ep3")}, backends(), TimePoint{} + 2s).empty());
  EXPECT_EQ(monitor.heldOpen("be_users"), (std::set<std::string>{"10.0.0.1:8080"}));
  auto probe = monitor.observe({stat("MAINT", 0, "ep3")}, backends(), TimePoint{} + 12s);
  EXPECT_EQ(probe,
            (std::vector<std::string>{"set server be_users/ep3 state ready; set server be_users/ep3 health down"}));
}

TEST(BreakerMonitor, WithoutOpenDurationOnlyObserves) {
  BreakerMonitor monitor;
  monitor.observe({stat("UP", 0)}, backends(0), TimePoint{});
  EXPECT_TRUE(monitor.observe({stat("DOWN", 5)}, backends(0), TimePoint{} + 1s).empty());
  EXPECT_EQ(monitor.circuits().begin()->second.state, CircuitState::Open);
  EXPECT_TRUE(monitor.observe({stat("DOWN", 5)}, backends(0), TimePoint{} + 2s).empty());
  EXPECT_EQ(monitor.circuits().begin()->second.state, CircuitState::HalfOpen);
}

TEST(BreakerMonitor, ForgetsCircuitsWhoseEndpointLeft) {
  BreakerMonitor monitor;
  monitor.observe({stat("UP", 0)}, backends(), TimePoint{});
  monitor.observe({stat("DOWN", 5)}, backends(), TimePoint{} + 1s);
  monitor.takeTransitions();
  monitor.observe({stat("MAINT", 5, "ep1", "127.0.0.1:1")}, backends(), TimePoint{} + 2s);
  EXPECT_TRUE(monitor.circuits().empty());
  auto transitions = monitor.takeTransitions();
  ASSERT_EQ(transitions.size(), 1u);
  EXPECT_EQ(transitions[0].to, CircuitState::Closed);
}

}  // namespace
}  // namespace flotilla::gateway
