#pragma once
// Discovery documents built from the registry: aggregated discovery (apidiscovery.k8s.io/v2, what kubectl 1.32
// asks for first) and the legacy APIVersions / APIGroupList / APIGroup / APIResourceList.

#include <string>

#include <nlohmann/json.hpp>

#include "apiserver/resource_registry.h"

namespace flotilla::apiserver {

inline constexpr const char* kAggregatedDiscoveryContentType =
    "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";

// /api (core only) or /apis (every named group) as an APIGroupDiscoveryList.
nlohmann::json aggregatedDiscovery(const ResourceRegistry& registry, bool core);
nlohmann::json apiVersions(const std::string& serverAddress);
nlohmann::json apiGroupList(const ResourceRegistry& registry);
// null when the group is not served.
nlohmann::json apiGroup(const ResourceRegistry& registry, const std::string& group);
// null when the group-version is not served.
nlohmann::json apiResourceList(const ResourceRegistry& registry, const std::string& group, const std::string& version);

// True when the Accept header asks for aggregated discovery v2.
bool acceptsAggregatedDiscovery(const std::string& accept);

}  // namespace flotilla::apiserver
