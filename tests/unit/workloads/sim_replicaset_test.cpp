#include "apiserver/sim_replicaset.h"

#include <gtest/gtest.h>

#include <regex>

#include "apiserver/sim_objects.h"
#include "fake_cluster.h"

namespace flotilla::apiserver::sim {
namespace {

using testing::startOfTime;

json replicaSet(std::int64_t replicas, std::int64_t minReadySeconds = 0) {
  return json{{"apiVersion", "apps/v1"},
              {"kind", "ReplicaSet"},
              {"metadata", {{"name", "web-abc"}, {"namespace", "shop"}, {"uid", "rs-uid"}, {"generation", 4}}},
              {"spec",
               {{"replicas", replicas},
                {"minReadySeconds", minReadySeconds},
                {"selector", {{"matchLabels", {{"app", "web"}}}}},
                {"template",
                 {{"metadata", {{"labels", {{"app", "web"}}}, {"annotations", {{"note", "x"}}}}},
                  {"spec", {{"containers", json::array({{{"name", "main"}, {"image", "echo"}}})}}}}}}}};
}

json ownedPod(const std::string& name, const std::string& phase, bool ready, int readySecondsAgo = 100,
              int restarts = 0, const std::string& created = "2023-11-14T22:00:00Z") {
  TimePoint now = startOfTime();
  json pod{{"metadata",
            {{"name", name},
             {"namespace", "shop"},
             {"uid", "uid-" + name},
             {"creationTimestamp", created},
             {"labels", {{"app", "web"}}},
             {"ownerReferences", json::array({{{"uid", "rs-uid"}, {"controller", true}, {"kind", "ReplicaSet"}}})}}},
           {"status", {{"phase", phase}}}};
  if (!phase.empty()) {
    pod["status"]["conditions"] =
        json::array({{{"type", "Ready"},
                      {"status", ready ? "True" : "False"},
                      {"lastTransitionTime", formatRfc3339(now - std::chrono::seconds(readySecondsAgo))}}});
    pod["status"]["containerStatuses"] = json::array({{{"name", "main"}, {"restartCount", restarts}}});
  }
  return pod;
}

std::vector<std::string> deletedNames(const Plan& plan) {
  std::vector<std::string> out;
  for (const auto& write : plan.writes) {
    if (write.kind == WriteKind::Delete) out.push_back(write.name);
  }
  return out;
}

TEST(ReplicaSetController, CreatesMissingPodsFromTheTemplate) {
  Plan plan = reconcileReplicaSet(replicaSet(3), refsOf({ownedPod("web-abc-1", "Running", true)}), startOfTime(),
                                  randomNameSuffix);
  std::vector<json> created;
  for (const auto& write : plan.writes) {
    if (write.kind == WriteKind::Create) created.push_back(write.object);
  }
  ASSERT_EQ(created.size(), 2u);
  for (const auto& pod : created) {
    EXPECT_TRUE(std::regex_match(pod["metadata"]["name"].get<std::string>(),
                                 std::regex("web-abc-[bcdfghjklmnpqrstvwxz2456789]{5}")))
        << pod["metadata"]["name"];
    EXPECT_EQ(pod["metadata"]["generateName"], "web-abc-");
    EXPECT_EQ(pod["metadata"]["labels"]["app"], "web");
    EXPECT_EQ(pod["metadata"]["annotations"]["note"], "x");
    EXPECT_EQ(pod["metadata"]["ownerReferences"][0]["uid"], "rs-uid");
    EXPECT_EQ(pod["metadata"]["ownerReferences"][0]["controller"], true);
    EXPECT_EQ(pod["spec"]["containers"][0]["image"], "echo");
  }
  EXPECT_NE(created[0]["metadata"]["name"], created[1]["metadata"]["name"]);
}

TEST(ReplicaSetController, ScalingDownDeletesTheLeastValuablePodsFirst) {
  std::vector<json> pods{
      ownedPod("ready-old", "Running", true, 500, 0, "2023-11-14T20:00:00Z"),
      ownedPod("ready-new", "Running", true, 10, 0, "2023-11-14T21:00:00Z"),
      ownedPod("unready", "Running", false),
      ownedPod("pending", "Pending", false),
      ownedPod("crashy", "Running", true, 500, 7, "2023-11-14T20:00:00Z"),
  };
  EXPECT_EQ(deletedNames(reconcileReplicaSet(replicaSet(4), refsOf(pods), startOfTime(), randomNameSuffix)),
            std::vector<std::string>{"pending"});
  EXPECT_EQ(deletedNames(reconcileReplicaSet(replicaSet(2), refsOf(pods), startOfTime(), randomNameSuffix)),
            (std::vector<std::string>{"pending", "unready", "ready-new"}));
  EXPECT_EQ(deletedNames(reconcileReplicaSet(replicaSet(1), refsOf(pods), startOfTime(), randomNameSuffix)),
            (std::vector<std::string>{"pending", "unready", "ready-new", "crashy"}));
}

TEST(ReplicaSetController, IgnoresPodsBeingDeletedOrFinishedOrNotItsOwn) {
  json leaving = ownedPod("leaving", "Running", true);
  leaving["metadata"]["deletionTimestamp"] = "2023-11-14T22:00:00Z";
  json failed = ownedPod("failed", "Failed", false);
  json foreign = ownedPod("foreign", "Running", true);
  foreign["metadata"]["ownerReferences"][0]["uid"] = "someone-else";
  Plan plan = reconcileReplicaSet(replicaSet(1), refsOf({leaving, failed, foreign}), startOfTime(), randomNameSuffix);
  std::size_t creates = 0;
  for (const auto& write : plan.writes) creates += write.kind == WriteKind::Create;
  EXPECT_EQ(creates, 1u);
}

TEST(ReplicaSetController, StatusCountsReadyAndAvailablePods) {
  std::vector<json> pods{ownedPod("a", "Running", true, 100), ownedPod("b", "Running", true, 2),
                         ownedPod("c", "Running", false)};
  Plan plan = reconcileReplicaSet(replicaSet(3, 10), refsOf(pods), startOfTime(), randomNameSuffix);
  ASSERT_EQ(plan.writes.size(), 1u);
  ASSERT_EQ(plan.writes[0].kind, WriteKind::UpdateStatus);
  const json& status = plan.writes[0].object["status"];
  EXPECT_EQ(status["replicas"], 3);
  EXPECT_EQ(status["fullyLabeledReplicas"], 3);
  EXPECT_EQ(status["readyReplicas"], 2);
  EXPECT_EQ(status["availableReplicas"], 1);  // "b" has been ready for 2 s of the 10 s minReadySeconds
  EXPECT_EQ(status["observedGeneration"], 4);
  ASSERT_TRUE(plan.wakeAt.has_value());  // when "b" becomes available
  EXPECT_EQ(*plan.wakeAt, startOfTime() + std::chrono::seconds(8));
}

TEST(ReplicaSetController, ReplicaSetBeingDeletedManagesNoPods) {
  json rs = replicaSet(3);
  rs["metadata"]["deletionTimestamp"] = "2023-11-14T22:00:00Z";
  Plan plan = reconcileReplicaSet(rs, refsOf({}), startOfTime(), randomNameSuffix);
  for (const auto& write : plan.writes) EXPECT_NE(write.kind, WriteKind::Create);
}

}  // namespace
}  // namespace flotilla::apiserver::sim
