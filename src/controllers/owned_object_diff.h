#pragma once
// "Does the live object already hold what we would apply — and if not, where does it differ?" — the check that lets a
// reconcile make no write when nothing changed (DESIGN.md §3: steady state makes zero write requests).
//
// Two questions, both answered from the informer cache (which has no managedFields):
//  1. Did our intent change since the last apply? Every applied object carries flotilla.io/applied-hash, a hash
//     of the configuration as rendered (withAppliedHash). A different hash means the spec changed — including fields
//     the new configuration *leaves out*, which server-side apply removes and a field-by-field comparison cannot see.
//  2. Did someone change a field we set (a hand edit)? Every field of the configuration must be present in the live
//     object with the same value. Fields only the live object has (server defaults, status, another tool's
//     annotations, a sidecar injected into a keyed list) are someone else's and are ignored.
// The answer names the first differing field, which goes into the Updated Event ("restored
// spec.template.spec.containers[name=web].image"). Values compare semantically: numbers by value; resource quantities
// ("0.1" vs "100m") by amount; lists of named objects (containers, env, ports) by name, other lists of objects position
// by position with equal length (server- side apply replaces those whole); lists of scalars exactly.

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace flotilla::controllers {

inline constexpr const char* kAnnotationAppliedHash = "flotilla.io/applied-hash";

// `desired` with metadata.annotations[flotilla.io/applied-hash] set to the hash of `desired` as given.
nlohmann::json withAppliedHash(nlohmann::json desired);

// The first path where `live` does not hold what `desired` sets ("spec.template.spec.containers[name=web].image"),
// or nullopt when it holds all of it. `desired` normally comes from withAppliedHash, so question 1 above is the
// path metadata.annotations.flotilla.io/applied-hash.
std::optional<std::string> firstDifference(const nlohmann::json& desired, const nlohmann::json& live);

inline bool liveMatches(const nlohmann::json& desired, const nlohmann::json& live) {
  return !firstDifference(desired, live).has_value();
}

}  // namespace flotilla::controllers
