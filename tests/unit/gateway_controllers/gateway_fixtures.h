#pragma once
// Flotilla CRs as JSON, small enough to read in a test, valid for both the parser (unit tests) and the emulator's
// CRD schemas (integration tests). Header-only so the integration tests can include it too.

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace flotilla::controllers::testing {

using nlohmann::json;

inline json gatewayJson(const std::string& ns, const std::string& name, const std::string& allowedFrom = "Same") {
  return {{"apiVersion", "flotilla.io/v1alpha1"},
          {"kind", "Gateway"},
          {"metadata", {{"name", name}, {"namespace", ns}}},
          {"spec",
           {{"listeners", json::array({{{"name", "http"}, {"port", 80}}})},
            {"allowedRoutes", {{"namespaces", {{"from", allowedFrom}}}}}}}};
}

inline json microserviceJson(const std::string& ns, const std::string& name, int replicas = 2) {
  return {{"apiVersion", "flotilla.io/v1alpha1"},
          {"kind", "Microservice"},
          {"metadata", {{"name", name}, {"namespace", ns}}},
          {"spec",
           {{"image", "flotilla/echo:1"},
            {"ports", json::array({{{"name", "http"}, {"port", 8080}}})},
            {"replicas", replicas}}}};
}

// One rule: PathPrefix `prefix` to `service`, optionally under a BreakerPolicy.
inline json prefixRule(const std::string& prefix, const std::string& service, const std::string& breakerPolicy = "") {
  json rule = {{"matches", json::array({{{"path", {{"type", "PathPrefix"}, {"value", prefix}}}}})},
               {"backends", json::array({{{"service", service}}})}};
  if (!breakerPolicy.empty()) rule["breakerPolicyRef"] = {{"name", breakerPolicy}};
  return rule;
}

inline json routeJson(const std::string& ns, const std::string& name, const std::string& gatewayNamespace,
                      const std::string& gateway, const std::vector<json>& rules) {
  return {{"apiVersion", "flotilla.io/v1alpha1"},
          {"kind", "Route"},
          {"metadata", {{"name", name}, {"namespace", ns}}},
          {"spec", {{"gatewayRef", {{"name", gateway}, {"namespace", gatewayNamespace}}}, {"rules", rules}}}};
}

inline json breakerPolicyJson(const std::string& ns, const std::string& name, int consecutiveFailures = 5) {
  return {{"apiVersion", "flotilla.io/v1alpha1"},
          {"kind", "BreakerPolicy"},
          {"metadata", {{"name", name}, {"namespace", ns}}},
          {"spec", {{"consecutiveFailures", consecutiveFailures}}}};
}

// A gateway pod as the kubelet and the agent would leave it.
inline json gatewayPodJson(const std::string& ns, const std::string& gateway, const std::string& name, bool ready,
                           const std::string& loadedHash = "", const std::string& loadedGeneration = "",
                           const std::string& configError = "", const std::string& podIP = "10.0.0.7") {
  json annotations = json::object();
  if (!loadedHash.empty()) annotations["flotilla.io/loaded-config-hash"] = loadedHash;
  if (!loadedGeneration.empty()) annotations["flotilla.io/loaded-gateway-generation"] = loadedGeneration;
  if (!configError.empty()) annotations["flotilla.io/config-error"] = configError;
  return {{"apiVersion", "v1"},
          {"kind", "Pod"},
          {"metadata",
           {{"name", name},
            {"namespace", ns},
            {"labels", {{"app.kubernetes.io/name", gateway}, {"flotilla.io/gateway", gateway}}},
            {"annotations", annotations}}},
          {"spec", {{"containers", json::array({{{"name", "gateway"}, {"image", "flotilla/gateway:latest"}}})}}},
          {"status",
           {{"phase", "Running"},
            {"podIP", podIP},
            {"conditions", json::array({{{"type", "Ready"}, {"status", ready ? "True" : "False"}}})}}}};
}

}  // namespace flotilla::controllers::testing
