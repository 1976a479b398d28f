#pragma once
// Checks that a CRD version's openAPIV3Schema is structural, as apiextensions.k8s.io/v1 demands before it serves a
// CRD: every node typed (unless x-kubernetes-int-or-string or x-kubernetes-preserve-unknown-fields), arrays with one
// items schema, no properties beside additionalProperties, no $ref/definitions/patternProperties/uniqueItems,
// well-formed list types and validation rules, and metadata restricted to name and generateName.
// Whether defaults validate is checked by SchemaValidator::compile, which can validate.

#include <string_view>

#include <nlohmann/json.hpp>

#include "api/field_error.h"

namespace flotilla::api {

// Every reason `schema` is not structural, with paths below `basePath` in kube-apiserver's style
// ("openAPIV3Schema.properties[spec].properties[replicas].type: Required value: ...").
FieldErrors checkStructural(const nlohmann::json& schema, std::string_view basePath = "openAPIV3Schema");

}  // namespace flotilla::api
