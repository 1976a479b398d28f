#include "render/autoscaler.h"

#include "render/object_meta.h"

namespace flotilla::render {
namespace {

nlohmann::json utilizationMetric(const char* resource, std::int32_t percent) {
  return {{"type", "Resource"},
          {"resource", {{"name", resource}, {"target", {{"type", "Utilization"}, {"averageUtilization", percent}}}}}};
}

}  // namespace

nlohmann::json renderHorizontalPodAutoscaler(nlohmann::json metadata, const std::string& deploymentName,
                                             const api::Autoscaling& autoscaling) {
  nlohmann::json spec = {
      {"scaleTargetRef", {{"apiVersion", "apps/v1"}, {"kind", "Deployment"}, {"name", deploymentName}}},
      {"minReplicas", autoscaling.minReplicas},
      {"maxReplicas", autoscaling.maxReplicas},
  };
  nlohmann::json metrics = nlohmann::json::array();
  if (autoscaling.targetCPUUtilization) metrics.push_back(utilizationMetric("cpu", *autoscaling.targetCPUUtilization));
  if (autoscaling.targetMemoryUtilization) {
    metrics.push_back(utilizationMetric("memory", *autoscaling.targetMemoryUtilization));
  }
  if (!metrics.empty()) spec["metrics"] = std::move(metrics);
  if (autoscaling.behavior.is_object() && !autoscaling.behavior.empty()) spec["behavior"] = autoscaling.behavior;
  nlohmann::json hpa = objectSkeleton("autoscaling/v2", "HorizontalPodAutoscaler", std::move(metadata));
  hpa["spec"] = std::move(spec);
  return hpa;
}

}  // namespace flotilla::render
