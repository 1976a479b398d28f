#pragma once
// The defaults kube-apiserver fills in for built-in kinds (Deployment strategy, pod spec fields, Service type and
// protocols, Secret stringData...), so objects read back as a cluster returns them and server-side apply sees the
// same defaulted fields. Allocation (Service cluster IPs) is not here: it needs state (see ResourceService).

#include <nlohmann/json.hpp>

#include "apiserver/resource_info.h"

namespace flotilla::apiserver {

void applyBuiltinDefaults(const ResourceInfo& resource, nlohmann::json& object);

// Pod spec defaults (also used for Deployment / ReplicaSet templates).
void applyPodSpecDefaults(nlohmann::json& podSpec);

}  // namespace flotilla::apiserver
