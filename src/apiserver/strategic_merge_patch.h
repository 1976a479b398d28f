#pragma once
// Strategic merge patch (`application/strategic-merge-patch+json`) as kube-apiserver applies it to built-in
// kinds, driven by the same PatchSchema the emulator advertises in OpenAPI (so kubectl's client-side apply, which
// computes its patches from that OpenAPI, round-trips):
//
// - objects merge recursively; a null value deletes the key;
// - lists whose field has patch strategy `merge` merge by the field's merge key (containers by name, ports by
//   containerPort, env by name...); primitive lists with `merge` (finalizers) merge as sets; other lists, and
//   fields with strategy `replace`, are replaced whole;
// - directives: `$patch: delete` (a list element, by merge key; or a map, which becomes empty), `$patch: replace`
//   (a map, or an element of a merging list, replacing the whole list), `$setElementOrder/<list>` (the order of
//   the merged list), `$deleteFromPrimitiveList/<list>` (values to remove from a primitive list) and
//   `$retainKeys` (keys of the map to keep; the others are cleared, used for unions such as a Deployment's
//   strategy and a pod's volumes). `$patch: merge` in a list is rejected, as Kubernetes does.
// - orders: items named by `$setElementOrder` come in that order, then the patch list's order, with items only
//   in the live object kept where they were relative to their neighbours.

#include <nlohmann/json.hpp>

#include "apiserver/merge_patch.h"
#include "apiserver/patch_schema.h"

namespace flotilla::apiserver {

// `original` must be an object (or null for "nothing yet"), `patch` an object. `schema` may be null: then no list
// merges by key (every list is replaced), which is what Kubernetes does for fields it knows nothing about.
PatchResult applyStrategicMergePatch(const nlohmann::json& original, const nlohmann::json& patch,
                                     const PatchSchema* schema);

}  // namespace flotilla::apiserver
