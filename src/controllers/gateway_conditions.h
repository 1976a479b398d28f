#pragma once
// Condition types and reasons of Gateways, Routes and BreakerPolicies (docs/operations.md lists what each means).
// The Route's Accepted/ResolvedRefs reasons come from the renderer (render/route_verdict.h).

namespace flotilla::controllers {

inline constexpr const char* kConditionAccepted = "Accepted";
inline constexpr const char* kConditionProgrammed = "Programmed";
inline constexpr const char* kConditionResolvedRefs = "ResolvedRefs";

inline constexpr const char* kReasonAccepted = "Accepted";
inline constexpr const char* kReasonProgrammed = "Programmed";
inline constexpr const char* kReasonPending = "Pending";                      // the data plane has not loaded it yet
inline constexpr const char* kReasonInvalid = "Invalid";                      // invalid spec, or HAProxy rejected it
inline constexpr const char* kReasonInvalidSpec = "InvalidSpec";              // a BreakerPolicy that fails validation
inline constexpr const char* kReasonOwnershipConflict = "OwnershipConflict";  // a same-named object is not ours
inline constexpr const char* kReasonNoMatchingParent = "NoMatchingParent";    // the Route's Gateway does not exist
inline constexpr const char* kReasonGatewayInvalid = "GatewayInvalid";        // the Route's Gateway is not accepted

}  // namespace flotilla::controllers
