#pragma once
// The simulated Deployment controller, following kube-controller-manager's deployment controller: one ReplicaSet
// per pod template (`<deployment>-<pod-template-hash>`), rolling updates within maxSurge/maxUnavailable (surge
// rounds up, unavailable rounds down, both zero means one unavailable), Recreate, proportional scaling, paused
// rollouts, revision history cleanup, and status with the Available and Progressing conditions (including
// ProgressDeadlineExceeded). ReplicaSets own their pods (sim_replicaset.h); this controller only sizes them.

#include <cstdint>
#include <vector>

#include "apiserver/sim_plan.h"

namespace flotilla::apiserver::sim {

inline constexpr const char* kPodTemplateHashLabel = "pod-template-hash";
inline constexpr const char* kRevisionAnnotation = "deployment.kubernetes.io/revision";
inline constexpr const char* kDesiredReplicasAnnotation = "deployment.kubernetes.io/desired-replicas";
inline constexpr const char* kMaxReplicasAnnotation = "deployment.kubernetes.io/max-replicas";

// `replicaSets`: those controlled by the Deployment. `pods`: those controlled by these ReplicaSets (only the
// Recreate strategy looks at them, to wait until old pods are gone).
Plan reconcileDeployment(const json& deployment, const ObjectRefs& replicaSets, const ObjectRefs& pods, TimePoint now);

// maxSurge and maxUnavailable resolved against spec.replicas, as Kubernetes' ResolveFenceposts.
struct Fenceposts {
  std::int64_t maxSurge = 0;
  std::int64_t maxUnavailable = 0;
};
Fenceposts resolveFenceposts(const json& deployment);

}  // namespace flotilla::apiserver::sim
