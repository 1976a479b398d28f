#pragma once
// Informer indexes that answer "which Gateways does this change affect?" without scanning every object:
// Routes by the Gateway they name, by the BreakerPolicies their rules name and by the Microservices they route to;
// Microservices and Gateways by the BreakerPolicy they default to; BreakerPolicies by their fallback Microservice;
// Gateways that pick Route namespaces with a label selector. Every value is a "namespace/name" key.

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace flotilla::controllers {

inline constexpr const char* kRouteByGateway = "route.gateway";
inline constexpr const char* kRouteByBreakerPolicy = "route.breakerPolicy";
inline constexpr const char* kRouteByMicroservice = "route.microservice";
inline constexpr const char* kMicroserviceByBreakerPolicy = "microservice.breakerPolicy";
inline constexpr const char* kBreakerPolicyByFallback = "breakerPolicy.fallbackService";
inline constexpr const char* kGatewayByBreakerPolicy = "gateway.breakerPolicy";
inline constexpr const char* kGatewayByNamespaceSelector = "gateway.namespaceSelector";
inline constexpr const char* kNamespaceSelectorValue = "selector";  // the one value of kGatewayByNamespaceSelector

std::vector<std::string> routeGateways(const nlohmann::json& route);
std::vector<std::string> routeBreakerPolicies(const nlohmann::json& route);
std::vector<std::string> routeMicroservices(const nlohmann::json& route);
std::vector<std::string> microserviceBreakerPolicies(const nlohmann::json& microservice);
std::vector<std::string> breakerPolicyFallbacks(const nlohmann::json& policy);
std::vector<std::string> gatewayBreakerPolicies(const nlohmann::json& gateway);
std::vector<std::string> gatewayNamespaceSelector(const nlohmann::json& gateway);

}  // namespace flotilla::controllers
