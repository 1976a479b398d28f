#pragma once
// The Microservice's status, computed from what the reconcile did and what the cluster reports (pure; unit
// tested without a server). DESIGN.md §1 and issue 6:
//   observedGeneration; replicas, readyReplicas, updatedReplicas, availableReplicas (from the Deployment);
//   endpoints (ready endpoints in the Service's EndpointSlices); url; selector (for the scale subresource);
//   currentReplicas / desiredReplicas (from the HPA, with autoscaling); conditions:
//     Ready        everything applied, the Deployment Available and its rollout of the current template complete
//                  (no pods of an older template left). False reasons: InvalidSpec, OwnershipConflict,
//                  ApplyFailed, ProgressDeadlineExceeded, RolloutInProgress, Unavailable.
//     Available    the Deployment's Available condition (Unknown without a Deployment of ours).
//     Progressing  True while a rollout is in progress, with the Deployment's reason (ReplicaSetUpdated, ...);
//                  False when complete (NewReplicaSetAvailable) or stuck (ProgressDeadlineExceeded).
//     Degraded     True for InvalidSpec, OwnershipConflict, ApplyFailed or ProgressDeadlineExceeded;
//                  False (AsExpected) otherwise.
// lastTransitionTime comes from conditions.h: unchanged unless a status flips, so an unchanged world gives an
// identical status and the controller writes nothing.

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "controllers/gateway_conditions.h"

namespace flotilla::controllers {

// kReasonInvalidSpec and kReasonOwnershipConflict are shared with the gateway controllers (gateway_conditions.h).
inline constexpr const char* kReasonApplyFailed = "ApplyFailed";
inline constexpr const char* kReasonProgressDeadlineExceeded = "ProgressDeadlineExceeded";

// How far the reconcile got with the owned objects.
enum class ReconcileOutcome {
  Applied,            // every owned object matches the Microservice
  InvalidSpec,        // semantic validation failed; nothing was written
  OwnershipConflict,  // an object with an owned name belongs to someone else; nothing was written
  ApplyFailed,        // the API server refused or failed a write
};

struct MicroserviceObservation {
  std::int64_t generation = 0;
  std::string url;       // render::microserviceUrl; empty when the spec could not be decoded
  std::string selector;  // "app.kubernetes.io/name=web,flotilla.io/microservice=web"
  ReconcileOutcome outcome = ReconcileOutcome::Applied;
  std::string message;                 // for every outcome but Applied: what went wrong, with field paths
  const nlohmann::json* deployment{};  // our Deployment as last seen (null: none, or not ours)
  const nlohmann::json* autoscaler{};  // our HPA, when the spec asks for autoscaling
  std::int64_t readyEndpoints = 0;
};

// The new status. `previous` is the live status (for lastTransitionTime); `now` an RFC 3339 time.
nlohmann::json computeMicroserviceStatus(const MicroserviceObservation& observation, const nlohmann::json& previous,
                                         const std::string& now);

// Ready endpoints of EndpointSlices (discovery.k8s.io/v1): endpoints whose conditions.ready is true or absent
// (absent means ready, per the API). Addresses seen in several slices count once.
std::int64_t countReadyEndpoints(const std::vector<const nlohmann::json*>& endpointSlices);

}  // namespace flotilla::controllers
