// status.addresses (gateway_addresses.h): load-balancer ingress, then local-process pod IPs (the emulator's
// --run-pods), then the cluster IP; no duplicates.
#include "controllers/gateway_addresses.h"

#include <gtest/gtest.h>

#include "gateway_fixtures.h"

namespace flotilla::controllers {
namespace {

using nlohmann::json;
using testing::gatewayPodJson;

json address(const std::string& value, const std::string& type = "IPAddress") {
  return {{"type", type}, {"value", value}};
}

json service(const std::string& clusterIP, json ingress = json::array()) {
  return {{"spec", {{"clusterIP", clusterIP}}}, {"status", {{"loadBalancer", {{"ingress", ingress}}}}}};
}

GatewayPodReport pod(const std::string& name, bool ready, const std::string& ip) {
  return gatewayPodReport(gatewayPodJson("shop", "public", name, ready, "", "", "", ip));
}

TEST(GatewayAddresses, ClusterIpOfTheService) {
  EXPECT_EQ(gatewayAddresses(nullptr, {}), json::array());
  auto svc = service("10.96.0.12");
  EXPECT_EQ(gatewayAddresses(&svc, {pod("a", true, "10.244.1.5")}), json::array({address("10.96.0.12")}));
  auto headless = service("None");
  EXPECT_EQ(gatewayAddresses(&headless, {}), json::array());
}

TEST(GatewayAddresses, LoadBalancerIngressComesFirst) {
  auto svc = service("10.96.0.12", json::array({{{"ip", "203.0.113.9"}}, {{"hostname", "gw.example.com"}}}));
  EXPECT_EQ(gatewayAddresses(&svc, {}),
            json::array({address("203.0.113.9"), address("gw.example.com", "Hostname"), address("10.96.0.12")}));
}

TEST(GatewayAddresses, ReadyLocalProcessPodsBeforeTheClusterIp) {
  auto svc = service("10.96.0.12");
  auto addresses = gatewayAddresses(&svc, {pod("b", true, "127.0.0.23"), pod("a", true, "127.0.0.21"),
                                           pod("c", false, "127.0.0.22"), pod("d", true, "127.0.0.21")});
  EXPECT_EQ(addresses, json::array({address("127.0.0.21"), address("127.0.0.23"), address("10.96.0.12")}));
}

TEST(GatewayAddresses, LoopbackDetection) {
  EXPECT_TRUE(isLoopbackAddress("127.0.0.1"));
  EXPECT_TRUE(isLoopbackAddress("127.12.0.3"));
  EXPECT_TRUE(isLoopbackAddress("::1"));
  EXPECT_FALSE(isLoopbackAddress("10.127.0.1"));
  EXPECT_FALSE(isLoopbackAddress(""));
}

TEST(GatewayAddresses, AtMostSixteen) {
  std::vector<GatewayPodReport> pods;
  for (int i = 1; i <= 20; ++i) pods.push_back(pod("p" + std::to_string(i), true, "127.0.1." + std::to_string(i)));
  auto svc = service("10.96.0.12");
  EXPECT_EQ(gatewayAddresses(&svc, pods).size(), 16u);
}

}  // namespace
}  // namespace flotilla::controllers
