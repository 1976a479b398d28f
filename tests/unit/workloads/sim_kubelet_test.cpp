#include "apiserver/sim_kubelet.h"

#include <gtest/gtest.h>

#include "apiserver/pod_runtime.h"
#include "apiserver/sim_objects.h"
#include "fake_cluster.h"

namespace flotilla::apiserver::sim {
namespace {

using testing::startOfTime;

json podSpec(json resources = nullptr) {
  json container{{"name", "main"}, {"image", "nginx:1"}};
  if (!resources.is_null()) container["resources"] = std::move(resources);
  return json{{"metadata", {{"name", "web-1"}, {"namespace", "shop"}, {"uid", "u1"}}},
              {"spec", {{"containers", json::array({container, {{"name", "sidecar"}, {"image", "busybox"}}})}}}};
}

ContainerObservation running(const std::string& name, bool ready) {
  ContainerObservation c;
  c.name = name;
  c.image = name == "main" ? "nginx:1" : "busybox";
  c.state = ContainerObservation::State::Running;
  c.ready = ready;
  c.startedAt = startOfTime();
  return c;
}

json conditionIn(const json& status, const std::string& type) {
  const json* c = findCondition(status["conditions"], type);
  return c ? *c : json();
}

TEST(PodStatus, ReadyOnlyWhenEveryContainerIsReady) {
  PodObservation observed;
  observed.phase = "Running";
  observed.podIP = "10.244.0.7";
  observed.hostIP = "172.18.0.2";
  observed.startTime = startOfTime();
  observed.containers = {running("main", true), running("sidecar", false)};
  json status = podStatusFor(podSpec(), observed, startOfTime());
  EXPECT_EQ(status["phase"], "Running");
  EXPECT_EQ(status["podIP"], "10.244.0.7");
  EXPECT_EQ(status["podIPs"][0]["ip"], "10.244.0.7");
  EXPECT_EQ(status["hostIP"], "172.18.0.2");
  EXPECT_EQ(conditionIn(status, "Ready")["status"], "False");
  EXPECT_EQ(conditionIn(status, "Ready")["reason"], "ContainersNotReady");
  EXPECT_EQ(conditionIn(status, "Ready")["message"], "containers with unready status: [sidecar]");
  EXPECT_EQ(conditionIn(status, "PodScheduled")["status"], "True");
  EXPECT_EQ(status["containerStatuses"][0]["ready"], true);
  EXPECT_EQ(status["containerStatuses"][0]["started"], true);
  EXPECT_TRUE(status["containerStatuses"][0]["state"].contains("running"));
  EXPECT_EQ(status["qosClass"], "BestEffort");

  observed.containers[1].ready = true;
  json pod = podSpec();
  pod["status"] = status;
  json ready = podStatusFor(pod, observed, startOfTime() + std::chrono::seconds(5));
  EXPECT_EQ(conditionIn(ready, "Ready")["status"], "True");
  EXPECT_EQ(conditionIn(ready, "Ready")["lastTransitionTime"], formatRfc3339(startOfTime() + std::chrono::seconds(5)));
  // Unchanged conditions keep their transition time.
  EXPECT_EQ(conditionIn(ready, "PodScheduled")["lastTransitionTime"], formatRfc3339(startOfTime()));
}

TEST(PodStatus, RestartsAndWaitingStatesAreReported) {
  PodObservation observed;
  observed.phase = "Running";
  ContainerObservation crashed;
  crashed.name = "main";
  crashed.image = "nginx:1";
  crashed.reason = "CrashLoopBackOff";
  crashed.message = "back-off 2000ms restarting failed container=main";
  crashed.restartCount = 3;
  crashed.lastTermination = ContainerObservation::Termination{137, "Error", startOfTime(), startOfTime()};
  observed.containers = {crashed, running("sidecar", true)};
  json status = podStatusFor(podSpec(), observed, startOfTime());
  const json& main = status["containerStatuses"][0];
  EXPECT_EQ(main["restartCount"], 3);
  EXPECT_EQ(main["state"]["waiting"]["reason"], "CrashLoopBackOff");
  EXPECT_EQ(main["lastState"]["terminated"]["exitCode"], 137);
  EXPECT_EQ(main["started"], false);
}

TEST(PodStatus, QosClassFollowsResources) {
  PodObservation observed;
  json guaranteed =
      podSpec({{"requests", {{"cpu", "1"}, {"memory", "1Gi"}}}, {"limits", {{"cpu", "1"}, {"memory", "1Gi"}}}});
  guaranteed["spec"]["containers"].erase(1);
  EXPECT_EQ(podStatusFor(guaranteed, observed, startOfTime())["qosClass"], "Guaranteed");
  EXPECT_EQ(podStatusFor(podSpec({{"requests", {{"cpu", "100m"}}}}), observed, startOfTime())["qosClass"], "Burstable");
}

TEST(PodStatus, NoWriteWhenNothingChanged) {
  PodObservation observed;
  observed.phase = "Running";
  observed.containers = {running("main", true), running("sidecar", true)};
  json pod = podSpec();
  pod["status"] = podStatusFor(pod, observed, startOfTime());
  EXPECT_TRUE(reconcilePodStatus(pod, observed, startOfTime() + std::chrono::seconds(30)).writes.empty());
}

TEST(Scheduler, BindsUnscheduledPodsToTheNode) {
  Plan plan = schedulePod(podSpec());
  ASSERT_EQ(plan.writes.size(), 1u);
  EXPECT_EQ(plan.writes[0].kind, WriteKind::Update);
  EXPECT_EQ(plan.writes[0].fieldManager, "kube-scheduler");
  EXPECT_EQ(plan.writes[0].object["spec"]["nodeName"], kNodeName);
  json bound = plan.writes[0].object;
  EXPECT_TRUE(schedulePod(bound).writes.empty());
}

TEST(SimulatedPodRuntime, PodsStartAfterTheDelayWithDistinctAddresses) {
  SimulatedPodRuntime runtime(std::chrono::milliseconds(200));
  json a = podSpec(), b = podSpec();
  b["metadata"]["uid"] = "u2";
  TimePoint t0 = startOfTime();
  PodObservation pending = runtime.observe(a, t0);
  EXPECT_EQ(pending.phase, "Pending");
  EXPECT_TRUE(pending.podIP.empty());
  EXPECT_EQ(pending.containers[0].reason, "ContainerCreating");
  ASSERT_TRUE(pending.wakeAt.has_value());
  EXPECT_EQ(*pending.wakeAt, t0 + std::chrono::milliseconds(200));

  PodObservation started = runtime.observe(a, t0 + std::chrono::milliseconds(200));
  EXPECT_EQ(started.phase, "Running");
  EXPECT_EQ(started.podIP.rfind("10.244.", 0), 0u);
  EXPECT_TRUE(started.containers[0].ready);
  EXPECT_TRUE(started.containers[1].ready);
  runtime.observe(b, t0);
  PodObservation other = runtime.observe(b, t0 + std::chrono::seconds(1));
  EXPECT_NE(other.podIP, started.podIP);
  // The same pod keeps its address.
  EXPECT_EQ(runtime.observe(a, t0 + std::chrono::seconds(9)).podIP, started.podIP);
}

TEST(SimulatedPodRuntime, RestoredRunningPodKeepsItsAddress) {
  SimulatedPodRuntime runtime(std::chrono::seconds(10));
  json pod = podSpec();
  pod["status"] = {{"phase", "Running"}, {"podIP", "10.244.3.3"}};
  PodObservation observed = runtime.observe(pod, startOfTime());
  EXPECT_EQ(observed.phase, "Running");
  EXPECT_EQ(observed.podIP, "10.244.3.3");
}

}  // namespace
}  // namespace flotilla::apiserver::sim
