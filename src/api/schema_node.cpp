#include "api/schema_node.h"

namespace flotilla::api {
namespace {

using nlohmann::json;

bool flag(const json& schema, const char* name) {
  auto it = schema.find(name);
  return it != schema.end() && it->is_boolean() && it->get<bool>();
}

std::string text(const json& schema, const char* name) {
  auto it = schema.find(name);
  return it != schema.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::vector<SchemaValidationRule> readRules(const json& schema) {
  std::vector<SchemaValidationRule> rules;
  auto it = schema.find("x-kubernetes-validations");
  if (it == schema.end() || !it->is_array()) return rules;
  for (const json& entry : *it) {
    if (!entry.is_object()) continue;
    SchemaValidationRule rule;
    rule.rule = text(entry, "rule");
    rule.message = text(entry, "message");
    rule.fieldPath = text(entry, "fieldPath");
    rule.reason = text(entry, "reason");
    rule.check = findRuleCheck(rule.rule);
    rules.push_back(std::move(rule));
  }
  return rules;
}

}  // namespace

const SchemaNode* SchemaNode::child(std::string_view key) const {
  if (auto it = properties.find(key); it != properties.end()) return it->second.get();
  return additionalProperties.get();
}

const json* SchemaNode::keyword(std::string_view name) const {
  if (source == nullptr || !source->is_object()) return nullptr;
  auto it = source->find(name);
  return it == source->end() ? nullptr : &*it;
}

std::unique_ptr<SchemaNode> readSchemaNode(const json& schema) {
  auto node = std::make_unique<SchemaNode>();
  node->source = &schema;
  if (!schema.is_object()) return node;
  node->type = text(schema, "type");
  node->nullable = flag(schema, "nullable");
  node->intOrString = flag(schema, "x-kubernetes-int-or-string");
  node->preserveUnknownFields = flag(schema, "x-kubernetes-preserve-unknown-fields");
  if (auto it = schema.find("properties"); it != schema.end() && it->is_object()) {
    for (const auto& [name, property] : it->items()) node->properties.emplace(name, readSchemaNode(property));
  }
  if (auto it = schema.find("additionalProperties"); it != schema.end()) {
    if (it->is_object()) {
      node->additionalProperties = readSchemaNode(*it);
    } else {
      node->anyAdditionalProperties = it->is_boolean() && it->get<bool>();
    }
  }
  if (auto it = schema.find("items"); it != schema.end() && it->is_object()) node->items = readSchemaNode(*it);
  if (auto it = schema.find("default"); it != schema.end()) node->defaultValue = &*it;
  if (auto it = schema.find("pattern"); it != schema.end() && it->is_string()) {
    try {
      node->pattern = std::make_shared<const std::regex>(it->get<std::string>());
    } catch (const std::regex_error&) {
      // Left unset: checkStructural reports the pattern, and compile refuses the schema.
    }
  }
  node->listType = text(schema, "x-kubernetes-list-type");
  if (auto it = schema.find("x-kubernetes-list-map-keys"); it != schema.end() && it->is_array()) {
    for (const json& key : *it) {
      if (key.is_string()) node->listMapKeys.push_back(key.get<std::string>());
    }
  }
  node->rules = readRules(schema);
  return node;
}

}  // namespace flotilla::api
