#include "apiserver/sim_endpointslice.h"

#include <gtest/gtest.h>

#include "fake_cluster.h"

namespace flotilla::apiserver::sim {
namespace {

using testing::FakeCluster;

json serviceObject(json ports, bool publishNotReady = false) {
  json service{{"metadata", {{"name", "orders"}, {"namespace", "shop"}, {"labels", {{"team", "a"}}}}},
               {"spec", {{"selector", {{"app", "orders"}}}, {"ports", std::move(ports)}}}};
  if (publishNotReady) service["spec"]["publishNotReadyAddresses"] = true;
  return service;
}

json podObject(const std::string& name, const std::string& ip, bool ready, json containerPorts = nullptr,
               const std::string& app = "orders") {
  json pod{{"metadata", {{"name", name}, {"namespace", "shop"}, {"labels", {{"app", app}}}}},
           {"spec", {{"containers", json::array({{{"name", "main"}, {"image", "echo"}}})}}},
           {"status", {{"phase", "Running"}}}};
  if (!containerPorts.is_null()) pod["spec"]["containers"][0]["ports"] = std::move(containerPorts);
  if (!ip.empty()) pod["status"]["podIP"] = ip;
  pod["status"]["conditions"] = json::array({{{"type", "Ready"}, {"status", ready ? "True" : "False"}}});
  return pod;
}

class EndpointSliceController : public ::testing::Test {
 protected:
  void reconcile() {
    int n = 0;
    NameSuffix names = [&n] { return "s" + std::to_string(++n); };
    for (int pass = 0; pass < 3; ++pass) {
      const json* service = cluster.find(kServices, "shop", "orders");
      ASSERT_NE(service, nullptr);
      json svc = *service;
      cluster.apply(reconcileEndpointSlices(svc, refsOf(cluster.list(kPods, "shop")),
                                            refsOf(cluster.list(kEndpointSlices, "shop")),
                                            [&] { return "x" + std::to_string(pass) + names(); }));
      cluster.apply(
          reconcileEndpoints(svc, refsOf(cluster.list(kPods, "shop")), cluster.find(kEndpoints, "shop", "orders")));
    }
  }

  std::vector<json> slices() { return cluster.list(kEndpointSlices, "shop"); }

  // endpoint address → conditions, across all slices
  std::map<std::string, json> endpointConditions() {
    std::map<std::string, json> out;
    for (const auto& slice : slices()) {
      for (const auto& endpoint : slice["endpoints"]) out[endpoint["addresses"][0]] = endpoint["conditions"];
    }
    return out;
  }

  FakeCluster cluster;
};

TEST_F(EndpointSliceController, ListsReadyPodsWithResolvedNamedPort) {
  cluster.create(kServices, serviceObject(json::array({{{"name", "http"}, {"port", 80}, {"targetPort", "web"}}})));
  json ports = json::array({{{"name", "web"}, {"containerPort", 8080}}});
  cluster.create(kPods, podObject("orders-1", "10.244.0.1", true, ports));
  cluster.create(kPods, podObject("orders-2", "10.244.0.2", true, ports));
  cluster.create(kPods, podObject("other-1", "10.244.0.3", true, ports, "users"));
  cluster.create(kPods, podObject("orders-pending", "", false, ports));  // no IP yet: not an endpoint
  reconcile();

  auto all = slices();
  ASSERT_EQ(all.size(), 1u);
  const json& slice = all[0];
  EXPECT_EQ(slice["addressType"], "IPv4");
  EXPECT_EQ(slice["metadata"]["name"].get<std::string>().rfind("orders-", 0), 0u);
  EXPECT_EQ(slice["metadata"]["labels"]["kubernetes.io/service-name"], "orders");
  EXPECT_EQ(slice["metadata"]["labels"]["endpointslice.kubernetes.io/managed-by"], "endpointslice-controller.k8s.io");
  EXPECT_EQ(slice["metadata"]["labels"]["team"], "a");
  EXPECT_EQ(slice["metadata"]["ownerReferences"][0]["kind"], "Service");
  EXPECT_EQ(slice["metadata"]["ownerReferences"][0]["controller"], true);
  EXPECT_EQ(slice["ports"], json::parse(R"([{"name":"http","port":8080,"protocol":"TCP"}])"));
  ASSERT_EQ(slice["endpoints"].size(), 2u);
  EXPECT_EQ(slice["endpoints"][0]["addresses"][0], "10.244.0.1");
  EXPECT_EQ(slice["endpoints"][0]["targetRef"]["name"], "orders-1");
  EXPECT_EQ(slice["endpoints"][0]["targetRef"]["kind"], "Pod");
  EXPECT_EQ(slice["endpoints"][0]["conditions"], json::parse(R"({"ready":true,"serving":true,"terminating":false})"));

  // Steady: no further writes.
  auto writes = cluster.log.size();
  reconcile();
  EXPECT_EQ(cluster.log.size(), writes);
}

TEST_F(EndpointSliceController, ConditionsFollowReadinessAndTermination) {
  cluster.create(kServices, serviceObject(json::array({{{"port", 8080}}})));
  cluster.create(kPods, podObject("orders-ready", "10.244.0.1", true));
  cluster.create(kPods, podObject("orders-unready", "10.244.0.2", false));
  json terminating = podObject("orders-leaving", "10.244.0.3", true);
  terminating["metadata"]["deletionTimestamp"] = "2024-01-01T00:00:00Z";
  cluster.create(kPods, terminating);
  json failed = podObject("orders-failed", "10.244.0.4", false);
  failed["status"]["phase"] = "Failed";
  cluster.create(kPods, failed);
  reconcile();

  auto conditions = endpointConditions();
  ASSERT_EQ(conditions.size(), 3u);
  EXPECT_EQ(conditions["10.244.0.1"], json::parse(R"({"ready":true,"serving":true,"terminating":false})"));
  EXPECT_EQ(conditions["10.244.0.2"], json::parse(R"({"ready":false,"serving":false,"terminating":false})"));
  EXPECT_EQ(conditions["10.244.0.3"], json::parse(R"({"ready":false,"serving":true,"terminating":true})"));

  // Legacy Endpoints: ready and not-ready addresses, terminating ones left out.
  const json* endpoints = cluster.find(kEndpoints, "shop", "orders");
  ASSERT_NE(endpoints, nullptr);
  EXPECT_EQ((*endpoints)["subsets"][0]["addresses"][0]["ip"], "10.244.0.1");
  EXPECT_EQ((*endpoints)["subsets"][0]["notReadyAddresses"][0]["ip"], "10.244.0.2");
  EXPECT_EQ((*endpoints)["subsets"][0]["ports"][0]["port"], 8080);
  EXPECT_EQ((*endpoints)["metadata"]["labels"]["endpoints.kubernetes.io/managed-by"], "endpoint-controller");
}

TEST_F(EndpointSliceController, PublishNotReadyAddressesMarksEveryEndpointReady) {
  cluster.create(kServices, serviceObject(json::array({{{"port", 80}}}), true));
  cluster.create(kPods, podObject("orders-unready", "10.244.0.2", false));
  reconcile();
  EXPECT_EQ(endpointConditions()["10.244.0.2"]["ready"], true);
  EXPECT_EQ(endpointConditions()["10.244.0.2"]["serving"], false);
}

TEST_F(EndpointSliceController, PodsWithDifferentPortMappingsGetSeparateSlices) {
  cluster.create(kServices, serviceObject(json::array({{{"name", "http"}, {"port", 80}, {"targetPort", "web"}}})));
  cluster.create(kPods,
                 podObject("orders-a", "10.244.0.1", true, json::array({{{"name", "web"}, {"containerPort", 8080}}})));
  cluster.create(kPods,
                 podObject("orders-b", "10.244.0.2", true, json::array({{{"name", "web"}, {"containerPort", 9090}}})));
  reconcile();
  auto all = slices();
  ASSERT_EQ(all.size(), 2u);
  std::set<std::int64_t> ports;
  for (const auto& slice : all) {
    EXPECT_EQ(slice["endpoints"].size(), 1u);
    ports.insert(slice["ports"][0]["port"].get<std::int64_t>());
  }
  EXPECT_EQ(ports, (std::set<std::int64_t>{8080, 9090}));
}

TEST_F(EndpointSliceController, PlaceholderWhenNothingMatchesAndUpdatesInPlace) {
  cluster.create(kServices, serviceObject(json::array({{{"port", 80}}})));
  reconcile();
  ASSERT_EQ(slices().size(), 1u);
  EXPECT_TRUE(slices()[0]["endpoints"].empty());
  EXPECT_FALSE(slices()[0].contains("ports"));

  cluster.create(kPods, podObject("orders-1", "10.244.0.1", true));
  reconcile();
  ASSERT_EQ(slices().size(), 1u);  // the placeholder became the real slice
  EXPECT_EQ(slices()[0]["endpoints"].size(), 1u);
  std::string name = slices()[0]["metadata"]["name"];

  cluster.create(kPods, podObject("orders-2", "10.244.0.2", true));
  reconcile();
  ASSERT_EQ(slices().size(), 1u);
  EXPECT_EQ(slices()[0]["metadata"]["name"], name);  // updated, not replaced
  EXPECT_EQ(slices()[0]["endpoints"].size(), 2u);

  cluster.remove(kPods, "shop", "orders-1");
  reconcile();
  EXPECT_EQ(slices()[0]["endpoints"].size(), 1u);
  EXPECT_EQ(slices()[0]["endpoints"][0]["targetRef"]["name"], "orders-2");
}

TEST_F(EndpointSliceController, SplitsAtOneHundredEndpoints) {
  cluster.create(kServices, serviceObject(json::array({{{"port", 80}}})));
  for (int i = 0; i < 150; ++i) {
    cluster.create(kPods, podObject("orders-" + std::to_string(1000 + i), "10.244.1." + std::to_string(i), true));
  }
  reconcile();
  auto all = slices();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0]["endpoints"].size() + all[1]["endpoints"].size(), 150u);
  EXPECT_LE(std::max(all[0]["endpoints"].size(), all[1]["endpoints"].size()), 100u);
}

TEST_F(EndpointSliceController, ServicesWithoutSelectorAreLeftAlone) {
  json service = serviceObject(json::array({{{"port", 80}}}));
  service["spec"].erase("selector");
  cluster.create(kServices, service);
  cluster.create(kPods, podObject("orders-1", "10.244.0.1", true));
  reconcile();
  EXPECT_TRUE(slices().empty());
  EXPECT_EQ(cluster.find(kEndpoints, "shop", "orders"), nullptr);
}

TEST_F(EndpointSliceController, DeletingTheServiceCollectsItsSlices) {
  cluster.create(kServices, serviceObject(json::array({{{"port", 80}}})));
  cluster.create(kPods, podObject("orders-1", "10.244.0.1", true));
  reconcile();
  ASSERT_EQ(slices().size(), 1u);
  cluster.remove(kServices, "shop", "orders");
  EXPECT_TRUE(slices().empty());
}

}  // namespace
}  // namespace flotilla::apiserver::sim
