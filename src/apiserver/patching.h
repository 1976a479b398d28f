#pragma once
// The one place where the emulator calls the patch machinery (merge, JSON, strategic merge patch, server-side
// apply, managedFields bookkeeping), choosing the right schema for a resource: built-in table or CRD schema.

#include <string>

#include <nlohmann/json.hpp>

#include "apiserver/resource_info.h"
#include "apiserver/result.h"

namespace flotilla::apiserver {

enum class PatchType;
enum class Subresource;

// Applies a merge, JSON or strategic merge patch to `current`; 422/400 Status errors on failure.
Result<nlohmann::json> applyPatchDocument(const ResourceInfo& resource, const nlohmann::json& current, PatchType type,
                                          const nlohmann::json& patch);

// Server-side apply of `applied` by `manager` onto `live` (null: the object does not exist yet). The result carries
// the updated metadata.managedFields; a 409 Conflict names the conflicting fields unless `force`.
Result<nlohmann::json> applyConfiguration(const ResourceInfo& resource, const nlohmann::json* live,
                                          const nlohmann::json& applied, const std::string& manager, bool force,
                                          Subresource subresource);

// Records a non-apply write by `manager` in newObject's metadata.managedFields (operation Update).
void recordManagedUpdate(const ResourceInfo& resource, nlohmann::json& newObject, const nlohmann::json* oldObject,
                         const std::string& manager, Subresource subresource);

// The patch schema for a resource (built-in table or the CRD's compiled schema).
const PatchSchema* patchSchemaOf(const ResourceInfo& resource);

}  // namespace flotilla::apiserver
