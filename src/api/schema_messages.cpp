#include "api/schema_messages.h"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <limits>

#include "api/field_path.h"

namespace flotilla::api {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxQuotedValue = 256;

// The path inside the body, as kube-openapi names it in "<name> in body ..." (the whole object for the root).
std::string bodyName(const std::string& path) {
  return path.empty() ? "body" : path;
}

std::string schemaTypeName(const SchemaNode* node) {
  if (node == nullptr) return "unknown";
  if (node->intOrString) return "integer,string";
  return node->type.empty() ? "object" : node->type;
}

std::string numberText(const json* value) {
  return value == nullptr ? "?" : value->dump();
}

// The bound valijson enforced: the schema's own, or the int32 range that `format: int32` adds (toJsonSchemaDraft4).
std::string boundText(const SchemaNode* node, const char* keyword) {
  const json* bound = node != nullptr ? node->keyword(keyword) : nullptr;
  const json* format = node != nullptr ? node->keyword("format") : nullptr;
  if (format == nullptr || *format != "int32") return numberText(bound);
  const bool upper = std::string_view(keyword) == "maximum";
  const json limit =
      upper ? json(std::numeric_limits<std::int32_t>::max()) : json(std::numeric_limits<std::int32_t>::min());
  if (bound == nullptr || !bound->is_number()) return limit.dump();
  const bool beyond = upper ? bound->get<double>() > limit.get<double>() : bound->get<double>() < limit.get<double>();
  return beyond ? limit.dump() : bound->dump();
}

std::string supportedValues(const json* values) {
  std::string text;
  if (values == nullptr || !values->is_array()) return text;
  for (const json& value : *values) {
    if (!text.empty()) text += ", ";
    text += value.dump();
  }
  return text;
}

// Where a violation points: the field path, the value there and its schema (null when the schema ends first).
struct Located {
  std::string path;
  const json* value = nullptr;
  const SchemaNode* node = nullptr;
};

Located locate(const std::vector<std::string>& location, const SchemaNode& root, const json& instance,
               const std::string& basePath) {
  Located at{basePath, &instance, &root};
  for (const std::string& part : location) {
    const json* value = at.value;
    const SchemaNode* node = at.node;
    if (value != nullptr && value->is_array()) {
      std::size_t index = 0;
      auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), index);
      const bool valid = ec == std::errc() && end == part.data() + part.size() && index < value->size();
      at.path = indexPath(at.path, index);
      at.value = valid ? &(*value)[index] : nullptr;
      at.node = node != nullptr ? node->items.get() : nullptr;
      continue;
    }
    const bool isProperty = node != nullptr && node->properties.contains(part);
    const bool isMapEntry =
        !isProperty && node != nullptr && (node->additionalProperties || node->anyAdditionalProperties);
    at.path = isMapEntry ? keyPath(at.path, part) : fieldPath(at.path, part);
    at.value = value != nullptr && value->is_object() && value->contains(part) ? &(*value)[part] : nullptr;
    at.node = node != nullptr ? node->child(part) : nullptr;
  }
  return at;
}

// The quoted name in "Missing required property 'image'.".
std::string quotedName(const std::string& description) {
  auto open = description.find('\'');
  auto close = description.rfind('\'');
  if (open == std::string::npos || close == open) return {};
  return description.substr(open + 1, close - open - 1);
}

std::size_t sizeOf(const json* value) {
  return value != nullptr && (value->is_array() || value->is_object()) ? value->size() : 0;
}

std::size_t unsignedKeyword(const SchemaNode* node, const char* name) {
  const json* value = node != nullptr ? node->keyword(name) : nullptr;
  if (value == nullptr || !value->is_number_integer()) return 0;
  const auto number = value->get<std::int64_t>();
  return number > 0 ? static_cast<std::size_t>(number) : 0;
}

FieldError describe(const JsonSchemaViolation& violation, const Located& at) {
  const std::string& d = violation.description;
  const json value = at.value != nullptr ? *at.value : json();
  const std::string in = bodyName(at.path) + " in body";
  auto keyword = [&](const char* name) { return at.node != nullptr ? at.node->keyword(name) : nullptr; };

  if (d.starts_with("Missing required property")) return requiredValue(fieldPath(at.path, quotedName(d)));
  if (d.starts_with("Value type not permitted")) {
    const std::string actual = jsonTypeName(value);
    return invalidValue(at.path, actual, in + " must be of type " + schemaTypeName(at.node) + ": \"" + actual + "\"");
  }
  if (d.starts_with("Failed to match against any enum values")) {
    return {at.path,
            "Unsupported value: " + describeValue(value) + ": supported values: " + supportedValues(keyword("enum"))};
  }
  if (d.starts_with("Expected number greater than or equal to")) {
    return invalidValue(at.path, value, in + " should be greater than or equal to " + boundText(at.node, "minimum"));
  }
  if (d.starts_with("Expected number greater than")) {
    return invalidValue(at.path, value, in + " should be greater than " + boundText(at.node, "minimum"));
  }
  if (d.starts_with("Expected number less than or equal to")) {
    return invalidValue(at.path, value, in + " should be less than or equal to " + boundText(at.node, "maximum"));
  }
  if (d.starts_with("Expected number less than")) {
    return invalidValue(at.path, value, in + " should be less than " + boundText(at.node, "maximum"));
  }
  if (d.starts_with("String should be no more than")) return tooLong(at.path, unsignedKeyword(at.node, "maxLength"));
  if (d.starts_with("String should be no fewer than")) {
    return invalidValue(at.path, value, in + " should be at least " + numberText(keyword("minLength")) + " chars long");
  }
  if (d.starts_with("Array should contain no more than")) {
    return tooMany(at.path, sizeOf(at.value), unsignedKeyword(at.node, "maxItems"));
  }
  if (d.starts_with("Array should contain no fewer than")) {
    return invalidValue(at.path, value, in + " should have at least " + numberText(keyword("minItems")) + " items");
  }
  if (d.starts_with("Object should have no more than")) {
    return tooMany(at.path, sizeOf(at.value), unsignedKeyword(at.node, "maxProperties"));
  }
  if (d.starts_with("Object should have no fewer than")) {
    return invalidValue(at.path, value,
                        in + " should have at least " + numberText(keyword("minProperties")) + " properties");
  }
  if (d.starts_with("Value should be a multiple of")) {
    return invalidValue(at.path, value, in + " should be a multiple of " + numberText(keyword("multipleOf")));
  }
  if (d.starts_with("Failed to match regex")) {
    const json* pattern = keyword("pattern");
    return patternMismatch(at.path, value,
                           pattern != nullptr && pattern->is_string() ? pattern->get<std::string>() : "");
  }
  // Junctors (allOf/anyOf/oneOf/not) and anything else: valijson's own words.
  return invalidValue(at.path, value, d);
}

}  // namespace

std::string jsonTypeName(const json& value) {
  switch (value.type()) {
    case json::value_t::string:
      return "string";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
      return "integer";
    case json::value_t::number_float:
      return "number";
    case json::value_t::boolean:
      return "boolean";
    case json::value_t::object:
      return "object";
    case json::value_t::array:
      return "array";
    default:
      return "null";
  }
}

std::string describeValue(const json& value) {
  std::string text = value.dump(-1, ' ', false, json::error_handler_t::replace);
  if (text.size() > kMaxQuotedValue) text = text.substr(0, kMaxQuotedValue) + "...";
  return text;
}

FieldError requiredValue(const std::string& path, std::string_view detail) {
  return {path, detail.empty() ? std::string("Required value") : "Required value: " + std::string(detail)};
}

FieldError forbiddenValue(const std::string& path, std::string_view detail) {
  return {path, "Forbidden: " + std::string(detail)};
}

FieldError invalidValue(const std::string& path, const json& value, std::string_view detail) {
  return {path, "Invalid value: " + describeValue(value) + ": " + std::string(detail)};
}

FieldError duplicateValue(const std::string& path, const json& value) {
  return {path, "Duplicate value: " + describeValue(value)};
}

FieldError tooLong(const std::string& path, std::size_t maxLength) {
  return {path, "Too long: may not be more than " + std::to_string(maxLength) + " bytes"};
}

FieldError tooMany(const std::string& path, std::size_t actual, std::size_t maxItems) {
  return {path, "Too many: " + std::to_string(actual) + ": must have at most " + std::to_string(maxItems) + " items"};
}

FieldError patternMismatch(const std::string& path, const json& value, const std::string& pattern) {
  return invalidValue(path, value, bodyName(path) + " in body should match '" + pattern + "'");
}

FieldError ruleViolation(const SchemaValidationRule& rule, const std::string& path, const SchemaNode& node) {
  std::string at = path;
  if (!rule.fieldPath.empty()) {
    at = rule.fieldPath.front() == '.' ? fieldPath(path, std::string_view(rule.fieldPath).substr(1))
                                       : path + rule.fieldPath;
  }
  const std::string detail = rule.message.empty() ? "failed rule: " + rule.rule : rule.message;
  if (rule.reason == "FieldValueForbidden") return forbiddenValue(at, detail);
  if (rule.reason == "FieldValueRequired") return requiredValue(at, detail);
  if (rule.reason == "FieldValueDuplicate") return duplicateValue(at, schemaTypeName(&node));
  return invalidValue(at, schemaTypeName(&node), detail);
}

FieldErrors describeViolations(const std::vector<JsonSchemaViolation>& violations, const SchemaNode& root,
                               const json& instance, const std::string& basePath) {
  FieldErrors errors;
  for (const JsonSchemaViolation& violation : violations) {
    FieldError error = describe(violation, locate(violation.location, root, instance, basePath));
    if (std::find(errors.begin(), errors.end(), error) == errors.end()) errors.push_back(std::move(error));
  }
  return errors;
}

}  // namespace flotilla::api
