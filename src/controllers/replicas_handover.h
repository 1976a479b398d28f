#pragma once
// Handing a Deployment's spec.replicas to a HorizontalPodAutoscaler without a bounce.
//
// Server-side apply removes a field its manager stops applying when nobody else owns it. A Microservice that gains
// `autoscaling` renders its Deployment without spec.replicas (the HPA owns the count); applied as is, the API
// server would drop the field and the Deployment would default to 1 replica — every pod but one killed, then
// scaled up again by the HPA. Kubernetes' documented way out ("transferring ownership"): first apply the current
// count under a second field manager, so that the field has another owner and survives Flotilla's apply without it.
// The HPA then scales from the current count. The reverse direction needs no helper: Flotilla's apply sets
// spec.replicas again (force takes the field back) once the HPA is deleted.

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace flotilla::controllers {

// The field manager that holds spec.replicas during (and after) the hand-over.
inline constexpr const char* kReplicasHandoverManager = "flotilla-handover";

// True when `deployment` (read from the API with managedFields) has an Apply entry of `manager` on the main
// resource that owns spec.replicas.
bool appliesReplicas(const nlohmann::json& deployment, std::string_view manager);

// The apply configuration that gives kReplicasHandoverManager spec.replicas at the Deployment's current count
// (its spec.replicas; 1 when absent, the API default).
nlohmann::json replicasHandover(const nlohmann::json& deployment);

}  // namespace flotilla::controllers
