#pragma once
// The simulated EndpointSlice and Endpoints controllers: for a Service with a selector, the matching pods with an
// IP become endpoints, with conditions from the pod (ready, serving, terminating) and ports resolved from the
// Service (a named targetPort through the pod's container ports). Slices are owned by the Service (so they go
// with it), labelled kubernetes.io/service-name, at most 100 endpoints each, one slice per distinct port mapping,
// and an empty placeholder slice when nothing matches — as kube-controller-manager keeps them.

#include <vector>

#include "apiserver/sim_plan.h"

namespace flotilla::apiserver::sim {

inline constexpr const char* kServiceNameLabel = "kubernetes.io/service-name";
inline constexpr const char* kSliceManagedByLabel = "endpointslice.kubernetes.io/managed-by";
inline constexpr const char* kSliceManagedByValue = "endpointslice-controller.k8s.io";
inline constexpr const char* kEndpointsManagedByLabel = "endpoints.kubernetes.io/managed-by";
inline constexpr const char* kEndpointsManagedByValue = "endpoint-controller";
inline constexpr std::size_t kMaxEndpointsPerSlice = 100;

// True for Services this controller looks after (a non-empty selector, not ExternalName).
bool serviceSelectsPods(const json& service);

// `pods`: the pods of the Service's namespace (selection happens here). `slices`: the EndpointSlices of the
// namespace labelled with this Service's name (only those managed by this controller are touched).
Plan reconcileEndpointSlices(const json& service, const ObjectRefs& pods, const ObjectRefs& slices,
                             const NameSuffix& nameSuffix);

// The legacy core/v1 Endpoints object named like the Service. `existing` is null when there is none.
Plan reconcileEndpoints(const json& service, const ObjectRefs& pods, const json* existing);

}  // namespace flotilla::apiserver::sim
