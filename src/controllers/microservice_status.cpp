#include "controllers/microservice_status.h"

#include <optional>
#include <set>
#include <vector>

#include "controllers/conditions.h"
#include "runtime/object.h"

namespace flotilla::controllers {
namespace {

const nlohmann::json& field(const nlohmann::json& object, const char* key) {
  static const nlohmann::json kNull;
  if (!object.is_object()) return kNull;
  auto it = object.find(key);
  return it == object.end() ? kNull : *it;
}

std::int64_t intField(const nlohmann::json& object, const char* key, std::int64_t fallback = 0) {
  const auto& value = field(object, key);
  return value.is_number_integer() ? value.get<std::int64_t>() : fallback;
}

std::string stringField(const nlohmann::json& object, const char* key) {
  const auto& value = field(object, key);
  return value.is_string() ? value.get<std::string>() : std::string();
}

std::string plural(std::int64_t n, const char* word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

// What the Deployment says about its rollout, read once.
struct Rollout {
  std::int64_t wanted = 1;  // spec.replicas (the API default is 1)
  std::int64_t replicas = 0;
  std::int64_t ready = 0;
  std::int64_t updated = 0;
  std::int64_t available = 0;
  bool observed = false;  // the Deployment controller has seen the current Deployment spec
  const nlohmann::json* availableCondition{};
  const nlohmann::json* progressingCondition{};

  explicit Rollout(const nlohmann::json& deployment) {
    const auto& spec = field(deployment, "spec");
    const auto& status = field(deployment, "status");
    wanted = intField(spec, "replicas", 1);
    replicas = intField(status, "replicas");
    ready = intField(status, "readyReplicas");
    updated = intField(status, "updatedReplicas");
    available = intField(status, "availableReplicas");
    observed = intField(status, "observedGeneration", -1) >= runtime::generationOf(deployment);
    availableCondition = findCondition(field(status, "conditions"), "Available");
    progressingCondition = findCondition(field(status, "conditions"), "Progressing");
  }

  // No pod of an older template left and as many updated pods as wanted: `kubectl rollout status` is done (it
  // also waits for every new pod to be available; we leave that to Available, so that scaling up does not make
  // the Microservice unready).
  bool complete() const { return observed && updated >= wanted && replicas <= updated; }
  bool deadlineExceeded() const {
    return progressingCondition && stringField(*progressingCondition, "reason") == kReasonProgressDeadlineExceeded &&
           stringField(*progressingCondition, "status") == kConditionFalse;
  }
  bool isAvailable() const {
    return availableCondition && stringField(*availableCondition, "status") == kConditionTrue;
  }
  std::string progress() const {
    if (!observed) return "waiting for the Deployment controller to observe the new Deployment spec";
    return std::to_string(updated) + " of " + std::to_string(wanted) + " replicas updated, " +
           plural(replicas - updated > 0 ? replicas - updated : 0, "old replica") + " left";
  }
};

const char* outcomeReason(ReconcileOutcome outcome) {
  switch (outcome) {
    case ReconcileOutcome::InvalidSpec:
      return kReasonInvalidSpec;
    case ReconcileOutcome::OwnershipConflict:
      return kReasonOwnershipConflict;
    case ReconcileOutcome::ApplyFailed:
      return kReasonApplyFailed;
    case ReconcileOutcome::Applied:
      break;
  }
  return "";
}

std::vector<Condition> conditionsFor(const MicroserviceObservation& o) {
  const std::int64_t gen = o.generation;
  const bool failed = o.outcome != ReconcileOutcome::Applied;
  Condition ready{"Ready", kConditionFalse, "", "", gen};
  Condition available{"Available", kConditionUnknown, "DeploymentNotFound", "no Deployment owned by this Microservice",
                      gen};
  Condition progressing{"Progressing", kConditionUnknown, "DeploymentNotFound",
                        "no Deployment owned by this Microservice", gen};
  Condition degraded{"Degraded", kConditionFalse, "AsExpected", "no problem found", gen};

  std::optional<Rollout> rollout;
  if (o.deployment) rollout.emplace(*o.deployment);
  if (rollout) {
    if (rollout->availableCondition) {
      available.status = stringField(*rollout->availableCondition, "status");
      available.reason = stringField(*rollout->availableCondition, "reason");
      available.message = stringField(*rollout->availableCondition, "message");
      if (available.status.empty()) available.status = kConditionUnknown;
      if (available.reason.empty()) available.reason = "DeploymentAvailability";
    } else {
      available.reason = "AvailabilityUnknown";
      available.message = "the Deployment reports no Available condition yet";
    }
    const std::string deploymentReason =
        rollout->progressingCondition ? stringField(*rollout->progressingCondition, "reason") : std::string();
    if (rollout->deadlineExceeded()) {
      progressing = {"Progressing", kConditionFalse, kReasonProgressDeadlineExceeded,
                     stringField(*rollout->progressingCondition, "message"), gen};
    } else if (!rollout->complete()) {
      const bool useDeploymentReason = !deploymentReason.empty() && deploymentReason != "NewReplicaSetAvailable";
      progressing = {"Progressing", kConditionTrue, useDeploymentReason ? deploymentReason : "RolloutInProgress",
                     rollout->progress(), gen};
    } else {
      progressing = {"Progressing", kConditionFalse, "NewReplicaSetAvailable",
                     "rollout complete: " + plural(rollout->updated, "updated replica"), gen};
    }
  }

  if (failed) {
    ready.reason = degraded.reason = outcomeReason(o.outcome);
    ready.message = degraded.message = o.message;
    degraded.status = kConditionTrue;
  } else if (!rollout) {
    ready.reason = "DeploymentNotFound";
    ready.message = "no Deployment owned by this Microservice";
  } else if (rollout->deadlineExceeded()) {
    ready.reason = degraded.reason = kReasonProgressDeadlineExceeded;
    ready.message = degraded.message = progressing.message;
    degraded.status = kConditionTrue;
  } else if (!rollout->complete()) {
    ready.reason = "RolloutInProgress";
    ready.message = rollout->progress();
  } else if (!rollout->isAvailable()) {
    ready.reason = "Unavailable";
    ready.message = available.message.empty() ? "the Deployment is not available" : available.message;
  } else {
    ready.status = kConditionTrue;
    ready.reason = "RolloutComplete";
    ready.message = "all owned objects applied; " + std::to_string(rollout->ready) + " of " +
                    plural(rollout->wanted, "replica") + " ready";
  }
  return {ready, available, progressing, degraded};
}

}  // namespace

nlohmann::json computeMicroserviceStatus(const MicroserviceObservation& o, const nlohmann::json& previous,
                                         const std::string& now) {
  nlohmann::json status = nlohmann::json::object();
  status["observedGeneration"] = o.generation;
  if (o.deployment) {
    const auto& live = field(*o.deployment, "status");
    status["replicas"] = intField(live, "replicas");
    status["readyReplicas"] = intField(live, "readyReplicas");
    status["updatedReplicas"] = intField(live, "updatedReplicas");
    status["availableReplicas"] = intField(live, "availableReplicas");
  }
  if (o.autoscaler) {
    const auto& live = field(*o.autoscaler, "status");
    if (field(live, "currentReplicas").is_number_integer())
      status["currentReplicas"] = intField(live, "currentReplicas");
    if (field(live, "desiredReplicas").is_number_integer())
      status["desiredReplicas"] = intField(live, "desiredReplicas");
  }
  status["endpoints"] = o.readyEndpoints;
  if (!o.url.empty()) status["url"] = o.url;
  if (!o.selector.empty()) status["selector"] = o.selector;
  status["conditions"] = mergeConditions(field(previous, "conditions"), conditionsFor(o), now);
  return status;
}

std::int64_t countReadyEndpoints(const std::vector<const nlohmann::json*>& endpointSlices) {
  std::set<std::string> ready;
  for (const auto* slice : endpointSlices) {
    if (!slice) continue;
    const auto& endpoints = field(*slice, "endpoints");
    if (!endpoints.is_array()) continue;
    for (const auto& endpoint : endpoints) {
      const auto& isReady = field(field(endpoint, "conditions"), "ready");
      if (isReady.is_boolean() && !isReady.get<bool>()) continue;
      const auto& addresses = field(endpoint, "addresses");
      if (!addresses.is_array() || addresses.empty() || !addresses[0].is_string()) continue;
      ready.insert(addresses[0].get<std::string>());
    }
  }
  return static_cast<std::int64_t>(ready.size());
}

}  // namespace flotilla::controllers
