#include "api/schema_defaults.h"

#include <string>
#include <vector>

namespace flotilla::api {
namespace {

using nlohmann::json;

// A non-nullable null is replaced by the default or dropped, as if the field had not been written.
void resolveNullEntry(const SchemaNode& schema, json& object, const std::string& key) {
  json& entry = object[key];
  if (!entry.is_null() || schema.nullable) return;
  if (schema.defaultValue != nullptr) {
    entry = *schema.defaultValue;
  } else {
    object.erase(key);
  }
}

void defaultObject(const SchemaNode& schema, json& object) {
  for (const auto& [name, property] : schema.properties) {
    if (!object.contains(name)) {
      if (property->defaultValue != nullptr) object[name] = *property->defaultValue;
    } else {
      resolveNullEntry(*property, object, name);
    }
  }
  if (schema.additionalProperties) {
    std::vector<std::string> keys;
    for (const auto& [key, entry] : object.items()) keys.push_back(key);
    for (const std::string& key : keys) resolveNullEntry(*schema.additionalProperties, object, key);
  }
  for (auto& [key, entry] : object.items()) {
    if (const SchemaNode* child = schema.child(key)) applySchemaDefaults(*child, entry);
  }
}

void defaultArray(const SchemaNode& items, json& array) {
  for (json& element : array) {
    if (element.is_null() && !items.nullable && items.defaultValue != nullptr) element = *items.defaultValue;
    applySchemaDefaults(items, element);
  }
}

}  // namespace

void applySchemaDefaults(const SchemaNode& schema, json& value) {
  if (value.is_object()) {
    defaultObject(schema, value);
  } else if (value.is_array() && schema.items) {
    defaultArray(*schema.items, value);
  }
}

}  // namespace flotilla::api
