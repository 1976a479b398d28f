#pragma once
// Objects seen as sets of fields under a PatchSchema, the way server-side apply (structured-merge-diff) sees
// them: granular maps and structs are walked key by key, list-type=map/set lists item by item, and everything
// else (scalars, atomic lists, atomic structs/maps) is one leaf.

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "apiserver/field_set.h"
#include "apiserver/patch_schema.h"

namespace flotilla::apiserver {

// The path element of each item of an associative list (k:{...} or v:...), or nullopt when the list cannot be
// treated item by item (not associative under `listSchema`, or an item without its keys).
std::optional<std::vector<std::string>> listItemElements(const nlohmann::json& list, const PatchSchema* listSchema);

// The fields an object sets: every leaf, every item of an associative list (the item itself and its fields), and
// map entries that are not struct fields. Struct fields with children are not members themselves.
FieldSet fieldSetOf(const nlohmann::json& value, const PatchSchema* schema);

struct FieldChanges {
  FieldSet added;
  FieldSet modified;
  FieldSet removed;

  bool empty() const { return added.empty() && modified.empty() && removed.empty(); }
  FieldSet addedOrModified() const { return added.unionWith(modified); }
};

// What changed from `before` to `after`. A map or list present on one side only is itself added/removed along
// with everything below it; empty and absent containers compare as leaves.
FieldChanges compareObjects(const nlohmann::json& before, const nlohmann::json& after, const PatchSchema* schema);

// `fields` plus, as members, every struct field that has members below it (so that pruning a field set never
// removes a struct someone still owns a part of).
FieldSet withNamedFieldsAsMembers(const FieldSet& fields, const PatchSchema* schema);

// Removes the members of `fields` from `value` (a member list item or map entry goes with everything below it).
// Maps and lists left empty by the removal are removed too.
void removeFields(nlohmann::json& value, const FieldSet& fields, const PatchSchema* schema);

}  // namespace flotilla::apiserver
