#pragma once
// `flotilla render` analysis, in the spirit of `istioctl analyze`: checks over a set of CRs that find
// configurations that are valid one object at a time but wrong together (a policy nothing uses, a Route that can
// never be reached, a reference to something that does not exist). Each check is a small pure function; none needs
// an API server except maxReplicasBelowCurrent, which reads the live replica counts it is given (none offline).
// The codes are stable: docs/cli.md lists each with what it means and what to do.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "api/types.h"
#include "render/gateway_inputs.h"

namespace flotilla::cli {

enum class Severity { Info, Warning, Error };
std::string severityName(Severity severity);  // "info" | "warning" | "error"

namespace finding_code {
inline constexpr const char* kUnusedBreakerPolicy = "FLT001";
inline constexpr const char* kShadowedRoute = "FLT002";
inline constexpr const char* kMicroserviceWithoutRoute = "FLT003";
inline constexpr const char* kMaxReplicasBelowCurrent = "FLT004";
inline constexpr const char* kRouteBackendNotFound = "FLT005";
inline constexpr const char* kRouteGatewayNotFound = "FLT006";
}  // namespace finding_code

struct Finding {
  std::string code;  // finding_code::*
  Severity severity = Severity::Warning;
  std::string kind;  // "Route", "BreakerPolicy", ...
  render::ObjectKey object;
  std::string message;
  // "FLT001 BreakerPolicy shop/strict: ..." (printed after "<severity>: " and the file location)
  std::string str() const;
  auto operator<=>(const Finding&) const = default;
};

struct AnalysisInputs {
  std::vector<api::Microservice> microservices;
  std::vector<api::Route> routes;
  std::vector<api::BreakerPolicy> policies;
  std::vector<api::Gateway> gateways;
  // The replicas each Microservice's Deployment runs now (live state). Empty offline: FLT004 is then skipped.
  std::map<render::ObjectKey, std::int32_t> currentReplicas;

  // Files a decoded object under its kind; kinds other than the four Flotilla ones are not analysed.
  void add(const api::AnyResource& resource);
};

// One function per code.
std::vector<Finding> unusedBreakerPolicies(const AnalysisInputs& in);      // FLT001
std::vector<Finding> shadowedRoutes(const AnalysisInputs& in);             // FLT002
std::vector<Finding> microservicesWithoutRoute(const AnalysisInputs& in);  // FLT003
std::vector<Finding> maxReplicasBelowCurrent(const AnalysisInputs& in);    // FLT004
std::vector<Finding> routeBackendsNotFound(const AnalysisInputs& in);      // FLT005
std::vector<Finding> routeGatewaysNotFound(const AnalysisInputs& in);      // FLT006

// Every check, findings sorted by (code, kind, object, message).
std::vector<Finding> analyze(const AnalysisInputs& in);

// True when a finding of severity Error is among them (`flotilla render` then exits 1).
bool hasErrors(const std::vector<Finding>& findings);

}  // namespace flotilla::cli
