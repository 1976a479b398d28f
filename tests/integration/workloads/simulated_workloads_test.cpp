// --simulate-workloads without --run-pods: Deployments roll out, Services get EndpointSlices, HPAs scale, all
// through the emulator's real storage and API rules.
#include <gtest/gtest.h>

#include "apiserver/sim_objects.h"
#include "emulated_cluster.h"

namespace flotilla::apiserver {
namespace {

using nlohmann::json;
using testing::deploymentOf;
using testing::EmulatedCluster;
using testing::serviceOf;

WorkloadSimulatorOptions simulated() {
  WorkloadSimulatorOptions options;
  options.podStartDelay = std::chrono::milliseconds(50);
  options.hpaSyncPeriod = std::chrono::milliseconds(200);
  return options;
}

class SimulatedWorkloads : public ::testing::Test {
 protected:
  json deployment(const std::string& name) { return cluster.get(sim::kDeployments, name).value_or(json()); }

  json condition(const json& object, const std::string& type) {
    const json* conditions = meta::find(object, "status.conditions");
    const json* found = conditions ? sim::findCondition(*conditions, type) : nullptr;
    return found ? *found : json();
  }

  EmulatedCluster cluster{simulated()};
};

TEST_F(SimulatedWorkloads, DeploymentBecomesAvailableAndRollsOut) {
  cluster.create(cluster.resource(sim::kDeployments), deploymentOf("web", 3, "nginx:1"));
  cluster.create(cluster.resource(sim::kServices), serviceOf("web"));
  ASSERT_TRUE(EmulatedCluster::eventually([&] {
    json d = deployment("web");
    return sim::intAt(d, "status.availableReplicas", 0) == 3 && condition(d, "Available")["status"] == "True" &&
           condition(d, "Progressing")["reason"] == "NewReplicaSetAvailable";
  })) << deployment("web")["status"].dump();
  json d = deployment("web");
  EXPECT_EQ(sim::intAt(d, "status.observedGeneration", 0), sim::intAt(d, "metadata.generation", -1));
  for (const auto& pod : cluster.list(sim::kPods)) {
    EXPECT_EQ(pod["status"]["podIP"].get<std::string>().rfind("10.244.", 0), 0u);  // data only, never contacted
  }
  // The slice lists the three pods, ready.
  ASSERT_TRUE(EmulatedCluster::eventually([&] {
    std::size_t ready = 0;
    for (const auto& slice : cluster.list(sim::kEndpointSlices)) {
      for (const auto& e : slice["endpoints"]) ready += e["conditions"]["ready"].get<bool>();
    }
    return ready == 3;
  }));

  cluster.edit(sim::kDeployments, "web",
               [](json& object) { object["spec"]["template"]["spec"]["containers"][0]["image"] = "nginx:2"; });
  ASSERT_TRUE(EmulatedCluster::eventually([&] {
    json current = deployment("web");
    if (sim::intAt(current, "status.observedGeneration", 0) != sim::intAt(current, "metadata.generation", -1) ||
        sim::intAt(current, "status.updatedReplicas", 0) != 3 ||
        sim::intAt(current, "status.availableReplicas", 0) != 3 || sim::intAt(current, "status.replicas", 0) != 3) {
      return false;
    }
    std::size_t active = 0;
    for (const auto& rs : cluster.list(sim::kReplicaSets)) active += sim::intAt(rs, "spec.replicas", 0) > 0;
    std::size_t newPods = 0;
    for (const auto& pod : cluster.list(sim::kPods)) newPods += pod["spec"]["containers"][0]["image"] == "nginx:2";
    return active == 1 && newPods == 3 && cluster.list(sim::kPods).size() == 3;
  })) << deployment("web")["status"].dump();
  EXPECT_EQ(cluster.list(sim::kReplicaSets).size(), 2u);
  EXPECT_EQ(sim::annotationValue(deployment("web"), "deployment.kubernetes.io/revision"), "2");
}

TEST_F(SimulatedWorkloads, SteadyStateWritesNothing) {
  cluster.create(cluster.resource(sim::kDeployments), deploymentOf("web", 2, "nginx:1"));
  cluster.create(cluster.resource(sim::kServices), serviceOf("web"));
  ASSERT_TRUE(EmulatedCluster::eventually(
      [&] { return condition(deployment("web"), "Progressing")["reason"] == "NewReplicaSetAvailable"; }));
  // Let any last status write land, then check that nothing changes over a few passes.
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  std::uint64_t version = cluster.service().store().currentResourceVersion();
  std::uint64_t passes = cluster.simulator().passes();
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_EQ(cluster.service().store().currentResourceVersion(), version);
  EXPECT_GE(cluster.simulator().passes(), passes);
}

TEST_F(SimulatedWorkloads, HorizontalPodAutoscalerScalesOnCpu) {
  cluster.create(cluster.resource(sim::kDeployments), deploymentOf("orders", 2, "nginx:1"));
  json hpa{{"metadata", {{"name", "orders"}, {"namespace", "shop"}}},
           {"spec",
            {{"scaleTargetRef", {{"apiVersion", "apps/v1"}, {"kind", "Deployment"}, {"name", "orders"}}},
             {"minReplicas", 2},
             {"maxReplicas", 6},
             {"metrics",
              json::array({{{"type", "Resource"},
                            {"resource",
                             {{"name", "cpu"}, {"target", {{"type", "Utilization"}, {"averageUtilization", 50}}}}}}})},
             {"behavior", {{"scaleDown", {{"stabilizationWindowSeconds", 0}}}}}}}};
  cluster.create(cluster.resource(sim::kHorizontalPodAutoscalers), hpa);
  ASSERT_TRUE(
      EmulatedCluster::eventually([&] { return sim::intAt(deployment("orders"), "status.readyReplicas", 0) == 2; }));

  auto reply = cluster.simulator().handleDebugMetrics(
      "POST", R"({"namespace":"shop","deployment":"orders","cpuUtilization":150})");
  ASSERT_EQ(reply.status, 200) << reply.body.dump();
  ASSERT_TRUE(EmulatedCluster::eventually([&] {
    return sim::intAt(deployment("orders"), "spec.replicas", 0) == 6 &&
           sim::intAt(deployment("orders"), "status.readyReplicas", 0) == 6;
  })) << deployment("orders").dump();
  json status = cluster.get(sim::kHorizontalPodAutoscalers, "orders").value_or(json())["status"];
  EXPECT_EQ(status["desiredReplicas"], 6);
  EXPECT_EQ(status["currentMetrics"][0]["resource"]["current"]["averageUtilization"], 150);
  EXPECT_TRUE(status.contains("lastScaleTime"));

  // Back to idle: it scales down to the minimum (no stabilization window configured).
  cluster.simulator().handleDebugMetrics("POST", R"({"namespace":"shop","deployment":"orders","cpuUtilization":5})");
  EXPECT_TRUE(EmulatedCluster::eventually([&] { return sim::intAt(deployment("orders"), "spec.replicas", 0) == 2; }));
}

TEST_F(SimulatedWorkloads, DebugMetricsRejectsBadInput) {
  auto reply = cluster.simulator().handleDebugMetrics("POST", R"({"namespace":"shop","cpuUtilization":1})");
  EXPECT_EQ(reply.status, 400);
  reply = cluster.simulator().handleDebugMetrics("POST", R"({"deployment":"x","cpuUtilization":"lots"})");
  EXPECT_EQ(reply.status, 400);
  reply = cluster.simulator().handleDebugMetrics("GET", "");
  EXPECT_EQ(reply.status, 200);
  EXPECT_TRUE(reply.body["deployments"].empty());
}

}  // namespace
}  // namespace flotilla::apiserver
