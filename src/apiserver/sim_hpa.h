#pragma once
// The simulated HorizontalPodAutoscaler controller (autoscaling/v2), following kube-controller-manager's:
// per metric desired = ceil(ready pods × current / target utilization) with a 10% tolerance (unready pods count
// as 0% and pods without metrics as 0% / 100% when that changes nothing about the direction), the largest proposal
// wins, then the stabilization windows and scaling policies of spec.behavior (or, without behavior, the legacy
// rules: 5 minute scale-down window, scale up at most to max(2×current, 4)), clamped to min/max. It writes the
// target's replicas through the scale subresource and the HPA status (currentReplicas, desiredReplicas,
// currentMetrics, conditions AbleToScale / ScalingActive / ScalingLimited, lastScaleTime).
//
// Utilization figures do not come from a metrics server but from a lookup (MetricsTable, set by tests through
// POST /debug/metrics). The controller keeps memory between passes (recent recommendations and scale events):
// HpaMemory, owned by the caller per HPA.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "apiserver/sim_plan.h"

namespace flotilla::apiserver::sim {

inline constexpr double kHpaTolerance = 0.1;

struct HpaMemory {
  struct Recommendation {
    TimePoint at;
    std::int64_t replicas = 0;
  };
  struct ScaleEvent {
    TimePoint at;
    std::int64_t change = 0;  // replicas added (scale up) or removed (scale down), positive
  };
  std::vector<Recommendation> recommendations;
  std::vector<ScaleEvent> scaleUps;
  std::vector<ScaleEvent> scaleDowns;
};

// A pod's utilization of `resource` ("cpu", "memory") in percent of its request; nullopt: no metric.
using PodMetricLookup = std::function<std::optional<double>(const json& pod, const std::string& resource)>;

// One metric's replica count (Kubernetes' ReplicaCalculator.GetResourceReplicas) over pods modelled with equal
// requests. `pods`: the pods selected by the target. Error message when no usable metric exists.
struct ResourceReplicas {
  std::int64_t replicas = 0;
  std::int64_t utilization = 0;  // the average utilization (percent) over the pods with metrics
  // The average usage those percentages stand for ("50m" of CPU), when every such pod declares a request.
  std::string averageValue;
  std::string error;
};
ResourceReplicas computeResourceReplicas(std::int64_t currentReplicas, std::int64_t targetUtilization,
                                         const std::string& resource, const std::vector<json>& pods,
                                         const PodMetricLookup& lookup);

// `target`: the scale target (a Deployment) or null when it does not exist; `pods`: the pods its selector
// selects. Returns the scale write (if any) and the HPA status write (if it changed).
Plan reconcileHorizontalPodAutoscaler(const json& hpa, const json* target, const std::vector<json>& pods,
                                      const PodMetricLookup& lookup, HpaMemory& memory, TimePoint now);

}  // namespace flotilla::apiserver::sim
