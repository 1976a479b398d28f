#pragma once
// Pruning as kube-apiserver does it for structural schemas: object fields the schema does not name are removed,
// unless the schema says x-kubernetes-preserve-unknown-fields or allows any additionalProperties. At the root of an
// object apiVersion and kind are kept and metadata keeps exactly the ObjectMeta fields.

#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/schema_node.h"

namespace flotilla::api {

// metav1.ObjectMeta's fields: the only keys metadata keeps when an object is pruned (CRDs and built-in types alike).
const std::set<std::string, std::less<>>& objectMetaFields();

// Removes unknown fields from `value` and returns their paths ("spec.colour"), the names kubectl's strict field
// validation reports as `unknown field "spec.colour"`. `objectRoot`: `value` is a whole custom resource (keep
// apiVersion and kind, prune metadata to ObjectMeta) rather than a value somewhere inside one.
std::vector<std::string> pruneUnknownFields(const SchemaNode& schema, nlohmann::json& value, bool objectRoot = true);

}  // namespace flotilla::api
