#include <gtest/gtest.h>

#include "gateway/endpoint_slices.h"

namespace flotilla::gateway {
namespace {

using nlohmann::json;

json slice(const std::string& service, json endpoints, const std::string& addressType = "IPv4") {
  return {{"apiVersion", "discovery.k8s.io/v1"},
          {"kind", "EndpointSlice"},
          {"metadata",
           {{"name", service + "-abc"}, {"namespace", "shop"}, {"labels", {{"kubernetes.io/service-name", service}}}}},
          {"addressType", addressType},
          {"ports", json::array({{{"name", "http"}, {"port", 8080}, {"protocol", "TCP"}}})},
          {"endpoints", std::move(endpoints)}};
}

TEST(EndpointSlices, ConvertsEndpointsWithConditions) {
  auto s = slice(
      "users",
      json::array({
          {{"addresses", {"10.0.0.1"}},
           {"conditions", {{"ready", true}}},
           {"targetRef", {{"kind", "Pod"}, {"name", "users-1"}}}},
          {{"addresses", {"10.0.0.2"}}, {"conditions", {{"ready", false}, {"serving", true}, {"terminating", true}}}},
          {{"addresses", {"10.0.0.3"}}},  // no conditions: ready
      }));
  auto endpoints = endpointsOfSlice(s);
  ASSERT_EQ(endpoints.size(), 3u);
  EXPECT_EQ(endpoints[0].address, "10.0.0.1");
  EXPECT_EQ(endpoints[0].port, 8080);
  EXPECT_EQ(endpoints[0].portName, "http");
  EXPECT_TRUE(endpoints[0].ready);
  EXPECT_EQ(endpoints[0].podName, "users-1");
  EXPECT_FALSE(endpoints[1].ready);
  EXPECT_TRUE(endpoints[1].serving);
  EXPECT_TRUE(endpoints[1].terminating);
  EXPECT_TRUE(endpoints[2].ready);
  EXPECT_FALSE(endpoints[2].terminating);
}

TEST(EndpointSlices, SkipsFqdnSlicesAndBrokenEntries) {
  EXPECT_TRUE(endpointsOfSlice(slice("users", json::array({{{"addresses", {"a.example"}}}}), "FQDN")).empty());
  EXPECT_TRUE(endpointsOfSlice(slice("users", json::array({{{"addresses", json::array()}}, json("x")}))).empty());
  EXPECT_TRUE(endpointsOfSlice(json::object()).empty());
}

TEST(EndpointSlices, GroupsByServiceAcrossSlices) {
  auto a = slice("users", json::array({{{"addresses", {"10.0.0.2"}}}}));
  auto b = slice("users", json::array({{{"addresses", {"10.0.0.1"}}}}));
  b["metadata"]["name"] = "users-def";
  auto c = slice("orders", json::array({{{"addresses", {"10.0.1.1"}}}}));
  auto unlabelled = slice("x", json::array({{{"addresses", {"10.0.2.1"}}}}));
  unlabelled["metadata"].erase("labels");
  auto grouped = endpointsByService({a, b, c, unlabelled});
  ASSERT_EQ(grouped.size(), 2u);
  const auto& users = grouped.at({"shop", "users"});
  ASSERT_EQ(users.size(), 2u);
  EXPECT_EQ(users[0].address, "10.0.0.1");  // sorted
  EXPECT_EQ(grouped.at({"shop", "orders"}).size(), 1u);
}

}  // namespace
}  // namespace flotilla::gateway
