#pragma once
// JSON merge patch (RFC 7386) and JSON patch (RFC 6902) as the emulator applies them to stored objects
// (`application/merge-patch+json`, `application/json-patch+json`). Pure functions: errors are values.

#include <string>

#include <nlohmann/json.hpp>

namespace flotilla::apiserver {

// The outcome of applying a patch: the patched document, or why the patch could not be applied.
struct PatchResult {
  nlohmann::json object;  // the patched document (null when !ok())
  std::string error;      // empty on success
  bool ok() const { return error.empty(); }

  static PatchResult success(nlohmann::json object) { return {std::move(object), {}}; }
  static PatchResult failure(std::string error) { return {nullptr, std::move(error)}; }
};

// RFC 7386: objects merge recursively, null removes a member, anything else replaces. A patch that is not an
// object replaces the whole target (the RFC's rule; callers that need an object check the result).
PatchResult applyMergePatch(const nlohmann::json& target, const nlohmann::json& patch);

// RFC 6902: `patch` must be an array of operations (add, remove, replace, move, copy, test), applied in order;
// the first failing operation (a missing path, a `test` whose value differs) fails the whole patch.
PatchResult applyJsonPatch(const nlohmann::json& target, const nlohmann::json& patch);

}  // namespace flotilla::apiserver
