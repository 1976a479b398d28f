#pragma once
// The checks of a CRD schema that valijson does not make: `pattern` (matched here, only on strings within their
// maxLength), x-kubernetes-list-type set/map uniqueness, and x-kubernetes-validations rules through their C++ twins
// (rules without a twin are skipped; SchemaValidator::unsupportedRules lists them).

#include <string>

#include <nlohmann/json.hpp>

#include "api/field_error.h"
#include "api/schema_node.h"

namespace flotilla::api {

// std::regex recurses per character; past this length a pattern is not matched and the value is refused instead
// (no CRD here allows strings this long where a pattern applies).
inline constexpr std::size_t kMaxPatternCheckedLength = 8192;

// Appends to `errors` every violation in `value`; paths start with `basePath` (empty for a whole object).
void checkSchemaValues(const SchemaNode& schema, const nlohmann::json& value, const std::string& basePath,
                       FieldErrors& errors);

}  // namespace flotilla::api
