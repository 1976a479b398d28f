#pragma once
// EndpointSlices (discovery.k8s.io/v1) → the render layer's Endpoint values, grouped by the Service they belong to.
// A Microservice's Service has the Microservice's name, so the group key is also the Microservice key that
// backends.json names. Pure.

#include <map>
#include <optional>
#include <vector>

#include <nlohmann/json.hpp>

#include "render/gateway_inputs.h"

namespace flotilla::gateway {

inline constexpr const char* kServiceNameLabel = "kubernetes.io/service-name";

// The Service (namespace, kubernetes.io/service-name label) a slice belongs to; nullopt without the label.
std::optional<render::ObjectKey> serviceOfSlice(const nlohmann::json& slice);

// One Endpoint per (endpoint, port) of the slice. An endpoint's first address stands for it (Kubernetes treats
// the addresses of one endpoint as interchangeable). FQDN slices give nothing; conditions follow the API's
// defaults (ready/serving unset = true, terminating unset = false).
std::vector<render::Endpoint> endpointsOfSlice(const nlohmann::json& slice);

// Every slice's endpoints under its Service, in a stable order (sorted).
std::map<render::ObjectKey, std::vector<render::Endpoint>> endpointsByService(
    const std::vector<nlohmann::json>& slices);

}  // namespace flotilla::gateway
