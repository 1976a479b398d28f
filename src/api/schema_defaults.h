#pragma once
// Schema defaulting as kube-apiserver does it for structural schemas: a missing property with a `default` gets a
// copy of it, a null in a non-nullable property gets the default or is removed, and defaulting recurses into every
// value (defaults included, so `default: {}` on an object fills in that object's own defaults).

#include <nlohmann/json.hpp>

#include "api/schema_node.h"

namespace flotilla::api {

void applySchemaDefaults(const SchemaNode& schema, nlohmann::json& value);

}  // namespace flotilla::api
