#pragma once
// Who controls an object: Flotilla writes only to objects whose controller ownerReference (controller=true) points
// at the very CR being reconciled (kind in flotilla.io and uid). Anything else with the same name — a user's own
// Deployment, or a leftover of an earlier incarnation of the CR that the garbage collector has not removed yet — is
// someone else's and is never overwritten.

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace flotilla::controllers {

// True when `object`'s controller ownerReference is the flotilla.io `ownerKind` with uid `ownerUid`.
bool isControlledBy(const nlohmann::json& object, std::string_view ownerKind, std::string_view ownerUid);

// For messages: "no controller", or "controlled by Microservice web (uid 1234)".
std::string describeController(const nlohmann::json& object);

}  // namespace flotilla::controllers
