#include "apiserver/sim_deployment.h"

#include <gtest/gtest.h>

#include <regex>

#include "fake_cluster.h"

namespace flotilla::apiserver::sim {
namespace {

using testing::deploymentObject;
using testing::FakeCluster;

struct Sizes {
  std::int64_t oldReplicas = 0;  // spec.replicas summed over the old ReplicaSets
  std::int64_t newReplicas = 0;  // spec.replicas of the ReplicaSet matching the current template
  bool operator==(const Sizes&) const = default;
};

std::ostream& operator<<(std::ostream& out, const Sizes& s) {
  return out << "(old " << s.oldReplicas << ", new " << s.newReplicas << ")";
}

class DeploymentRollout : public ::testing::Test {
 protected:
  json deployment() { return *cluster.find(kDeployments, "shop", "web"); }
  json status() { return deployment()["status"]; }
  json condition(const std::string& type) {
    json current = status();
    const json* found = findCondition(current["conditions"], type);
    return found ? *found : json();
  }

  Sizes sizes(const std::string& newImage) {
    Sizes s;
    for (const auto& rs : cluster.controlledBy(kReplicaSets, deployment())) {
      bool isNew = rs["spec"]["template"]["spec"]["containers"][0]["image"] == newImage;
      (isNew ? s.newReplicas : s.oldReplicas) += rs["spec"]["replicas"].get<std::int64_t>();
    }
    return s;
  }

  std::int64_t availablePods() {
    std::int64_t n = 0;
    for (const auto& pod : cluster.podsOfDeployment(deployment())) n += podIsReady(pod) && podIsActive(pod);
    return n;
  }

  void changeImage(const std::string& image) {
    cluster.editSpec(kDeployments, "shop", "web",
                     [&](json& d) { d["spec"]["template"]["spec"]["containers"][0]["image"] = image; });
  }

  // Drives a rollout to its end, one "pods become ready" step at a time, recording the ReplicaSet sizes after
  // each step and checking the surge/availability bounds all along.
  std::vector<Sizes> rollOut(const std::string& newImage, std::int64_t maxTotal, std::int64_t minAvailable) {
    std::vector<Sizes> steps;
    for (int step = 0; step < 30; ++step) {
      cluster.settle();
      Sizes now = sizes(newImage);
      EXPECT_LE(now.oldReplicas + now.newReplicas, maxTotal) << "step " << step;
      EXPECT_GE(availablePods(), minAvailable) << "step " << step;
      if (steps.empty() || !(steps.back() == now)) steps.push_back(now);
      if (now.oldReplicas == 0 && availablePods() == now.newReplicas &&
          cluster.podsOfDeployment(deployment()).size() == static_cast<std::size_t>(now.newReplicas)) {
        break;
      }
      cluster.advance(std::chrono::seconds(1));
      cluster.makePodsReady();
    }
    return steps;
  }

  void startReady(std::int64_t replicas, json strategy = nullptr) {
    cluster.create(kDeployments, deploymentObject("web", replicas, "echo:1", std::move(strategy)));
    cluster.settle();
    cluster.makePodsReady();
    cluster.settle();
  }

  FakeCluster cluster;
};

TEST_F(DeploymentRollout, CreatesOneReplicaSetAndItsPodsNamedLikeKubernetes) {
  cluster.create(kDeployments, deploymentObject("web", 3, "echo:1"));
  cluster.settle();

  auto replicaSets = cluster.controlledBy(kReplicaSets, deployment());
  ASSERT_EQ(replicaSets.size(), 1u);
  const json& rs = replicaSets[0];
  std::string hash = rs["metadata"]["labels"]["pod-template-hash"];
  EXPECT_TRUE(std::regex_match(hash, std::regex("[bcdfghjklmnpqrstvwxz2456789]{1,10}"))) << hash;
  EXPECT_EQ(rs["metadata"]["name"], "web-" + hash);
  EXPECT_EQ(rs["spec"]["replicas"], 3);
  EXPECT_EQ(rs["spec"]["selector"]["matchLabels"]["pod-template-hash"], hash);
  EXPECT_EQ(rs["spec"]["template"]["metadata"]["labels"]["app"], "web");
  EXPECT_EQ(rs["metadata"]["annotations"]["deployment.kubernetes.io/revision"], "1");
  EXPECT_EQ(rs["metadata"]["annotations"]["deployment.kubernetes.io/desired-replicas"], "3");
  EXPECT_EQ(rs["metadata"]["annotations"]["deployment.kubernetes.io/max-replicas"], "4");
  const json& owner = rs["metadata"]["ownerReferences"][0];
  EXPECT_EQ(owner["kind"], "Deployment");
  EXPECT_EQ(owner["apiVersion"], "apps/v1");
  EXPECT_EQ(owner["uid"], deployment()["metadata"]["uid"]);
  EXPECT_EQ(owner["controller"], true);
  EXPECT_EQ(owner["blockOwnerDeletion"], true);
  EXPECT_EQ(deployment()["metadata"]["annotations"]["deployment.kubernetes.io/revision"], "1");

  auto pods = cluster.controlledBy(kPods, rs);
  ASSERT_EQ(pods.size(), 3u);
  for (const auto& pod : pods) {
    EXPECT_EQ(pod["metadata"]["name"].get<std::string>().rfind("web-" + hash + "-", 0), 0u);
    EXPECT_EQ(pod["metadata"]["labels"]["pod-template-hash"], hash);
    EXPECT_EQ(pod["metadata"]["ownerReferences"][0]["kind"], "ReplicaSet");
    EXPECT_EQ(pod["metadata"]["ownerReferences"][0]["blockOwnerDeletion"], true);
    EXPECT_EQ(pod["spec"]["containers"][0]["image"], "echo:1");
  }
}

TEST_F(DeploymentRollout, StatusAndConditionsFollowPodReadiness) {
  cluster.create(kDeployments, deploymentObject("web", 3, "echo:1"));
  cluster.settle();
  EXPECT_EQ(status()["replicas"], 3);
  EXPECT_EQ(status()["updatedReplicas"], 3);
  EXPECT_FALSE(status().contains("readyReplicas"));  // zero is omitted, as the API serialises it
  EXPECT_EQ(status()["unavailableReplicas"], 3);
  EXPECT_EQ(status()["observedGeneration"], 1);
  EXPECT_EQ(condition("Available")["status"], "False");
  EXPECT_EQ(condition("Progressing")["status"], "True");
  EXPECT_EQ(condition("Progressing")["reason"], "ReplicaSetUpdated");  // pods were created: progress

  cluster.advance(std::chrono::seconds(1));
  cluster.makePodsReady();
  cluster.settle();
  EXPECT_EQ(status()["readyReplicas"], 3);
  EXPECT_EQ(status()["availableReplicas"], 3);
  EXPECT_FALSE(status().contains("unavailableReplicas"));
  EXPECT_EQ(condition("Available")["status"], "True");
  EXPECT_EQ(condition("Available")["reason"], "MinimumReplicasAvailable");
  EXPECT_EQ(condition("Progressing")["reason"], "NewReplicaSetAvailable");
  EXPECT_NE(condition("Progressing")["message"].get<std::string>().find("has successfully progressed"),
            std::string::npos);

  // Steady state: another pass writes nothing.
  auto writes = cluster.log.size();
  cluster.reconcileWorkloads();
  EXPECT_EQ(cluster.log.size(), writes);
}

TEST_F(DeploymentRollout, SurgeOneUnavailableZeroReplacesOnePodAtATime) {
  startReady(3, json{{"type", "RollingUpdate"}, {"rollingUpdate", {{"maxSurge", 1}, {"maxUnavailable", 0}}}});
  changeImage("echo:2");
  auto steps = rollOut("echo:2", 4, 3);
  std::vector<Sizes> expected{{3, 1}, {2, 2}, {1, 3}, {0, 3}};
  // Intermediate states appear in this order (a step may show (3,1) then (2,1) before (2,2)).
  std::vector<Sizes> seen;
  for (const auto& s : steps) {
    if (std::find(expected.begin(), expected.end(), s) != expected.end()) seen.push_back(s);
  }
  EXPECT_EQ(seen, expected);
  EXPECT_EQ(status()["updatedReplicas"], 3);
  EXPECT_EQ(deployment()["metadata"]["annotations"]["deployment.kubernetes.io/revision"], "2");
}

TEST_F(DeploymentRollout, SurgeZeroUnavailableOneScalesDownBeforeUp) {
  startReady(3, json{{"type", "RollingUpdate"}, {"rollingUpdate", {{"maxSurge", 0}, {"maxUnavailable", 1}}}});
  changeImage("echo:2");
  auto steps = rollOut("echo:2", 3, 2);
  ASSERT_GE(steps.size(), 2u);
  EXPECT_EQ(steps.front(), (Sizes{2, 1}));  // old gives one up first, then the new one takes the slot
  EXPECT_EQ(steps.back(), (Sizes{0, 3}));
}

TEST_F(DeploymentRollout, PercentagesRoundSurgeUpAndUnavailableDown) {
  startReady(10);  // default strategy: 25% / 25% → surge 3 (2.5 up), unavailable 2 (2.5 down)
  changeImage("echo:2");
  cluster.reconcileWorkloads();  // creates the new ReplicaSet at 3 and scales the old one to 8
  EXPECT_EQ(sizes("echo:2"), (Sizes{8, 3}));
  auto steps = rollOut("echo:2", 13, 8);
  EXPECT_EQ(steps.back(), (Sizes{0, 10}));
}

TEST(Fenceposts, ResolveLikeKubernetes) {
  auto resolve = [](std::int64_t replicas, json surge, json unavailable) {
    json d{{"spec",
            {{"replicas", replicas},
             {"strategy", {{"rollingUpdate", {{"maxSurge", surge}, {"maxUnavailable", unavailable}}}}}}}};
    auto f = resolveFenceposts(d);
    return std::make_pair(f.maxSurge, f.maxUnavailable);
  };
  EXPECT_EQ(resolve(10, "25%", "25%"), std::make_pair(int64_t{3}, int64_t{2}));
  EXPECT_EQ(resolve(3, "25%", "25%"), std::make_pair(int64_t{1}, int64_t{0}));
  EXPECT_EQ(resolve(4, "50%", "30%"), std::make_pair(int64_t{2}, int64_t{1}));
  EXPECT_EQ(resolve(5, 0, "0%"), std::make_pair(int64_t{0}, int64_t{1}));  // both zero: one may be unavailable
  EXPECT_EQ(resolve(5, 2, 1), std::make_pair(int64_t{2}, int64_t{1}));
}

TEST_F(DeploymentRollout, ScalingResizesTheOnlyReplicaSet) {
  startReady(3);
  cluster.editSpec(kDeployments, "shop", "web", [](json& d) { d["spec"]["replicas"] = 5; });
  cluster.settle();
  auto replicaSets = cluster.controlledBy(kReplicaSets, deployment());
  ASSERT_EQ(replicaSets.size(), 1u);
  EXPECT_EQ(replicaSets[0]["spec"]["replicas"], 5);
  EXPECT_EQ(replicaSets[0]["metadata"]["annotations"]["deployment.kubernetes.io/desired-replicas"], "5");
  EXPECT_EQ(cluster.controlledBy(kPods, replicaSets[0]).size(), 5u);

  cluster.editSpec(kDeployments, "shop", "web", [](json& d) { d["spec"]["replicas"] = 2; });
  cluster.settle();
  EXPECT_EQ(cluster.podsOfDeployment(deployment()).size(), 2u);
}

TEST_F(DeploymentRollout, ScalingDuringARolloutIsProportional) {
  startReady(10, json{{"type", "RollingUpdate"}, {"rollingUpdate", {{"maxSurge", 3}, {"maxUnavailable", 2}}}});
  changeImage("echo:2");
  cluster.reconcileWorkloads();
  ASSERT_EQ(sizes("echo:2"), (Sizes{8, 3}));
  cluster.editSpec(kDeployments, "shop", "web", [](json& d) { d["spec"]["replicas"] = 20; });
  cluster.reconcileWorkloads();
  // 11 replicas were allowed (10 + surge 3 = 13 max); now 23 are: 10 more spread about 8:3.
  Sizes after = sizes("echo:2");
  EXPECT_EQ(after.oldReplicas + after.newReplicas, 23);
  EXPECT_GT(after.oldReplicas, after.newReplicas);
  EXPECT_GT(after.newReplicas, 3);
}

TEST_F(DeploymentRollout, RecreateRemovesOldPodsBeforeCreatingNewOnes) {
  startReady(3, json{{"type", "Recreate"}});
  changeImage("echo:2");
  cluster.reconcileWorkloads();
  EXPECT_EQ(sizes("echo:2"), (Sizes{0, 0}));
  EXPECT_EQ(cluster.controlledBy(kReplicaSets, deployment()).size(), 1u);  // no new ReplicaSet yet
  cluster.settle();
  EXPECT_EQ(sizes("echo:2"), (Sizes{0, 3}));
}

TEST_F(DeploymentRollout, ReportsProgressDeadlineExceeded) {
  json d = deploymentObject("web", 2, "echo:1");
  d["spec"]["progressDeadlineSeconds"] = 10;
  cluster.create(kDeployments, d);
  cluster.settle();
  cluster.advance(std::chrono::seconds(5));
  cluster.settle();
  EXPECT_EQ(condition("Progressing")["status"], "True");
  ASSERT_FALSE(cluster.wakeups.empty());  // the controller asks to look again at the deadline
  cluster.advance(std::chrono::seconds(6));
  cluster.settle();
  EXPECT_EQ(condition("Progressing")["status"], "False");
  EXPECT_EQ(condition("Progressing")["reason"], "ProgressDeadlineExceeded");

  // Progress after the deadline turns it back to True.
  cluster.makePodsReady();
  cluster.settle();
  EXPECT_EQ(condition("Progressing")["status"], "True");
  EXPECT_EQ(condition("Progressing")["reason"], "NewReplicaSetAvailable");
}

TEST_F(DeploymentRollout, PausedDeploymentDoesNotRollOut) {
  startReady(2);
  cluster.editSpec(kDeployments, "shop", "web", [](json& d) {
    d["spec"]["paused"] = true;
    d["spec"]["template"]["spec"]["containers"][0]["image"] = "echo:2";
  });
  cluster.settle();
  EXPECT_EQ(cluster.controlledBy(kReplicaSets, deployment()).size(), 1u);
  EXPECT_EQ(condition("Progressing")["reason"], "DeploymentPaused");
  cluster.editSpec(kDeployments, "shop", "web", [](json& d) { d["spec"]["paused"] = false; });
  cluster.settle();
  EXPECT_EQ(cluster.controlledBy(kReplicaSets, deployment()).size(), 2u);
}

TEST_F(DeploymentRollout, RevisionHistoryLimitDeletesOldEmptyReplicaSets) {
  json d = deploymentObject("web", 1, "echo:1");
  d["spec"]["revisionHistoryLimit"] = 1;
  cluster.create(kDeployments, d);
  for (const char* image : {"echo:1", "echo:2", "echo:3"}) {
    changeImage(image);
    for (int i = 0; i < 5; ++i) {
      cluster.settle();
      cluster.advance(std::chrono::seconds(1));
      cluster.makePodsReady();
    }
    cluster.settle();
  }
  auto replicaSets = cluster.controlledBy(kReplicaSets, deployment());
  ASSERT_EQ(replicaSets.size(), 2u);  // the current one plus one old
  std::set<std::string> revisions;
  for (const auto& rs : replicaSets)
    revisions.insert(rs["metadata"]["annotations"]["deployment.kubernetes.io/revision"]);
  EXPECT_EQ(revisions, (std::set<std::string>{"2", "3"}));
}

TEST_F(DeploymentRollout, RollingBackReusesTheOldReplicaSet) {
  startReady(2);
  std::string firstRs = cluster.controlledBy(kReplicaSets, deployment())[0]["metadata"]["name"];
  changeImage("echo:2");
  rollOut("echo:2", 3, 2);
  changeImage("echo:1");
  rollOut("echo:1", 3, 2);
  auto rs = cluster.find(kReplicaSets, "shop", firstRs);
  ASSERT_NE(rs, nullptr);
  EXPECT_EQ((*rs)["spec"]["replicas"], 2);
  EXPECT_EQ((*rs)["metadata"]["annotations"]["deployment.kubernetes.io/revision"], "3");
  EXPECT_EQ(deployment()["metadata"]["annotations"]["deployment.kubernetes.io/revision"], "3");
  auto writes = cluster.log.size();
  cluster.reconcileWorkloads();
  EXPECT_EQ(cluster.log.size(), writes);  // settled: nothing more to write
}

TEST_F(DeploymentRollout, DeletingTheDeploymentCollectsReplicaSetsAndPods) {
  startReady(2);
  cluster.remove(kDeployments, "shop", "web");
  EXPECT_TRUE(cluster.list(kReplicaSets).empty());
  EXPECT_TRUE(cluster.list(kPods).empty());
}

}  // namespace
}  // namespace flotilla::apiserver::sim
