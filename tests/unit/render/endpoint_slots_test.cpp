#include <gtest/gtest.h>

#include "render/endpoint_slots.h"
#include "render/gateway_render.h"
#include "render_fixtures.h"

namespace flotilla::render::testing {
namespace {

Endpoint ep(const std::string& address, int port = 8080, bool ready = true, bool terminating = false,
            const std::string& portName = "http") {
  return {address, port, portName, ready, ready, terminating, "pod-" + address};
}

TEST(EndpointSlots, OnlyReadyNonTerminatingEndpointsOnTheRightPort) {
  const auto usable =
      usableEndpoints({ep("10.0.0.3"), ep("10.0.0.1"), ep("10.0.0.2", 8080, false), ep("10.0.0.4", 8080, true, true),
                       ep("10.0.0.5", 9090, true, false, "grpc"), ep("not-an-ip"), ep("10.0.0.6", 0), ep("10.0.0.1"),
                       ep("10.0.0.7", 8080, true, false, "")},
                      "http", 8080);
  std::vector<std::string> addresses;
  for (const auto& e : usable) addresses.push_back(e.address);
  EXPECT_EQ(addresses, (std::vector<std::string>{"10.0.0.1", "10.0.0.3", "10.0.0.7"}));
}

BackendSlots slots() {
  BackendSlots b;
  b.backend = "be_x";
  b.microservice = {"shop", "users"};
  b.portName = "http";
  b.targetPort = 8080;
  b.slots = 4;
  b.serverOptions = "check inter 5s";
  b.maxConnections = 100;
  b.scaleLimitsWithReplicas = true;
  b.currentReplicas = 2;
  return b;
}

TEST(EndpointSlots, ServiceWideLimitIsSharedOverEndpoints) {
  auto b = slots();
  EXPECT_EQ(perServerMaxConnections(b, 0), 50);  // currentReplicas stands in
  EXPECT_EQ(perServerMaxConnections(b, 3), 34);  // rounded up
  b.scaleLimitsWithReplicas = false;
  EXPECT_EQ(perServerMaxConnections(b, 3), 100);
  b.maxConnections = 0;
  EXPECT_EQ(perServerMaxConnections(b, 3), 0);
}

TEST(EndpointSlots, BlockHasRealServersThenSpareSlots) {
  const auto block = renderEndpointBlock(slots(), {ep("10.0.0.1"), ep("fd00::1")});
  EXPECT_EQ(block,
            "    # endpoints of Microservice shop/users port http (4 slots, 2 filled; the gateway agent fills the "
            "others at run time)\n"
            "    default-server check inter 5s maxconn 50\n"
            "    server ep1 10.0.0.1:8080  # pod pod-10.0.0.1\n"
            "    server ep2 ipv6@fd00::1:8080\n"
            "    server-template ep 3-4 127.0.0.1:1 disabled\n");
}

TEST(EndpointSlots, MoreEndpointsThanSlotsGrowsTheBackend) {
  auto b = slots();
  b.slots = 1;
  const auto block = renderEndpointBlock(b, {ep("10.0.0.1"), ep("10.0.0.2")});
  EXPECT_NE(block.find("server ep2 10.0.0.2:8080"), std::string::npos);
  EXPECT_EQ(block.find("server-template"), std::string::npos);
}

TEST(EndpointSlots, ApplyingEndpointsEqualsRenderingWithThem) {
  auto inputs = shopInputs();
  const auto withoutEndpoints = renderGateway(inputs);
  inputs.endpoints[{"shop", "user-service"}] = {ep("10.0.0.1"), ep("10.0.0.2"), ep("10.0.0.9", 8080, false)};
  inputs.endpoints[{"shop", "order-service"}] = {ep("10.0.1.1")};
  const auto withEndpoints = renderGateway(inputs);
  EXPECT_NE(withoutEndpoints.haproxyConfig, withEndpoints.haproxyConfig);
  EXPECT_EQ(applyEndpoints(withoutEndpoints.haproxyConfig, withoutEndpoints.backends, inputs.endpoints),
            withEndpoints.haproxyConfig);
  // And back: applying no endpoints empties the slots again.
  EXPECT_EQ(applyEndpoints(withEndpoints.haproxyConfig, withEndpoints.backends, {}), withoutEndpoints.haproxyConfig);
}

TEST(EndpointSlots, ManifestRoundTripsThroughJson) {
  const auto rendered = renderGateway(shopInputs());
  ASSERT_FALSE(rendered.backends.empty());
  for (const auto& backend : rendered.backends) EXPECT_EQ(backendSlotsFromJson(toJson(backend)), backend);
  const auto& users = rendered.backends[2];
  EXPECT_EQ(users.backend, "be_shop_users_r0_user-service");
  EXPECT_EQ(users.route, "shop/users");
  EXPECT_EQ(users.breakerPolicy, "shop/default-breaker");
  EXPECT_EQ(users.successesToClose, 2);
}

}  // namespace
}  // namespace flotilla::render::testing
