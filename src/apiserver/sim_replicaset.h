#pragma once
// The simulated ReplicaSet controller: keeps as many active pods as spec.replicas (creating `<rs>-<5 chars>` pods
// from the template, deleting the least valuable ones first, as Kubernetes ranks them) and writes the status
// (replicas, fullyLabeledReplicas, readyReplicas, availableReplicas, observedGeneration).

#include <vector>

#include "apiserver/sim_plan.h"

namespace flotilla::apiserver::sim {

// `pods`: the pods controlled by this ReplicaSet (others are ignored).
Plan reconcileReplicaSet(const json& replicaSet, const ObjectRefs& pods, TimePoint now, const NameSuffix& nameSuffix);

// The pod the ReplicaSet controller creates from its template (name chosen by `nameSuffix`).
json podFromTemplate(const json& replicaSet, const std::string& nameSuffix);

// Sorts pods so that the first ones are the ones to delete when scaling down (Kubernetes' ActivePods ranking:
// unscheduled, pending, not ready, lower deletion cost, ready for less time, more restarts, newer).
void sortPodsForDeletion(ObjectRefs& pods);

}  // namespace flotilla::apiserver::sim
