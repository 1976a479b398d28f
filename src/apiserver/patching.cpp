#include "apiserver/patching.h"

#include "apiserver/builtin_schemas.h"
#include "apiserver/managed_fields.h"
#include "apiserver/merge_patch.h"
#include "apiserver/resource_service.h"
#include "apiserver/server_side_apply.h"
#include "apiserver/strategic_merge_patch.h"

namespace flotilla::apiserver {

using nlohmann::json;

namespace {

// kube-apiserver answers a patch it cannot apply with 422 and the reason in the message.
ApiError patchFailed(const std::string& why) {
  ApiError error;
  error.code = 422;
  error.reason = "Invalid";
  error.message = "the server rejected our request due to an error in our request: " + why;
  error.details = json{{"causes", json::array({{{"reason", "FieldValueInvalid"}, {"message", why}}})}};
  return error;
}

std::string subresourceName(Subresource subresource) {
  return subresource == Subresource::Status ? "status" : "";
}

}  // namespace

const PatchSchema* patchSchemaOf(const ResourceInfo& resource) {
  if (resource.custom) return resource.patchSchema ? resource.patchSchema->root() : untypedObjectPatchSchema();
  const PatchSchema* schema = patchSchemaFor(resource.group, resource.version, resource.kind);
  return schema ? schema : untypedObjectPatchSchema();
}

Result<json> applyPatchDocument(const ResourceInfo& resource, const json& current, PatchType type, const json& patch) {
  PatchResult result;
  switch (type) {
    case PatchType::Merge:
      if (!patch.is_object()) return errors::badRequest("the merge patch must be a JSON object");
      result = applyMergePatch(current, patch);
      break;
    case PatchType::Json:
      if (!patch.is_array()) {
        return errors::badRequest("json: cannot unmarshal object into Go value of type jsonpatch.Patch");
      }
      result = applyJsonPatch(current, patch);
      break;
    case PatchType::Strategic:
      if (!patch.is_object()) return errors::badRequest("the strategic merge patch must be a JSON object");
      result = applyStrategicMergePatch(current, patch, patchSchemaOf(resource));
      break;
    case PatchType::Apply:
      return errors::internal("apply patches go through applyConfiguration");
  }
  if (!result.ok()) return patchFailed(result.error);
  return result.object;
}

Result<json> applyConfiguration(const ResourceInfo& resource, const json* live, const json& applied,
                                const std::string& manager, bool force, Subresource subresource) {
  ApplyOptions options;
  options.schema = patchSchemaOf(resource);
  options.statusIsSubresource = resource.hasStatusSubresource;
  options.subresource = subresourceName(subresource);
  ApplyOutcome outcome = serverSideApply(live, applied, manager, force, options);
  if (!outcome.error.empty()) return errors::badRequest(outcome.error);
  if (!outcome.conflicts.empty()) {
    ApiError error;
    error.code = 409;
    error.reason = "Conflict";
    error.message = outcome.conflictMessage();
    json causes = json::array();
    for (const auto& conflict : outcome.conflicts) {
      causes.push_back({{"reason", "FieldManagerConflict"},
                        {"message", "conflict with " + conflict.managerDisplay},
                        {"field", conflict.field}});
    }
    error.details = json{{"causes", causes}};
    return error;
  }
  return outcome.object;
}

void recordManagedUpdate(const ResourceInfo& resource, json& newObject, const json* oldObject,
                         const std::string& manager, Subresource subresource) {
  FieldManagementOptions options;
  options.schema = patchSchemaOf(resource);
  options.statusIsSubresource = resource.hasStatusSubresource;
  recordUpdate(newObject, oldObject, manager, subresourceName(subresource), options);
}

}  // namespace flotilla::apiserver
