#include "apiserver/sim_replicaset.h"

#include <algorithm>
#include <tuple>

#include "apiserver/label_selector.h"
#include "apiserver/object_meta.h"
#include "apiserver/sim_objects.h"

namespace flotilla::apiserver::sim {
namespace {

int phaseRank(const json& pod) {
  std::string phase = meta::stringAt(pod, "status.phase");
  if (phase == "Pending" || phase.empty()) return 0;
  if (phase == "Unknown") return 1;
  return 2;
}

std::int64_t restartCount(const json& pod) {
  std::int64_t total = 0;
  if (const json* statuses = meta::find(pod, "status.containerStatuses"); statuses && statuses->is_array()) {
    for (const auto& status : *statuses) total += status.value("restartCount", std::int64_t{0});
  }
  return total;
}

std::int64_t deletionCost(const json& pod) {
  const json* annotations = meta::find(pod, "metadata.annotations");
  if (!annotations || !annotations->is_object()) return 0;
  auto it = annotations->find("controller.kubernetes.io/pod-deletion-cost");
  if (it == annotations->end() || !it->is_string()) return 0;
  try {
    return std::stoll(it->get<std::string>());
  } catch (const std::exception&) {
    return 0;
  }
}

// True when `a` should go before `b`.
bool deleteFirst(const json& a, const json& b) {
  bool aAssigned = !meta::stringAt(a, "spec.nodeName").empty();
  bool bAssigned = !meta::stringAt(b, "spec.nodeName").empty();
  if (aAssigned != bAssigned) return !aAssigned;
  if (phaseRank(a) != phaseRank(b)) return phaseRank(a) < phaseRank(b);
  bool aReady = podIsReady(a), bReady = podIsReady(b);
  if (aReady != bReady) return !aReady;
  if (deletionCost(a) != deletionCost(b)) return deletionCost(a) < deletionCost(b);
  if (aReady && bReady) {
    auto sa = podReadySince(a), sb = podReadySince(b);
    if (sa && sb && *sa != *sb) return *sa > *sb;  // ready for less time goes first
  }
  if (restartCount(a) != restartCount(b)) return restartCount(a) > restartCount(b);
  return createdBefore(b, a);  // newer first
}

json replicaSetStatus(const json& replicaSet, const ObjectRefs& activePods, TimePoint now,
                      std::optional<TimePoint>& nextAvailability) {
  std::int64_t minReadySeconds = intAt(replicaSet, "spec.minReadySeconds", 0);
  const json* templateLabels = meta::find(replicaSet, "spec.template.metadata.labels");
  std::int64_t fullyLabeled = 0, ready = 0, available = 0;
  for (const json& pod : activePods) {
    const json* labels = meta::find(pod, "metadata.labels");
    bool allLabels = true;
    if (templateLabels && templateLabels->is_object()) {
      for (const auto& [key, value] : templateLabels->items()) {
        if (!labels || !labels->contains(key) || (*labels)[key] != value) allLabels = false;
      }
    }
    if (allLabels) ++fullyLabeled;
    if (!podIsReady(pod)) continue;
    ++ready;
    if (podIsAvailable(pod, minReadySeconds, now)) {
      ++available;
    } else if (auto since = podReadySince(pod)) {
      auto when = *since + std::chrono::seconds(minReadySeconds);
      if (!nextAvailability || when < *nextAvailability) nextAvailability = when;
    }
  }
  json status = meta::find(replicaSet, "status") ? replicaSet["status"] : json::object();
  if (!status.is_object()) status = json::object();
  status["replicas"] = static_cast<std::int64_t>(activePods.size());
  status["fullyLabeledReplicas"] = fullyLabeled;
  status["readyReplicas"] = ready;
  status["availableReplicas"] = available;
  status["observedGeneration"] = meta::generation(replicaSet);
  return status;
}

}  // namespace

void sortPodsForDeletion(ObjectRefs& pods) {
  std::stable_sort(pods.begin(), pods.end(), deleteFirst);
}

json podFromTemplate(const json& replicaSet, const std::string& nameSuffix) {
  const json* podTemplate = meta::find(replicaSet, "spec.template");
  std::string rsName = meta::name(replicaSet);
  json pod{{"apiVersion", "v1"}, {"kind", "Pod"}};
  const json* templateLabels = podTemplate ? meta::find(*podTemplate, "metadata.labels") : nullptr;
  json labels = templateLabels ? *templateLabels : json::object();
  pod["metadata"] = objectMetaFor(rsName + "-" + nameSuffix, meta::namespaceOf(replicaSet), std::move(labels),
                                  controllerReference(replicaSet, kReplicaSets));
  pod["metadata"]["generateName"] = rsName + "-";
  if (podTemplate) {
    if (const json* annotations = meta::find(*podTemplate, "metadata.annotations");
        annotations && !annotations->empty()) {
      pod["metadata"]["annotations"] = *annotations;
    }
    pod["spec"] = podTemplate->value("spec", json::object());
  } else {
    pod["spec"] = json::object();
  }
  return pod;
}

Plan reconcileReplicaSet(const json& replicaSet, const ObjectRefs& pods, TimePoint now, const NameSuffix& nameSuffix) {
  Plan plan;
  const std::string uid = meta::uid(replicaSet);
  ObjectRefs active;
  for (const json& pod : pods) {
    if (isControlledBy(pod, uid) && podIsActive(pod)) active.push_back(pod);
  }

  // A ReplicaSet being deleted no longer manages pods (the garbage collector takes them); it still reports.
  if (!meta::isDeleting(replicaSet)) {
    std::int64_t desired = std::max<std::int64_t>(0, intAt(replicaSet, "spec.replicas", 1));
    auto count = static_cast<std::int64_t>(active.size());
    if (count < desired) {
      for (std::int64_t i = count; i < desired; ++i) {
        plan.writes.push_back(Write::create(kPods, podFromTemplate(replicaSet, nameSuffix()), kControllerManager));
      }
    } else if (count > desired) {
      ObjectRefs victims = active;
      sortPodsForDeletion(victims);
      for (std::int64_t i = 0; i < count - desired; ++i) {
        plan.writes.push_back(Write::remove(kPods, victims[i], kControllerManager));
      }
    }
  }

  std::optional<TimePoint> nextAvailability;
  json status = replicaSetStatus(replicaSet, active, now, nextAvailability);
  if (nextAvailability) plan.wakeNoLaterThan(*nextAvailability);
  if (!replicaSet.contains("status") || replicaSet["status"] != status) {
    json updated = replicaSet;
    updated["status"] = std::move(status);
    plan.writes.push_back(Write::updateStatus(kReplicaSets, std::move(updated), kControllerManager));
  }
  return plan;
}

}  // namespace flotilla::apiserver::sim
