// microservice_status.h: the status computed from what the reconcile did and what the Deployment, HPA and
// EndpointSlices report.
#include <gtest/gtest.h>

#include "controllers/conditions.h"
#include "controllers/microservice_status.h"

namespace flotilla::controllers {
namespace {

using nlohmann::json;

constexpr const char* kT0 = "2024-05-01T12:00:00Z";
constexpr const char* kT1 = "2024-05-01T12:05:00Z";

json deployment(std::int64_t generation, std::int64_t observed, std::int64_t wanted, std::int64_t replicas,
                std::int64_t updated, std::int64_t ready, const std::string& available,
                const std::string& progressingStatus, const std::string& progressingReason) {
  return {{"metadata", {{"generation", generation}}},
          {"spec", {{"replicas", wanted}}},
          {"status",
           {{"observedGeneration", observed},
            {"replicas", replicas},
            {"updatedReplicas", updated},
            {"readyReplicas", ready},
            {"availableReplicas", ready},
            {"conditions", json::array({{{"type", "Available"},
                                         {"status", available},
                                         {"reason", "MinimumReplicasAvailable"},
                                         {"message", "Deployment has minimum availability."}},
                                        {{"type", "Progressing"},
                                         {"status", progressingStatus},
                                         {"reason", progressingReason},
                                         {"message", "ReplicaSet \"web-1\" is progressing."}}})}}}};
}

json complete() {
  return deployment(1, 1, 2, 2, 2, 2, "True", "True", "NewReplicaSetAvailable");
}

MicroserviceObservation observation(const json* d) {
  MicroserviceObservation o;
  o.generation = 3;
  o.url = "http://web.shop.svc.cluster.local:8080";
  o.selector = "app.kubernetes.io/name=web,flotilla.io/microservice=web";
  o.deployment = d;
  o.readyEndpoints = 2;
  return o;
}

std::string reasonOf(const json& status, const char* type) {
  const auto* c = findCondition(status["conditions"], type);
  return c ? (*c)["status"].get<std::string>() + "/" + (*c)["reason"].get<std::string>() : "absent";
}

TEST(MicroserviceStatus, CompleteRolloutIsReady) {
  const json d = complete();
  const json s = computeMicroserviceStatus(observation(&d), json::object(), kT0);
  EXPECT_EQ(s["observedGeneration"], 3);
  EXPECT_EQ(s["replicas"], 2);
  EXPECT_EQ(s["readyReplicas"], 2);
  EXPECT_EQ(s["updatedReplicas"], 2);
  EXPECT_EQ(s["availableReplicas"], 2);
  EXPECT_EQ(s["endpoints"], 2);
  EXPECT_EQ(s["url"], "http://web.shop.svc.cluster.local:8080");
  EXPECT_EQ(s["selector"], "app.kubernetes.io/name=web,flotilla.io/microservice=web");
  EXPECT_EQ(reasonOf(s, "Ready"), "True/RolloutComplete");
  EXPECT_EQ(reasonOf(s, "Available"), "True/MinimumReplicasAvailable");
  EXPECT_EQ(reasonOf(s, "Progressing"), "False/NewReplicaSetAvailable");
  EXPECT_EQ(reasonOf(s, "Degraded"), "False/AsExpected");
  EXPECT_EQ(s["conditions"][0]["observedGeneration"], 3);
  EXPECT_FALSE(s.contains("desiredReplicas"));
}

TEST(MicroserviceStatus, RolloutInProgressUsesTheDeploymentsReason) {
  // Generation 2 not observed yet: whatever the old Progressing says, the rollout has not finished.
  json d = deployment(2, 1, 2, 2, 2, 2, "True", "True", "NewReplicaSetAvailable");
  json s = computeMicroserviceStatus(observation(&d), json::object(), kT0);
  EXPECT_EQ(reasonOf(s, "Progressing"), "True/RolloutInProgress");
  EXPECT_EQ(reasonOf(s, "Ready"), "False/RolloutInProgress");
  // Observed, one old pod left: the Deployment's own reason.
  d = deployment(2, 2, 2, 3, 1, 2, "True", "True", "ReplicaSetUpdated");
  s = computeMicroserviceStatus(observation(&d), json::object(), kT0);
  EXPECT_EQ(reasonOf(s, "Progressing"), "True/ReplicaSetUpdated");
  EXPECT_EQ(reasonOf(s, "Ready"), "False/RolloutInProgress");
  EXPECT_NE((*findCondition(s["conditions"], "Ready"))["message"].get<std::string>().find("1 of 2 replicas updated"),
            std::string::npos);
  EXPECT_EQ(reasonOf(s, "Degraded"), "False/AsExpected");
}

TEST(MicroserviceStatus, ScalingUpDoesNotMakeItUnready) {
  // The HPA asked for 4: the new pods are updated (same template) but not ready yet.
  const json d = deployment(1, 1, 4, 4, 4, 2, "True", "True", "NewReplicaSetAvailable");
  const json s = computeMicroserviceStatus(observation(&d), json::object(), kT0);
  EXPECT_EQ(reasonOf(s, "Ready"), "True/RolloutComplete");
}

TEST(MicroserviceStatus, StuckRolloutIsDegraded) {
  const json d = deployment(2, 2, 2, 3, 1, 2, "True", "False", "ProgressDeadlineExceeded");
  const json s = computeMicroserviceStatus(observation(&d), json::object(), kT0);
  EXPECT_EQ(reasonOf(s, "Progressing"), "False/ProgressDeadlineExceeded");
  EXPECT_EQ(reasonOf(s, "Degraded"), "True/ProgressDeadlineExceeded");
  EXPECT_EQ(reasonOf(s, "Ready"), "False/ProgressDeadlineExceeded");
}

TEST(MicroserviceStatus, UnavailableDeploymentIsNotReady) {
  const json d = deployment(1, 1, 2, 2, 2, 0, "False", "True", "NewReplicaSetAvailable");
  const json s = computeMicroserviceStatus(observation(&d), json::object(), kT0);
  EXPECT_EQ(reasonOf(s, "Ready"), "False/Unavailable");
  EXPECT_EQ(reasonOf(s, "Available"), "False/MinimumReplicasAvailable");
}

TEST(MicroserviceStatus, ProblemsAreReportedWithTheirMessage) {
  const json d = complete();
  for (auto [outcome, reason] : {std::pair{ReconcileOutcome::InvalidSpec, "InvalidSpec"},
                                 std::pair{ReconcileOutcome::OwnershipConflict, "OwnershipConflict"},
                                 std::pair{ReconcileOutcome::ApplyFailed, "ApplyFailed"}}) {
    auto o = observation(outcome == ReconcileOutcome::OwnershipConflict ? nullptr : &d);
    o.outcome = outcome;
    o.message = "spec.x: wrong";
    const json s = computeMicroserviceStatus(o, json::object(), kT0);
    EXPECT_EQ(reasonOf(s, "Ready"), std::string("False/") + reason);
    EXPECT_EQ(reasonOf(s, "Degraded"), std::string("True/") + reason);
    EXPECT_EQ((*findCondition(s["conditions"], "Ready"))["message"], "spec.x: wrong");
  }
  auto conflict = observation(nullptr);
  conflict.outcome = ReconcileOutcome::OwnershipConflict;
  const json s = computeMicroserviceStatus(conflict, json::object(), kT0);
  EXPECT_EQ(reasonOf(s, "Available"), "Unknown/DeploymentNotFound");
  EXPECT_FALSE(s.contains("replicas")) << "a foreign Deployment's figures are not ours to report";
}

TEST(MicroserviceStatus, AutoscalerFiguresOnlyWithAnAutoscaler) {
  const json d = complete();
  const json hpa = {{"status", {{"currentReplicas", 2}, {"desiredReplicas", 5}}}};
  auto o = observation(&d);
  o.autoscaler = &hpa;
  const json s = computeMicroserviceStatus(o, json::object(), kT0);
  EXPECT_EQ(s["currentReplicas"], 2);
  EXPECT_EQ(s["desiredReplicas"], 5);
  const json fresh = {{"status", json::object()}};  // an HPA that has not run yet
  o.autoscaler = &fresh;
  EXPECT_FALSE(computeMicroserviceStatus(o, json::object(), kT0).contains("desiredReplicas"));
}

TEST(MicroserviceStatus, RecomputingTheSameStateGivesTheSameStatus) {
  const json d = complete();
  const json first = computeMicroserviceStatus(observation(&d), json::object(), kT0);
  EXPECT_EQ(computeMicroserviceStatus(observation(&d), first, kT1), first);
  // A real transition moves only that condition's time.
  const json stuck = deployment(1, 1, 2, 2, 2, 0, "False", "True", "NewReplicaSetAvailable");
  const json after = computeMicroserviceStatus(observation(&stuck), first, kT1);
  EXPECT_EQ((*findCondition(after["conditions"], "Ready"))["lastTransitionTime"], kT1);
  EXPECT_EQ((*findCondition(after["conditions"], "Degraded"))["lastTransitionTime"], kT0);
}

TEST(MicroserviceStatus, ReadyEndpointsCountOncePerAddress) {
  const json a = {
      {"endpoints", json::array({{{"addresses", json::array({"10.0.0.1"})}},
                                 {{"addresses", json::array({"10.0.0.2"})}, {"conditions", {{"ready", true}}}},
                                 {{"addresses", json::array({"10.0.0.3"})}, {"conditions", {{"ready", false}}}}})}};
  const json b = {{"endpoints", json::array({{{"addresses", json::array({"10.0.0.2"})}},
                                             {{"addresses", json::array({"10.0.0.4"})}}})}};
  const json empty = {{"endpoints", nullptr}};
  EXPECT_EQ(countReadyEndpoints({&a, &b, &empty}), 3);
  EXPECT_EQ(countReadyEndpoints({}), 0);
}

}  // namespace
}  // namespace flotilla::controllers
