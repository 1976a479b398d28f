#include "api/schema_value_checks.h"

#include <unordered_set>

#include "api/field_path.h"
#include "api/schema_messages.h"

namespace flotilla::api {
namespace {

using nlohmann::json;

// True when `length` breaks the schema's own maxLength, which valijson reports.
bool exceedsMaxLength(const SchemaNode& schema, std::size_t length) {
  const json* maxLength = schema.keyword("maxLength");
  return maxLength != nullptr && maxLength->is_number_integer() &&
         static_cast<std::int64_t>(length) > maxLength->get<std::int64_t>();
}

// Counts code points like the maxLength check does, so a value valijson accepted is always matched.
std::size_t codePoints(const std::string& text) {
  std::size_t count = 0;
  for (unsigned char c : text) count += (c & 0xC0) != 0x80;
  return count;
}

void checkPattern(const SchemaNode& schema, const json& value, const std::string& path, FieldErrors& errors) {
  if (!schema.pattern || !value.is_string()) return;
  const auto& text = value.get_ref<const std::string&>();
  if (exceedsMaxLength(schema, codePoints(text))) return;
  if (text.size() > kMaxPatternCheckedLength) {
    errors.push_back(tooLong(path, kMaxPatternCheckedLength));
    return;
  }
  if (!std::regex_search(text, *schema.pattern)) {
    errors.push_back(patternMismatch(path, value, schema.keyword("pattern")->get<std::string>()));
  }
}

// The identity of a list-map entry: its key fields, serialized.
std::string mapEntryKey(const json& entry, const std::vector<std::string>& keys, json& keyObject) {
  keyObject = json::object();
  for (const std::string& key : keys) {
    if (entry.is_object() && entry.contains(key)) keyObject[key] = entry[key];
  }
  return keyObject.dump();
}

void checkListUniqueness(const SchemaNode& schema, const json& list, const std::string& path, FieldErrors& errors) {
  if (schema.listType != "set" && schema.listType != "map") return;
  std::unordered_set<std::string> seen;
  for (std::size_t i = 0; i < list.size(); ++i) {
    if (schema.listType == "set") {
      if (!seen.insert(list[i].dump()).second) errors.push_back(duplicateValue(indexPath(path, i), list[i]));
      continue;
    }
    json keyObject;
    if (!seen.insert(mapEntryKey(list[i], schema.listMapKeys, keyObject)).second) {
      errors.push_back(duplicateValue(indexPath(path, i), keyObject));
    }
  }
}

void checkRules(const SchemaNode& schema, const json& value, const std::string& path, FieldErrors& errors) {
  for (const SchemaValidationRule& rule : schema.rules) {
    if (rule.check != nullptr && !rule.check(value)) errors.push_back(ruleViolation(rule, path, schema));
  }
}

}  // namespace

void checkSchemaValues(const SchemaNode& schema, const json& value, const std::string& basePath, FieldErrors& errors) {
  if (value.is_null()) return;
  checkPattern(schema, value, basePath, errors);
  checkRules(schema, value, basePath, errors);
  if (value.is_array()) {
    if (schema.items) {
      for (std::size_t i = 0; i < value.size(); ++i) {
        checkSchemaValues(*schema.items, value[i], indexPath(basePath, i), errors);
      }
    }
    checkListUniqueness(schema, value, basePath, errors);
  } else if (value.is_object()) {
    for (const auto& [key, entry] : value.items()) {
      if (auto property = schema.properties.find(key); property != schema.properties.end()) {
        checkSchemaValues(*property->second, entry, fieldPath(basePath, key), errors);
      } else if (schema.additionalProperties) {
        checkSchemaValues(*schema.additionalProperties, entry, keyPath(basePath, key), errors);
      }
    }
  }
}

}  // namespace flotilla::api
