#pragma once
// A Kubernetes structural schema (a CRD version's openAPIV3Schema) read into a tree. The schema validator walks
// this tree to default, prune, check list types and validation rules, and to word errors like kube-apiserver.
// Nodes point into the JSON they were read from, which must outlive them.

#include <map>
#include <memory>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/schema_rules.h"

namespace flotilla::api {

// One entry of x-kubernetes-validations, with its C++ twin when one exists (CEL itself is not evaluated).
struct SchemaValidationRule {
  std::string rule;
  std::string message;
  std::string fieldPath;  // ".maxReplicas"; empty = the node itself
  std::string reason;     // FieldValueInvalid (default) | FieldValueForbidden | FieldValueRequired | ...
  RuleCheck check = nullptr;
};

struct SchemaNode {
  const nlohmann::json* source = nullptr;  // the schema object this node was read from
  std::string type;                        // object | array | string | integer | number | boolean | "" (untyped)
  bool nullable = false;
  bool intOrString = false;
  bool preserveUnknownFields = false;
  std::map<std::string, std::unique_ptr<SchemaNode>, std::less<>> properties;
  std::unique_ptr<SchemaNode> additionalProperties;  // schema of map values
  bool anyAdditionalProperties = false;              // additionalProperties: true
  std::unique_ptr<SchemaNode> items;
  const nlohmann::json* defaultValue = nullptr;
  // `pattern`, compiled once. Kubernetes patterns are RE2; the CRDs keep to the part that ECMAScript shares.
  std::shared_ptr<const std::regex> pattern;
  std::string listType;  // atomic | set | map; empty = atomic
  std::vector<std::string> listMapKeys;
  std::vector<SchemaValidationRule> rules;

  // The schema of `key` inside an object of this schema (a property, or a map value); nullptr when unknown.
  const SchemaNode* child(std::string_view key) const;
  // A constraint keyword of the source schema ("minimum", "pattern"...), or nullptr.
  const nlohmann::json* keyword(std::string_view name) const;
};

// Reads `schema` (and everything below it) into a tree. It does not judge the schema: checkStructural does.
std::unique_ptr<SchemaNode> readSchemaNode(const nlohmann::json& schema);

// Calls `visit(node)` on `root` and every node below it (properties, map values, items), parents first.
template <typename Visit>
void forEachSchemaNode(const SchemaNode& root, Visit&& visit) {
  visit(root);
  for (const auto& [name, child] : root.properties) forEachSchemaNode(*child, visit);
  if (root.additionalProperties) forEachSchemaNode(*root.additionalProperties, visit);
  if (root.items) forEachSchemaNode(*root.items, visit);
}

}  // namespace flotilla::api
