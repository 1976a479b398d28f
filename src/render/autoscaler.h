#pragma once
// autoscaling/v2 HorizontalPodAutoscaler for a Deployment; shared by Microservices and Gateways.

#include <string>

#include <nlohmann/json.hpp>

#include "api/types.h"

namespace flotilla::render {

// Metrics: Resource cpu/memory with Utilization targets (none given = the HPA's own default of 80% CPU);
// behavior is copied verbatim when present.
nlohmann::json renderHorizontalPodAutoscaler(nlohmann::json metadata, const std::string& deploymentName,
                                             const api::Autoscaling& autoscaling);

}  // namespace flotilla::render
