#pragma once
// kube-apiserver's wording for schema violations, so that kubectl users of the emulator read what a cluster would
// tell them: "spec.replicas: Invalid value: 0: spec.replicas in body should be greater than or equal to 1",
// "spec.image: Required value", "spec.x: Unsupported value: \"a\": supported values: \"b\", \"c\"".

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/field_error.h"
#include "api/schema_node.h"
#include "api/schema_valijson.h"

namespace flotilla::api {

// A value as kube-apiserver quotes it in messages: strings quoted, numbers and booleans bare, the rest as JSON.
std::string describeValue(const nlohmann::json& value);
// JSON type name of a value: string, integer, number, boolean, object, array, null.
std::string jsonTypeName(const nlohmann::json& value);

FieldError requiredValue(const std::string& path, std::string_view detail = {});
FieldError forbiddenValue(const std::string& path, std::string_view detail);
FieldError invalidValue(const std::string& path, const nlohmann::json& value, std::string_view detail);
FieldError duplicateValue(const std::string& path, const nlohmann::json& value);
FieldError tooLong(const std::string& path, std::size_t maxLength);
FieldError tooMany(const std::string& path, std::size_t actual, std::size_t maxItems);
// "<path> in body should match '<pattern>'".
FieldError patternMismatch(const std::string& path, const nlohmann::json& value, const std::string& pattern);
// A failed x-kubernetes-validations rule, worded by its reason.
FieldError ruleViolation(const SchemaValidationRule& rule, const std::string& path, const SchemaNode& node);

// Rewrites valijson's findings about `instance` into field errors, using the schema tree to tell map keys from
// properties and to quote the violated constraint. Paths start with `basePath` (empty for a whole object).
FieldErrors describeViolations(const std::vector<JsonSchemaViolation>& violations, const SchemaNode& root,
                               const nlohmann::json& instance, const std::string& basePath);

}  // namespace flotilla::api
