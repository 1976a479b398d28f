#pragma once
// What `flotilla render --diff` and `kubectl flotilla status` read from a live cluster (or the emulator): the four
// Flotilla kinds, decoded as the operator decodes them, and the lookup from a rendered object to its API resource.

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/types.h"
#include "kube/client.h"

namespace flotilla::cli {

struct CustomResources {
  std::vector<api::Microservice> microservices;
  std::vector<api::Route> routes;
  std::vector<api::BreakerPolicy> policies;
  std::vector<api::Gateway> gateways;
  std::vector<std::string> undecodable;  // "Route shop/x: spec.rules: ..." (skipped, as the operator skips them)
};

// Every Microservice, Route, BreakerPolicy and Gateway in `ns` ("" = all namespaces).
kube::Result<CustomResources> listCustomResources(kube::Client& client, std::string_view ns = "");

// The API resource of a rendered object (Deployment, Service, ConfigMap...), or null for a kind Flotilla does not
// know (the diff then skips it and says so).
const kube::ResourceRef* resourceOf(const nlohmann::json& object);

// GET that reads "not found" as null instead of an error.
kube::Result<nlohmann::json> getIfExists(kube::Client& client, const kube::ResourceRef& resource, std::string_view ns,
                                         std::string_view name);

}  // namespace flotilla::cli
