// The pure diff from server slots + EndpointSlice endpoints to HAProxy runtime API commands.

#include <gtest/gtest.h>

#include "gateway/endpoint_sync.h"

namespace flotilla::gateway {
namespace {

render::BackendSlots backend(std::int32_t slots = 3, const std::string& options = "check inter 1s rise 2") {
  render::BackendSlots b;
  b.backend = "be_users";
  b.microservice = {"shop", "users"};
  b.portName = "http";
  b.targetPort = 8080;
  b.slots = slots;
  b.serverOptions = options;
  return b;
}

SlotState freeSlot(int n) {
  return {"ep" + std::to_string(n), "127.0.0.1", 1, true, false, 0};
}
SlotState activeSlot(int n, const std::string& address, int port = 8080) {
  return {"ep" + std::to_string(n), address, port, false, false, 0};
}

render::Endpoint ready(const std::string& address, const std::string& pod = "") {
  return {address, 8080, "http", true, true, false, pod};
}
render::Endpoint terminating(const std::string& address) {
  return {address, 8080, "http", false, true, true, ""};
}

std::vector<std::string> lines(const EndpointPlan& plan) {
  std::vector<std::string> out;
  for (const auto& update : plan.updates) out.push_back(update.commandLine());
  return out;
}

TEST(EndpointSync, NothingToDoWhenSlotsMatch) {
  auto plan = planEndpointSync(backend(), {activeSlot(1, "10.0.0.1"), activeSlot(2, "10.0.0.2"), freeSlot(3)},
                               {ready("10.0.0.2"), ready("10.0.0.1")});
  EXPECT_TRUE(plan.updates.empty());
  EXPECT_FALSE(plan.slotsExhausted);
  EXPECT_EQ(plan.usableEndpoints.size(), 2u);
}

// Ready by its pod's readiness probe, it serves at once: no `health down` waiting for HAProxy's `rise` checks (which
// left a backend without servers when its old endpoints went first, and took 5-10 s).
TEST(EndpointSync, NewEndpointTakesAFreeSlotAndServesAtOnce) {
  auto plan = planEndpointSync(backend(), {activeSlot(1, "10.0.0.1"), freeSlot(2), freeSlot(3)},
                               {ready("10.0.0.1"), ready("10.0.0.9")});
  EXPECT_EQ(lines(plan), (std::vector<std::string>{
                             "set server be_users/ep2 addr 10.0.0.9 port 8080; set server be_users/ep2 state ready"}));
}

TEST(EndpointSync, WithoutHealthChecksANewEndpointIsReadyAtOnce) {
  auto plan = planEndpointSync(backend(2, "inter 1s"), {freeSlot(1), freeSlot(2)}, {ready("10.0.0.9")});
  EXPECT_EQ(lines(plan), (std::vector<std::string>{
                             "set server be_users/ep1 addr 10.0.0.9 port 8080; set server be_users/ep1 state ready"}));
}

TEST(EndpointSync, RemovedEndpointGoesToMaintenance) {
  auto plan = planEndpointSync(backend(), {activeSlot(1, "10.0.0.1"), activeSlot(2, "10.0.0.2"), freeSlot(3)},
                               {ready("10.0.0.1")});
  EXPECT_EQ(lines(plan), (std::vector<std::string>{"set server be_users/ep2 state maint"}));
}

TEST(EndpointSync, TerminatingEndpointDrainsThenGoesToMaintenanceWhenGone) {
  const std::vector<SlotState> slots{activeSlot(1, "10.0.0.1"), activeSlot(2, "10.0.0.2")};
  auto draining = planEndpointSync(backend(2), slots, {ready("10.0.0.1"), terminating("10.0.0.2")});
  EXPECT_EQ(lines(draining), (std::vector<std::string>{"set server be_users/ep2 state drain"}));

  SlotState drained = activeSlot(2, "10.0.0.2");
  drained.draining = true;
  auto stillDraining = planEndpointSync(backend(2), {slots[0], drained}, {ready("10.0.0.1"), terminating("10.0.0.2")});
  EXPECT_TRUE(stillDraining.updates.empty());
  auto gone = planEndpointSync(backend(2), {slots[0], drained}, {ready("10.0.0.1")});
  EXPECT_EQ(lines(gone), (std::vector<std::string>{"set server be_users/ep2 state maint"}));
}

TEST(EndpointSync, ASlotInMaintenanceWithTheSameAddressComesBack) {
  SlotState parked = activeSlot(1, "10.0.0.1");
  parked.maintenance = true;
  auto plan = planEndpointSync(backend(1), {parked}, {ready("10.0.0.1")});
  EXPECT_EQ(lines(plan), (std::vector<std::string>{"set server be_users/ep1 state ready"}));
}

TEST(EndpointSync, ReusingALiveSlotStopsItBeforeChangingTheAddress) {
  // Two slots, both live with endpoints that are gone, and one new endpoint: one slot is re-addressed (stopped
  // first, so no request reaches the old address once it changes), the other goes to maintenance.
  auto plan = planEndpointSync(backend(2), {activeSlot(1, "10.0.0.1"), activeSlot(2, "10.0.0.2")}, {ready("10.0.0.3")});
  EXPECT_EQ(lines(plan), (std::vector<std::string>{
                             "set server be_users/ep1 state maint; set server be_users/ep1 addr 10.0.0.3 port 8080; "
                             "set server be_users/ep1 state ready",
                             "set server be_users/ep2 state maint"}));
}

TEST(EndpointSync, PrefersSlotsInMaintenanceOverDrainingOnes) {
  SlotState draining = activeSlot(1, "10.0.0.2");
  draining.draining = true;
  auto plan =
      planEndpointSync(backend(2, "inter 1s"), {draining, freeSlot(2)}, {terminating("10.0.0.2"), ready("10.0.0.3")});
  EXPECT_EQ(lines(plan), (std::vector<std::string>{
                             "set server be_users/ep2 addr 10.0.0.3 port 8080; set server be_users/ep2 state ready"}));
}

TEST(EndpointSync, ReportsExhaustedSlots) {
  auto plan = planEndpointSync(backend(1), {freeSlot(1)}, {ready("10.0.0.1"), ready("10.0.0.2")});
  EXPECT_TRUE(plan.slotsExhausted);
  ASSERT_EQ(plan.updates.size(), 1u);
  EXPECT_EQ(plan.usableEndpoints.size(), 2u);
}

TEST(EndpointSync, IgnoresUnreadyOtherPortAndBadAddresses) {
  render::Endpoint notReady = ready("10.0.0.5");
  notReady.ready = false;
  render::Endpoint otherPort{"10.0.0.6", 9090, "metrics", true, true, false, ""};
  render::Endpoint hostname{"users.example.com", 8080, "http", true, true, false, ""};
  auto plan = planEndpointSync(backend(), {freeSlot(1), freeSlot(2), freeSlot(3)}, {notReady, otherPort, hostname});
  EXPECT_TRUE(plan.updates.empty());
  EXPECT_EQ(plan.usableEndpoints.size(), 0u);
}

TEST(EndpointSync, HeldEndpointsStayInMaintenance) {
  auto held = planEndpointSync(backend(2), {activeSlot(1, "10.0.0.1"), activeSlot(2, "10.0.0.2")},
                               {ready("10.0.0.1"), ready("10.0.0.2")}, {"10.0.0.2:8080"});
  EXPECT_EQ(lines(held), (std::vector<std::string>{"set server be_users/ep2 state maint"}));
  SlotState parked = activeSlot(2, "10.0.0.2");
  parked.maintenance = true;
  auto stays = planEndpointSync(backend(2), {activeSlot(1, "10.0.0.1"), parked}, {ready("10.0.0.1"), ready("10.0.0.2")},
                                {"10.0.0.2:8080"});
  EXPECT_TRUE(stays.updates.empty());
}

TEST(EndpointSync, ScalesMaxconnWithEndpoints) {
  auto b = backend(3);
  b.maxConnections = 100;
  b.scaleLimitsWithReplicas = true;
  SlotState one = activeSlot(1, "10.0.0.1");
  one.maxConnections = 100;
  auto plan = planEndpointSync(b, {one, freeSlot(2), freeSlot(3)}, {ready("10.0.0.1"), ready("10.0.0.2")});
  EXPECT_EQ(lines(plan), (std::vector<std::string>{
                             "set maxconn server be_users/ep1 50",
                             "set server be_users/ep2 addr 10.0.0.2 port 8080; set maxconn server be_users/ep2 50; "
                             "set server be_users/ep2 state ready"}));
}

TEST(EndpointSync, Ipv6EndpointIds) {
  EXPECT_EQ(endpointId("10.0.0.1", 80), "10.0.0.1:80");
  EXPECT_EQ(endpointId("fd00::7", 8080), "[fd00::7]:8080");
}

TEST(SlotsByBackend, JoinsStateAndStatsPerBackendInSlotOrder) {
  std::vector<ServerState> states{{"be_users", "ep10", "10.0.0.10", 80, 2, 0},
                                  {"be_users", "ep2", "127.0.0.1", 1, 0, 5},
                                  {"be_other", "ep1", "10.9.9.9", 80, 2, 0},
                                  {"be_users", "fixed", "10.0.0.1", 80, 2, 0}};
  std::vector<ServerStat> stats{{"be_users", "ep10", "UP", 0, 25, "10.0.0.10:80"}};
  std::vector<ServerStat> otherStats = stats;
  otherStats.push_back({"be_other", "ep1", "UP", 0, 7, "10.9.9.9:80"});
  const auto byBackend = slotsByBackend(states, otherStats);
  ASSERT_EQ(byBackend.size(), 2u) << "be_users and be_other; the server that is no slot (fixed) is left out";
  const auto& slots = byBackend.at("be_users");
  ASSERT_EQ(slots.size(), 2u);
  EXPECT_EQ(slots[0].server, "ep2");
  EXPECT_TRUE(slots[0].maintenance);
  EXPECT_EQ(slots[1].server, "ep10");
  EXPECT_EQ(slots[1].maxConnections, 25);
  ASSERT_EQ(byBackend.at("be_other").size(), 1u);
  EXPECT_EQ(byBackend.at("be_other")[0].maxConnections, 7) << "limits are joined within the same backend only";
}

}  // namespace
}  // namespace flotilla::gateway
