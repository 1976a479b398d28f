#pragma once
// Reading and building the pieces of workload objects the simulated controllers share: owner references, pod
// readiness and availability, IntOrString percentages, conditions, ordering by age.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "apiserver/sim_plan.h"

namespace flotilla::apiserver::sim {

// ownerReferences entry naming `owner` as controller, blocking its foreground deletion until this object is gone.
json controllerReference(const json& owner, const SimResource& ownerResource);
bool isControlledBy(const json& object, std::string_view ownerUid);

// metadata.labels[key] / metadata.annotations[key]; empty when absent. (Keys contain dots and slashes, so they
// cannot go through dotted paths.)
std::string labelValue(const json& object, const std::string& key);
std::string annotationValue(const json& object, const std::string& key);

std::int64_t intAt(const json& object, std::string_view dottedPath, std::int64_t fallback);
// Timestamp at a dotted path; nullopt when absent or malformed.
std::optional<TimePoint> timeAt(const json& object, std::string_view dottedPath);

// IntOrString against a total, as Kubernetes' GetScaledValueFromIntOrPercent: "25%" of 10 is 3 rounded up, 2
// rounded down. nullopt when the value is neither an integer nor "<n>%". A null value gives `fallback`.
std::optional<std::int64_t> scaledValue(const json& intOrPercent, std::int64_t total, bool roundUp,
                                        std::int64_t fallback);

// Pods, as the controllers judge them.
bool podIsTerminal(const json& pod);                      // phase Succeeded or Failed
bool podIsActive(const json& pod);                        // not terminal and not being deleted
bool podIsReady(const json& pod);                         // condition Ready=True
std::optional<TimePoint> podReadySince(const json& pod);  // Ready's lastTransitionTime when ready
// Ready for at least minReadySeconds (the ReplicaSet's availability rule).
bool podIsAvailable(const json& pod, std::int64_t minReadySeconds, TimePoint now);

// Conditions lists (status.conditions).
const json* findCondition(const json& conditions, std::string_view type);
// Replaces (or appends) the condition of the same type, keeping lastTransitionTime when the status did not change.
// Kubernetes' metav1.Condition-style update; returns true if anything changed.
bool setCondition(json& conditions, json condition);

// Oldest first by creationTimestamp, then name (Kubernetes' ByCreationTimestamp).
bool createdBefore(const json& a, const json& b);

// The pod-template-hash: FNV-32a of the template (canonical JSON) and collision count, encoded with Kubernetes'
// SafeEncodeString over its decimal form (so up to 10 characters from the name alphabet, like "7d9f5c6b8").
std::string podTemplateHash(const json& podTemplate, std::int64_t collisionCount);

// ownerReferences, namespace and name of a new object named by its owner.
json objectMetaFor(const std::string& name, const std::string& namespace_, json labels, json ownerReference);

}  // namespace flotilla::apiserver::sim
