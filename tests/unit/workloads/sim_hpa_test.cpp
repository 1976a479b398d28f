#include "apiserver/sim_hpa.h"

#include <gtest/gtest.h>

#include "apiserver/sim_objects.h"
#include "fake_cluster.h"

namespace flotilla::apiserver::sim {
namespace {

using testing::startOfTime;

json readyPod(int i, bool ready = true, const std::string& phase = "Running") {
  return json{
      {"metadata", {{"name", "web-" + std::to_string(i)}, {"namespace", "shop"}}},
      {"status",
       {{"phase", phase}, {"conditions", json::array({{{"type", "Ready"}, {"status", ready ? "True" : "False"}}})}}}};
}

std::vector<json> readyPods(int n) {
  std::vector<json> pods;
  for (int i = 0; i < n; ++i) pods.push_back(readyPod(i));
  return pods;
}

PodMetricLookup uniform(double utilization) {
  return [utilization](const json&, const std::string&) { return std::optional<double>(utilization); };
}

TEST(ResourceReplicas, ScalesByTheRatioOfCurrentToTarget) {
  EXPECT_EQ(computeResourceReplicas(2, 50, "cpu", readyPods(2), uniform(150)).replicas, 6);
  EXPECT_EQ(computeResourceReplicas(4, 80, "cpu", readyPods(4), uniform(20)).replicas, 1);
  EXPECT_EQ(computeResourceReplicas(3, 50, "cpu", readyPods(3), uniform(150)).utilization, 150);
}

TEST(ResourceReplicas, ReportsTheAverageValueWhenPodsDeclareRequests) {
  auto pods = readyPods(2);
  for (auto& pod : pods) {
    pod["spec"]["containers"] = json::array({{{"name", "main"}, {"resources", {{"requests", {{"cpu", "200m"}}}}}}});
  }
  EXPECT_EQ(computeResourceReplicas(2, 50, "cpu", pods, uniform(150)).averageValue, "300m");
  EXPECT_EQ(computeResourceReplicas(2, 50, "cpu", pods, uniform(500)).averageValue, "1");
  EXPECT_EQ(computeResourceReplicas(2, 50, "cpu", readyPods(2), uniform(150)).averageValue, "");  // no requests
}

TEST(ResourceReplicas, IgnoresChangesWithinTenPercent) {
  EXPECT_EQ(computeResourceReplicas(3, 50, "cpu", readyPods(3), uniform(54)).replicas, 3);    // ratio 1.08
  EXPECT_EQ(computeResourceReplicas(3, 50, "cpu", readyPods(3), uniform(46)).replicas, 3);    // ratio 0.92
  EXPECT_EQ(computeResourceReplicas(3, 50, "cpu", readyPods(3), uniform(56)).replicas, 4);    // 1.12 × 3 = 3.36
  EXPECT_EQ(computeResourceReplicas(10, 50, "cpu", readyPods(10), uniform(44)).replicas, 9);  // 0.88 × 10 = 8.8
}

TEST(ResourceReplicas, UnreadyPodsCountAsIdleWhenScalingUp) {
  auto pods = readyPods(2);
  pods.push_back(readyPod(2, false));
  pods.push_back(readyPod(3, false));
  // Ready pods at 100% of a 50% target would ask for 4, but the two starting pods are assumed idle: 50% → stay.
  EXPECT_EQ(computeResourceReplicas(4, 50, "cpu", pods, uniform(100)).replicas, 4);
  // Much hotter: (150+150+0+0)/4 = 75% → ceil(1.5 × 4) = 6.
  EXPECT_EQ(computeResourceReplicas(4, 50, "cpu", pods, uniform(150)).replicas, 6);
}

TEST(ResourceReplicas, PodsWithoutMetricsCountAsFullyUsedWhenScalingDown) {
  auto pods = readyPods(3);
  PodMetricLookup twoOfThree = [](const json& pod, const std::string&) -> std::optional<double> {
    if (pod["metadata"]["name"] == "web-2") return std::nullopt;
    return 10;
  };
  // Alone the two would give ceil(0.2 × 2) = 1; with the third at 100%: (10+10+100)/3 = 40% → ceil(0.8 × 3) = 3.
  EXPECT_EQ(computeResourceReplicas(3, 50, "cpu", pods, twoOfThree).replicas, 3);
}

TEST(ResourceReplicas, NoMetricsIsAnError) {
  auto none = [](const json&, const std::string&) { return std::optional<double>(); };
  EXPECT_FALSE(computeResourceReplicas(3, 50, "cpu", readyPods(3), none).error.empty());
  EXPECT_FALSE(computeResourceReplicas(3, 50, "cpu", {}, uniform(50)).error.empty());
}

// Drives one HPA against one Deployment whose pods follow its replicas at once (all ready).
class HpaLoop : public ::testing::Test {
 protected:
  void SetUp() override {
    hpa = json{
        {"metadata", {{"name", "web"}, {"namespace", "shop"}, {"generation", 1}}},
        {"spec",
         {{"scaleTargetRef", {{"apiVersion", "apps/v1"}, {"kind", "Deployment"}, {"name", "web"}}},
          {"minReplicas", 2},
          {"maxReplicas", 10},
          {"metrics",
           json::array({{{"type", "Resource"},
                         {"resource",
                          {{"name", "cpu"}, {"target", {{"type", "Utilization"}, {"averageUtilization", 50}}}}}}})}}}};
    deployment =
        json{{"metadata", {{"name", "web"}, {"namespace", "shop"}, {"uid", "d1"}}}, {"spec", {{"replicas", 2}}}};
  }

  std::int64_t replicas() const { return deployment["spec"]["replicas"].get<std::int64_t>(); }

  json conditionOf(const std::string& type) const {
    const json* c = findCondition(hpa["status"]["conditions"], type);
    return c ? *c : json();
  }

  // One sync at `now` with all pods at `cpu` percent.
  void sync(double cpu) {
    Plan plan = reconcileHorizontalPodAutoscaler(hpa, &deployment, readyPods(static_cast<int>(replicas())),
                                                 uniform(cpu), memory, now);
    for (const auto& write : plan.writes) {
      if (write.kind == WriteKind::Scale) {
        EXPECT_EQ(write.name, "web");
        EXPECT_EQ(write.fieldManager, "kube-controller-manager");
        deployment["spec"]["replicas"] = write.replicas;
      }
      if (write.kind == WriteKind::UpdateStatus) hpa["status"] = write.object["status"];
    }
  }

  void after(int seconds, double cpu) {
    now += std::chrono::seconds(seconds);
    sync(cpu);
  }

  json hpa;
  json deployment;
  HpaMemory memory;
  TimePoint now = startOfTime();
};

TEST_F(HpaLoop, ScalesUpAndWritesStatus) {
  hpa["spec"]["behavior"] = json::object();  // API defaults: up by max(4 pods, 100%) per 15 s
  sync(150);                                 // ratio 3 → 6
  EXPECT_EQ(replicas(), 6);
  const json& status = hpa["status"];
  EXPECT_EQ(status["currentReplicas"], 2);
  EXPECT_EQ(status["desiredReplicas"], 6);
  EXPECT_EQ(status["observedGeneration"], 1);
  EXPECT_EQ(status["lastScaleTime"], formatRfc3339(now));
  EXPECT_EQ(status["currentMetrics"][0]["resource"]["name"], "cpu");
  EXPECT_EQ(status["currentMetrics"][0]["resource"]["current"]["averageUtilization"], 150);
  EXPECT_EQ(conditionOf("AbleToScale")["reason"], "SucceededRescale");
  EXPECT_EQ(conditionOf("ScalingActive")["status"], "True");
  EXPECT_EQ(conditionOf("ScalingActive")["reason"], "ValidMetricFound");
  EXPECT_EQ(conditionOf("ScalingLimited")["status"], "False");

  after(15, 50);  // on target: nothing to do, no scale
  EXPECT_EQ(replicas(), 6);
  EXPECT_EQ(hpa["status"]["currentReplicas"], 6);
  EXPECT_EQ(conditionOf("AbleToScale")["reason"], "ReadyForNewScale");
}

TEST_F(HpaLoop, ClampsToMaxAndMinAndSaysSo) {
  hpa["spec"]["behavior"] = json::object();
  sync(1000);  // wants 40; the policies allow 2 → 6 (+4 pods or +100%), max is 10
  EXPECT_EQ(replicas(), 6);
  EXPECT_EQ(conditionOf("ScalingLimited")["status"], "True");
  EXPECT_EQ(conditionOf("ScalingLimited")["reason"], "ScaleUpLimit");
  after(16, 1000);
  EXPECT_EQ(replicas(), 10);
  EXPECT_EQ(conditionOf("ScalingLimited")["reason"], "TooManyReplicas");

  hpa["spec"]["behavior"]["scaleDown"] = {{"stabilizationWindowSeconds", 0}};
  after(16, 1);  // wants 1, min is 2
  EXPECT_EQ(replicas(), 2);
  EXPECT_EQ(conditionOf("ScalingLimited")["reason"], "TooFewReplicas");
}

TEST_F(HpaLoop, ScaleDownWaitsForTheStabilizationWindow) {
  hpa["spec"]["behavior"] = {{"scaleDown", {{"stabilizationWindowSeconds", 60}}}};
  sync(150);
  ASSERT_EQ(replicas(), 6);
  after(15, 10);  // wants 2, but 6 was recommended within the last 60 s
  EXPECT_EQ(replicas(), 6);
  EXPECT_EQ(conditionOf("AbleToScale")["reason"], "ScaleDownStabilized");
  after(30, 10);
  EXPECT_EQ(replicas(), 6);
  after(16, 10);  // 61 s after the high recommendation
  EXPECT_EQ(replicas(), 2);
}

TEST_F(HpaLoop, ScaleUpPolicyLimitsTheRatePerPeriod) {
  hpa["spec"]["behavior"] = {
      {"scaleUp", {{"policies", json::array({{{"type", "Pods"}, {"value", 2}, {"periodSeconds", 60}}})}}}};
  sync(500);  // wants 20
  EXPECT_EQ(replicas(), 4);
  after(15, 500);  // the 2 pods added 15 s ago still count within the period
  EXPECT_EQ(replicas(), 4);
  EXPECT_EQ(conditionOf("ScalingLimited")["reason"], "ScaleUpLimit");
  after(46, 500);
  EXPECT_EQ(replicas(), 6);
}

TEST_F(HpaLoop, SelectPolicyMinPicksTheSmallerStep) {
  json policies = json::array({{{"type", "Pods"}, {"value", 1}, {"periodSeconds", 15}},
                               {{"type", "Percent"}, {"value", 100}, {"periodSeconds", 15}}});
  hpa["spec"]["behavior"] = {{"scaleUp", {{"policies", policies}, {"selectPolicy", "Max"}}}};
  sync(500);
  EXPECT_EQ(replicas(), 4);  // max(2+1, 2×2)
  deployment["spec"]["replicas"] = 2;
  memory = {};
  hpa["spec"]["behavior"]["scaleUp"]["selectPolicy"] = "Min";
  after(100, 500);
  EXPECT_EQ(replicas(), 3);  // min(2+1, 2×2)
}

TEST_F(HpaLoop, DisabledScaleDownNeverShrinks) {
  hpa["spec"]["behavior"] = {{"scaleDown", {{"selectPolicy", "Disabled"}}}};
  deployment["spec"]["replicas"] = 6;
  for (int i = 0; i < 5; ++i) after(400, 1);
  EXPECT_EQ(replicas(), 6);
}

TEST_F(HpaLoop, PercentScaleDownPolicy) {
  hpa["spec"]["behavior"] = {
      {"scaleDown",
       {{"stabilizationWindowSeconds", 0},
        {"policies", json::array({{{"type", "Percent"}, {"value", 50}, {"periodSeconds", 30}}})}}}};
  deployment["spec"]["replicas"] = 10;
  sync(5);  // wants 1 (min 2); at most half per 30 s: 10 → 5
  EXPECT_EQ(replicas(), 5);
  EXPECT_EQ(conditionOf("ScalingLimited")["reason"], "ScaleDownLimit");
  after(31, 5);
  EXPECT_EQ(replicas(), 2);  // 5 → 2.5 truncated to 2, and min is 2
}

TEST_F(HpaLoop, WithoutBehaviorUsesTheLegacyRules) {
  hpa["spec"]["maxReplicas"] = 30;
  sync(500);  // wants 20; legacy limit max(2 × 2, 4) = 4
  EXPECT_EQ(replicas(), 4);
  EXPECT_EQ(conditionOf("ScalingLimited")["reason"], "ScaleUpLimit");
  after(15, 100);  // wants 8, but recent recommendations (20) are kept: still limited to 2 × 4
  EXPECT_EQ(replicas(), 8);
  after(301, 25);  // wants 4; the old recommendations have left the legacy 5 minute window
  EXPECT_EQ(replicas(), 4);
  after(15, 1);  // wants 1, but 4 was recommended within 5 minutes
  EXPECT_EQ(replicas(), 4);
  EXPECT_EQ(conditionOf("AbleToScale")["reason"], "ScaleDownStabilized");
  after(301, 1);
  EXPECT_EQ(replicas(), 2);
}

TEST_F(HpaLoop, MissingMetricsStopScalingAndSayWhy) {
  auto none = [](const json&, const std::string&) { return std::optional<double>(); };
  Plan plan = reconcileHorizontalPodAutoscaler(hpa, &deployment, readyPods(2), none, memory, now);
  ASSERT_EQ(plan.writes.size(), 1u);
  EXPECT_EQ(plan.writes[0].kind, WriteKind::UpdateStatus);
  const json* active = findCondition(plan.writes[0].object["status"]["conditions"], "ScalingActive");
  ASSERT_NE(active, nullptr);
  EXPECT_EQ((*active)["status"], "False");
  EXPECT_EQ((*active)["reason"], "FailedGetResourceMetric");
  EXPECT_NE((*active)["message"].get<std::string>().find("failed to get cpu utilization"), std::string::npos);
}

TEST_F(HpaLoop, MissingTargetCannotScale) {
  Plan plan = reconcileHorizontalPodAutoscaler(hpa, nullptr, {}, uniform(50), memory, now);
  ASSERT_EQ(plan.writes.size(), 1u);
  const json* able = findCondition(plan.writes[0].object["status"]["conditions"], "AbleToScale");
  ASSERT_NE(able, nullptr);
  EXPECT_EQ((*able)["status"], "False");
  EXPECT_EQ((*able)["reason"], "FailedGetScale");
}

TEST_F(HpaLoop, StatusIsNotRewrittenWhenNothingChanged) {
  hpa["spec"]["behavior"] = json::object();
  sync(50);
  Plan plan = reconcileHorizontalPodAutoscaler(hpa, &deployment, readyPods(2), uniform(50), memory, now);
  EXPECT_TRUE(plan.writes.empty());
}

}  // namespace
}  // namespace flotilla::apiserver::sim
