#pragma once
// What the gateway renderer concluded about each Route, in the shape the Route controller writes to
// status.parents[].conditions (Gateway API style: Accepted and ResolvedRefs, each with a reason and message).

#include <cstdint>
#include <string>
#include <vector>

#include "api/field_error.h"
#include "render/gateway_inputs.h"

namespace flotilla::render {

namespace reason {
inline constexpr const char* kAccepted = "Accepted";
inline constexpr const char* kNotAllowedByListeners = "NotAllowedByListeners";  // namespace not allowed
inline constexpr const char* kConflicted = "Conflicted";    // same hostname + match as an older Route
inline constexpr const char* kInvalidSpec = "InvalidSpec";  // validation errors (message lists field paths)
inline constexpr const char* kResolvedRefs = "ResolvedRefs";
inline constexpr const char* kBackendNotFound = "BackendNotFound";  // unknown Microservice or port
inline constexpr const char* kRefNotPermitted = "RefNotPermitted";  // backend in another namespace
inline constexpr const char* kBreakerPolicyNotFound = "BreakerPolicyNotFound";
}  // namespace reason

namespace condition {
inline constexpr const char* kAccepted = "Accepted";
inline constexpr const char* kResolvedRefs = "ResolvedRefs";
}  // namespace condition

struct RouteCondition {
  std::string type;
  bool status = false;
  std::string reason;
  std::string message;
  bool operator==(const RouteCondition&) const = default;
};

struct RouteVerdict {
  ObjectKey route;
  std::int64_t generation = 0;  // the Route generation the verdict is about (observedGeneration)
  ObjectKey gateway;            // the parent
  RouteCondition accepted;
  RouteCondition resolvedRefs;
  bool rendered = false;              // its rules are in haproxy.cfg (Accepted and ResolvedRefs both True)
  api::FieldErrors errors;            // every InvalidSpec finding with its field path
  std::vector<std::string> warnings;  // e.g. a Microservice's breakerPolicyRef that does not exist (fell back)
};

}  // namespace flotilla::render
