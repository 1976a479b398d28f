// servesTheSame: a new ConfigMap whose text, with the current endpoints rendered in, is what HAProxy serves already
// needs no reload. The operator's text shows the per-server maxconn for the Microservice's replicas, so scaling
// within the slots changes the ConfigMap but not the served config; anything else (slots, routing) does.
#include <gtest/gtest.h>

#include "gateway/gateway_config.h"

namespace flotilla::gateway {
namespace {

using Endpoints = std::map<render::ObjectKey, std::vector<render::Endpoint>>;

render::BackendSlots backend(std::int32_t replicas, std::int32_t slots = 4) {
  render::BackendSlots b;
  b.backend = "be_users";
  b.microservice = {"shop", "users"};
  b.portName = "http";
  b.targetPort = 8080;
  b.slots = slots;
  b.serverOptions = "check inter 5s";
  b.maxConnections = 1024;
  b.scaleLimitsWithReplicas = true;
  b.currentReplicas = replicas;
  return b;
}

// The operator's render: no endpoints filled in.
GatewayConfig rendered(const render::BackendSlots& b,
                       const std::string& routing = "    http-request return status 404\n") {
  const std::string skeleton = "frontend http\n" + routing + "backend be_users\n    balance roundrobin\n" +
                               std::string("    # endpoints of users\n");
  GatewayConfig config;
  config.backends = {b};
  config.text = render::applyEndpoints(skeleton, config.backends, {});
  config.hash = "sha256:" + std::to_string(b.currentReplicas) + "-" + std::to_string(b.slots) + routing;
  return config;
}

Endpoints endpoints(int count) {
  std::vector<render::Endpoint> list;
  for (int i = 1; i <= count; ++i) {
    render::Endpoint e;
    e.address = "10.0.0." + std::to_string(i);
    e.port = 8080;
    e.portName = "http";
    e.ready = e.serving = true;
    list.push_back(e);
  }
  return {{{"shop", "users"}, list}};
}

TEST(ServesTheSame, ScalingWithinTheSlotsChangesTheTextButNotWhatServes) {
  const auto one = rendered(backend(1));
  const auto three = rendered(backend(3));
  ASSERT_NE(one.text, three.text);                       // maxconn 1024 vs 342 in the operator's text
  EXPECT_TRUE(servesTheSame(one, three, endpoints(1)));  // rendered before the new pods exist
  EXPECT_TRUE(servesTheSame(one, three, endpoints(3)));
  EXPECT_TRUE(servesTheSame(three, one, endpoints(2)));
}

TEST(ServesTheSame, MoreSlotsOrOtherRoutingNeedAReload) {
  EXPECT_FALSE(servesTheSame(rendered(backend(1)), rendered(backend(5, 7)), endpoints(1)));
  EXPECT_FALSE(
      servesTheSame(rendered(backend(1)), rendered(backend(1), "    http-request return status 410\n"), endpoints(1)));
}

TEST(ServesTheSame, WithoutEndpointsTheReplicaCountStillShows) {
  // Nothing to divide the limit over: the text keeps the operator's per-replica maxconn, so it differs.
  EXPECT_FALSE(servesTheSame(rendered(backend(1)), rendered(backend(3)), {}));
}

}  // namespace
}  // namespace flotilla::gateway
