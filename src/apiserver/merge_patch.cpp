#include "apiserver/merge_patch.h"

namespace flotilla::apiserver {

PatchResult applyMergePatch(const nlohmann::json& target, const nlohmann::json& patch) {
  nlohmann::json result = target;
  result.merge_patch(patch);
  return PatchResult::success(std::move(result));
}

namespace {

// nlohmann checks each operation as it applies it; checking the shape first gives messages that name the
// operation by its index, like the json-patch library kube-apiserver uses.
std::string shapeError(const nlohmann::json& patch) {
  if (!patch.is_array()) return "json patch must be an array of operations";
  for (std::size_t i = 0; i < patch.size(); ++i) {
    const nlohmann::json& op = patch[i];
    if (!op.is_object()) return "json patch operation " + std::to_string(i) + " is not an object";
    auto kind = op.find("op");
    if (kind == op.end() || !kind->is_string()) return "json patch operation " + std::to_string(i) + " has no \"op\"";
    auto path = op.find("path");
    if (path == op.end() || !path->is_string())
      return "json patch operation " + std::to_string(i) + " (" + kind->get<std::string>() + ") has no \"path\"";
  }
  return {};
}

}  // namespace

PatchResult applyJsonPatch(const nlohmann::json& target, const nlohmann::json& patch) {
  if (std::string error = shapeError(patch); !error.empty()) return PatchResult::failure(std::move(error));
  try {
    return PatchResult::success(target.patch(patch));
  } catch (const nlohmann::json::exception& e) {
    // nlohmann prefixes "[json.exception.<kind>.<id>] "; the rest is the useful part.
    std::string what = e.what();
    if (auto close = what.find("] "); what.rfind("[json.exception.", 0) == 0 && close != std::string::npos)
      what.erase(0, close + 2);
    return PatchResult::failure("json patch failed: " + what);
  }
}

}  // namespace flotilla::apiserver
