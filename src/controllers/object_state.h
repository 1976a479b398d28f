#pragma once
// Reading the state of a cached object (JSON as the API serves it) the same way in every reconciler.

#include <nlohmann/json.hpp>

namespace flotilla::controllers {

// metadata.deletionTimestamp is set: the object is going away and only finalisation may touch it.
inline bool isBeingDeleted(const nlohmann::json& object) {
  auto metadata = object.find("metadata");
  return metadata != object.end() && metadata->is_object() && metadata->contains("deletionTimestamp") &&
         !(*metadata)["deletionTimestamp"].is_null();
}

// The object's status, or an empty object when it has none (a new object) or a malformed one.
inline const nlohmann::json& statusOf(const nlohmann::json& object) {
  static const nlohmann::json kEmpty = nlohmann::json::object();
  auto it = object.find("status");
  return it != object.end() && it->is_object() ? *it : kEmpty;
}

}  // namespace flotilla::controllers
