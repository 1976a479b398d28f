#pragma once
// The built-in kinds' schemas, from one compact table: the OpenAPI v3 the emulator advertises (types,
// descriptions for `kubectl explain`, and the x-kubernetes-patch-* / list-type extensions kubectl's client-side
// apply reads) and, compiled from that same OpenAPI, the PatchSchema that strategic merge patch and server-side
// apply use. Merge keys and list types follow Kubernetes' own (k8s.io/api markers).

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "apiserver/patch_schema.h"

namespace flotilla::apiserver {

struct BuiltinKindSchema {
  std::string group;       // "" for core
  std::string version;     // "v1"
  std::string kind;        // "Deployment"
  std::string schemaName;  // "io.k8s.api.apps.v1.Deployment" (key in components.schemas)
};

// Every built-in kind the table describes, in table order.
const std::vector<BuiltinKindSchema>& builtinKindSchemas();

// The patch schema of a built-in kind, or nullptr if the table has no such kind. Lives for the whole program.
const PatchSchema* patchSchemaFor(std::string_view group, std::string_view version, std::string_view kind);

// ObjectMeta's patch schema (also used for custom resources' metadata).
const PatchSchema* builtinObjectMetaPatchSchema();

// OpenAPI v3 `components.schemas` for one group-version: the schema of each of its kinds (carrying
// x-kubernetes-group-version-kind) plus every schema they reference. Empty object for an unknown group-version.
nlohmann::json openApiComponentSchemas(std::string_view group, std::string_view version);

// Every schema of the table (all group-versions), keyed by OpenAPI name.
const nlohmann::json& allBuiltinOpenApiSchemas();

}  // namespace flotilla::apiserver
